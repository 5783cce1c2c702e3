from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

api_v1 = [
    path("", include("gcm.urls")),
    path("", include("accounts.api_urls")),
    path("", include("discussions.urls")),
    path("", include("experts.urls")),
    path("", include("events.urls")),
    path("", include("notifications.urls")),
]

urlpatterns = [
    path("", include("hub.urls")),
    path("", include("gcm.page_urls")),
    path("", include("discussions.page_urls")),
    path("", include("experts.page_urls")),
    path("", include("events.page_urls")),
    path("accounts/", include("accounts.page_urls")),
    path("notifications/", include("notifications.page_urls")),
    path("admin/", admin.site.urls),
    path("api/v1/", include(api_v1)),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="api-docs"),
    path("i18n/", include("django.conf.urls.i18n")),
]

handler400 = "hub.views.bad_request"
handler403 = "hub.views.permission_denied"
handler404 = "hub.views.page_not_found"
