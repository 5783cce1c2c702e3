from django.apps import AppConfig


class DiscussionsConfig(AppConfig):
    """Real-time, moderated discussion spaces per GCM objective."""

    name = "discussions"

    def ready(self) -> None:
        from discussions.models import Space
        from gcm.counts import register_objective_counter

        register_objective_counter("spaces", lambda objective: Space.objects.filter(
            objective=objective, visibility=Space.Visibility.PUBLIC).count())  # fmt: skip
