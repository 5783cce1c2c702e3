from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GcmConfig(AppConfig):
    name = "gcm"
    verbose_name = _("GCM taxonomy")
