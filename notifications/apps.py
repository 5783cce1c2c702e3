from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "notifications"

    def ready(self) -> None:
        from notifications.streams import user_stream_kind
        from realtime.streams import register_stream_kind

        register_stream_kind(user_stream_kind())
