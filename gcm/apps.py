from collections.abc import Mapping
from typing import Any

from django.apps import AppConfig
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _


class GcmConfig(AppConfig):
    name = "gcm"
    verbose_name = _("GCM taxonomy")

    def ready(self) -> None:
        from hub.home import register_home_section

        # First on the home page, under its introduction: the way into everything per objective.
        register_home_section("gcm/_objective_grid.html", _objective_grid, order=10)


def _objective_grid(request: HttpRequest, page: Mapping[str, Any]) -> Mapping[str, Any]:
    from gcm.selectors import objectives_in_order

    return {"objectives": objectives_in_order()}
