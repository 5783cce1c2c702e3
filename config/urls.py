from django.contrib import admin
from django.urls import include, path
from django.views.i18n import JavaScriptCatalog
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from accounts.language import set_language

api_v1 = [
    path("", include("gcm.urls")),
    path("", include("accounts.api_urls")),
    path("", include("discussions.urls")),
    path("", include("experts.urls")),
    path("", include("events.urls")),
    path("", include("notifications.urls")),
    path("", include("webhooks.urls")),
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
    # The language switcher: Django's set_language, which also sets a logged-in user's language.
    path("i18n/setlang/", set_language, name="set_language"),
    # The JavaScript's own messages (the djangojs catalog) in the request's language, for gettext() in static/.
    path("i18n/js/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
]

handler400 = "hub.views.bad_request"
handler403 = "hub.views.permission_denied"
handler404 = "hub.views.page_not_found"
