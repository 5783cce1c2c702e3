from django.apps import AppConfig


class DiscussionsConfig(AppConfig):
    """Real-time discussion spaces per GCM objective (filled by the discussion-spaces work)."""

    name = "discussions"
