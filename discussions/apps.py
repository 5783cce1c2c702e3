from django.apps import AppConfig


class DiscussionsConfig(AppConfig):
    """Real-time, moderated discussion spaces per GCM objective."""

    name = "discussions"

    def ready(self) -> None:
        from discussions import demo
        from discussions.models import Space
        from discussions.streams import space_stream_kind
        from gcm.counts import register_objective_counter, register_objective_section
        from hub.demo import register_seeder
        from realtime.streams import register_stream_kind

        register_objective_counter("spaces", lambda objective: Space.objects.filter(
            objective=objective, visibility=Space.Visibility.PUBLIC).count())  # fmt: skip
        register_stream_kind(space_stream_kind())
        register_objective_section("discussions/_objective_discussion.html", order=10)
        # After the users (accounts, order 10): the spaces' members are drawn from them.
        register_seeder("discussions", demo.seed_discussions, demo.discussion_steps, order=50)
