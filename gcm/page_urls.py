from django.urls import path

from gcm import views

app_name = "gcm"

urlpatterns = [
    path("objectives/", views.objective_index, name="objective-index"),
    path("objectives/<slug:key>/", views.objective_page, name="objective"),
]
