from django.urls import path

from notifications import views

app_name = "notifications"

urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("<int:notification_id>/read/", views.mark_read, name="read"),
    path("read-all/", views.mark_all_read, name="read-all"),
    path("settings/", views.settings_page, name="settings"),
    path("settings/preferences/", views.preferences_save, name="preferences"),
    path("settings/subscriptions/", views.subscription_save, name="subscriptions"),
    path("unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
]
