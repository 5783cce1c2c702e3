from django.urls import include, path

urlpatterns = [
    path("", include("experts.api.experts_urls")),
    path("", include("experts.api.resources_urls")),
    path("", include("experts.questions.urls")),
]
