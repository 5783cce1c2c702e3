from django.apps import AppConfig


class HubConfig(AppConfig):
    """What every part of the Hub shares: errors, health, logging, the web shell, origin checks."""

    name = "hub"
    verbose_name = "Hub"
