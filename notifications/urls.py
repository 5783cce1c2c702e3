from django.urls import URLPattern, URLResolver, path

from notifications import api

urlpatterns: list[URLPattern | URLResolver] = [
    path("notifications/", api.NotificationListView.as_view(), name="api-notifications"),
    path("notifications/read-all/", api.NotificationReadAllView.as_view()),
    path("notifications/<int:notification_id>/read/", api.NotificationReadView.as_view()),
    path("me/subscriptions/", api.SubscriptionView.as_view(), name="api-subscriptions"),
    path("me/notification-preferences/", api.PreferencesView.as_view(), name="api-notification-preferences"),
]
