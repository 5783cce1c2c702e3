from django.apps import AppConfig


class DiscussionsConfig(AppConfig):
    """Real-time, moderated discussion spaces per GCM objective."""

    name = "discussions"

    def ready(self) -> None:
        from discussions.models import Space
        from discussions.streams import space_stream_kind
        from gcm.counts import register_objective_counter
        from realtime.streams import register_stream_kind

        register_objective_counter("spaces", lambda objective: Space.objects.filter(
            objective=objective, visibility=Space.Visibility.PUBLIC).count())  # fmt: skip
        register_stream_kind(space_stream_kind())
