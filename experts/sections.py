"""What the experts app adds to other apps' pages: the objective page's resource and expert sections,
its open questions to experts, its counters, and a home-page section. Called once from ``ExpertsConfig.ready()``.

The objective page's counters run before its sections render, so each resource section takes its
"See all N" from ``counts`` and makes one query of its own (its newest few); the experts section
makes one. The page's queries do not grow with the data.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrPromise

from discussions.rendering import expert_group_name
from experts.models import Resource
from experts.questions import selectors as question_selectors
from experts.selectors import pages
from gcm.counts import register_objective_counter, register_objective_section
from gcm.models import Objective
from hub.home import register_home_section


@dataclass(frozen=True)
class ResourceSection:
    """One kind's section on the objective page: where it sits, its anchor and its words."""

    kind: str
    order: int
    anchor: str
    heading: StrPromise
    empty: StrPromise

    @property
    def template_name(self) -> str:
        return f"experts/_objective_{self.anchor}.html"


# Orders around the page's other sections: discussion (10), events (30, the events app's).
RESOURCE_SECTIONS = (
    ResourceSection(Resource.Kind.DOCUMENT, 20, "documents", _("Documents"), _("No approved documents yet.")),
    ResourceSection(
        Resource.Kind.PRACTICE, 25, "practices", _("Repository of Practices"), _("No approved practices yet.")
    ),
    ResourceSection(Resource.Kind.PROJECT, 40, "projects", _("Projects"), _("No approved projects yet.")),
    ResourceSection(
        Resource.Kind.TRAINING, 50, "training", _("Training and guidance"), _("No approved training material yet.")
    ),
    ResourceSection(Resource.Kind.VIDEO, 60, "videos", _("Videos"), _("No approved videos yet.")),
)
EXPERTS_SECTION_ORDER = 70
QUESTIONS_SECTION_ORDER = 75  # right after the experts: questions waiting for them
HOME_SECTION_ORDER = 40


def _library_url(objective: Objective, **params: str) -> str:
    return f"{reverse('experts:resource-list')}?{urlencode({'objective': objective.key, **params})}"


def resource_section_context(section: ResourceSection) -> Any:
    def context(request: HttpRequest, page: Mapping[str, Any]) -> Mapping[str, Any]:
        objective: Objective = page["objective"]
        count = page["counts"]["resources"][section.kind]
        return {
            "section": section,
            "resources": pages.latest_approved_resources(objective.key, section.kind),
            "count": count,
            "see_all_url": _library_url(objective, kind=section.kind),
        }

    return context


def experts_section_context(request: HttpRequest, page: Mapping[str, Any]) -> Mapping[str, Any]:
    objective: Objective = page["objective"]
    count = page["counts"]["experts"]
    return {
        "experts": pages.featured_experts(objective.key),
        "expert_count": count,
        "see_all_url": f"{reverse('experts:directory')}?{urlencode({'objective': objective.key})}",
    }


def open_questions_section_context(request: HttpRequest, page: Mapping[str, Any]) -> Mapping[str, Any]:
    objective: Objective = page["objective"]
    return {
        "open_questions": list(question_selectors.open_questions(objective_key=objective.key, now=timezone.now())),
        "group_name": expert_group_name(objective.key),
    }


def register_sections() -> None:
    register_objective_counter("resources", lambda objective: pages.approved_resource_counts_by_kind(objective.key))
    register_objective_counter("experts", lambda objective: pages.expert_count(objective.key))
    for section in RESOURCE_SECTIONS:
        register_objective_section(section.template_name, resource_section_context(section), order=section.order)
    register_objective_section("experts/_objective_experts.html", experts_section_context, order=EXPERTS_SECTION_ORDER)
    register_objective_section(
        "experts/_objective_questions.html", open_questions_section_context, order=QUESTIONS_SECTION_ORDER
    )
    register_home_section("experts/_home_experts.html", order=HOME_SECTION_ORDER)
