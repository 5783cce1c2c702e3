from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "notifications"

    def ready(self) -> None:
        from django.utils.module_loading import autodiscover_modules

        from hub.demo import register_seeder
        from notifications import demo
        from notifications.streams import user_stream_kind
        from realtime.streams import register_stream_kind

        register_stream_kind(user_stream_kind())
        # Each app's ``digest`` module registers its sections of the daily digest (notifications.digest_sections).
        autodiscover_modules("digest")
        # Right after the users (accounts, order 10): each of them follows some objectives and regions.
        register_seeder("subscriptions", demo.seed_subscriptions, demo.subscription_steps, order=11)
