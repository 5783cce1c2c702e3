from django.apps import AppConfig


class EventsConfig(AppConfig):
    """GCM Talks, trainings, webinars and events: organizers, answers, waiting lists, invitations."""

    name = "events"

    def ready(self) -> None:
        from events import demo, tasks_waitlist  # noqa: F401 (tasks_waitlist: registers its Celery task)
        from events.sections import register_sections
        from hub.demo import register_seeder

        register_sections()
        # After the users (accounts, order 10) and experts (20): organizers and attendees are demo users.
        register_seeder("events", demo.seed_events, demo.event_steps, order=30, counts=(demo.EVENTS,))
