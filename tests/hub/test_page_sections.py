"""Pages render the sections apps register: the home page (``hub.home``) and the objective page
(``gcm.counts``), through ``hub.sections``."""

from types import SimpleNamespace

import pytest
from django.template import engines
from django.test import RequestFactory

from hub import sections
from hub.home import home_sections, register_home_section

pytestmark = pytest.mark.django_db


@pytest.fixture
def registry(monkeypatch):
    """The sections the apps registered, which a test may add to; restored after it."""
    monkeypatch.setattr(sections, "_sections", {page: dict(found) for page, found in sections._sections.items()})


def render_page(page: str, **context) -> str:
    template = engines["django"].from_string(f'{{% load hub_sections %}}{{% page_sections "{page}" %}}')
    return template.render(context, RequestFactory().get("/"))


def test_gcm_puts_the_objective_grid_on_the_home_page():
    assert next(section.template_name for section in home_sections()) == "gcm/_objective_grid.html"


@pytest.mark.usefixtures("taxonomy")
def test_home_page_renders_the_registered_sections_in_order_below_its_introduction(client, registry):
    register_home_section("discussions/_objective_discussion.html", order=20,
                          context_function=lambda request, page: {"objective": SimpleNamespace(
                              number=9, key="9", short_title="Counter smuggling")})  # fmt: skip
    content = client.get("/").content.decode()
    intro, grid, discussion = (content.index(mark) for mark in
                               ('class="intro"', 'id="objectives-heading"', 'id="discussion-heading"'))  # fmt: skip
    assert intro < grid < discussion
    assert 'href="/objectives/23/"' in content and 'href="/spaces/objective-9/"' in content


def test_sections_render_by_order_then_template_with_the_page_context_and_their_own(registry):
    objective = SimpleNamespace(number=4, key="4", short_title="Legal identity")
    grid_context = lambda request, page: {"objectives": [page["objective"]]}  # noqa: E731
    sections.register_section("test", "gcm/_objective_grid.html", grid_context, order=2)
    sections.register_section("test", "discussions/_objective_discussion.html", order=1)
    content = render_page("test", objective=objective, counts={"spaces": 3})
    assert content.index('id="discussion-heading"') < content.index('id="objectives-heading"')
    assert 'href="/objectives/4/"' in content  # the grid's own context, made from the page's objective
    assert "(3 spaces)" in content  # the page's counts, read by the discussion section


def test_registering_a_template_again_replaces_it(registry):
    sections.register_section("test", "gcm/_objective_grid.html", order=5)
    sections.register_section("test", "gcm/_objective_grid.html", order=1)
    assert [(section.template_name, section.order) for section in sections.sections_of("test")] == [
        ("gcm/_objective_grid.html", 1)
    ]


def test_a_page_nobody_contributes_to_renders_nothing():
    assert render_page("nobody-contributes") == ""


@pytest.mark.usefixtures("taxonomy")
def test_objective_page_shows_the_discussion_section_discussions_registered_before_documents(client):
    content = client.get("/objectives/9/").content.decode()
    assert content.index('href="/spaces/objective-9/"') < content.index('id="documents-heading"')
    assert client.get("/objectives/general/").content.decode().count('href="/spaces/general/"') == 1
