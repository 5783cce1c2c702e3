"""The expert directory, profiles, the library, peer review and the objective page's sections, as
pages: plain GET and POST forms through Django's test client (no JavaScript)."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from experts.models import Expert, ExpertContact, Resource, Review, ReviewAssignment, Reviewer, ReviewerApplication
from tests.experts.factories import ExpertFactory, ResourceFactory
from tests.factories import UserFactory
from tests.notifications.smtp import smtp_server  # noqa: F401  (the fixture, used through ``mailbox``)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("taxonomy")]

XSS = '<script>alert("x")</script>'


@pytest.fixture
def mailbox(request):
    return request.getfixturevalue("smtp_server")


def page(client, url: str, status: int = 200) -> str:
    response = client.get(url)
    assert response.status_code == status, response.content.decode()[:2000]
    return response.content.decode()


def facet_count(content: str, facet: str, value: str) -> int | None:
    """The count shown beside one facet value, or None when the value is not listed with a count."""
    match = re.search(rf'data-option="{facet}:{re.escape(value)}".*?<span class="count"[^>]*>(\d+)</span>', content,
                      re.S)  # fmt: skip
    return int(match.group(1)) if match else None


def option_disabled(content: str, facet: str, value: str) -> bool:
    item = re.search(rf'<li data-option="{facet}:{re.escape(value)}".*?</li>', content, re.S)
    assert item is not None
    return " disabled>" in item.group(0) or " disabled " in item.group(0)


def result_count(content: str) -> str:
    match = re.search(r'<p id="result-count"[^>]*>(.*?)</p>', content, re.S)
    assert match is not None
    return " ".join(match.group(1).split())


# --- The directory ------------------------------------------------------------------------------


@pytest.fixture
def directory():
    return {
        "smuggling_africa": ExpertFactory.create(name="Amina Diallo", objectives=["9"], regions=["africa"],
                                                 organization="UNODC Dakar"),
        "smuggling_europe": ExpertFactory.create(name="Jonas Berg", objectives=["9", "10"], regions=["europe"]),
        "trafficking_africa": ExpertFactory.create(name="Kwame Mensah", objectives=["10"], regions=["africa"]),
        "remittances_asia": ExpertFactory.create(name="Li Wei", objectives=["20"], regions=["asia"]),
    }  # fmt: skip


def test_directory_filters_by_objective_and_region_without_javascript(client, directory):
    content = page(client, "/experts/?objective=9&region=africa")
    assert "Amina Diallo" in content
    assert "Jonas Berg" not in content and "Kwame Mensah" not in content and "Li Wei" not in content
    assert result_count(content) == "1 expert found"
    # Disjunctive counts: each facet counts with every other filter applied, not its own.
    assert facet_count(content, "region", "africa") == 1
    assert facet_count(content, "region", "europe") == 1
    assert facet_count(content, "objective", "9") == 1
    assert facet_count(content, "objective", "10") == 1  # Kwame: objective 10, in Africa
    assert facet_count(content, "objective", "20") == 0
    assert option_disabled(content, "objective", "20")
    assert not option_disabled(content, "objective", "10")
    assert 'id="f-objective-9" checked' in content and 'id="f-region-africa" checked' in content


def test_directory_facet_values_are_ored_within_a_facet(client, directory):
    content = page(client, "/experts/?objective=9&objective=20")
    assert result_count(content) == "3 experts found"
    assert "Kwame Mensah" not in content


def test_directory_shows_organization_and_verified_badge_so_namesakes_differ(client):
    ExpertFactory.create(name="Maria Garcia", organization="IOM Madrid", verified=True)
    ExpertFactory.create(name="Maria Garcia", organization="University of Lima")
    content = page(client, "/experts/?q=garcia")
    assert "IOM Madrid" in content and "University of Lima" in content
    assert content.count('class="badge verified"') == 1


def test_directory_partial_answer_carries_count_facets_and_results_only(client, directory):
    content = page(client, "/experts/?objective=10&partial=1")
    assert "<html" not in content
    assert result_count(content) == "2 experts found"
    assert facet_count(content, "region", "asia") == 0
    assert 'id="results"' in content and 'id="facets"' in content
    # Page links of the partial answer never carry the flag.
    assert "partial" not in re.sub(r"<p id=\"result-count\".*?</p>", "", content, flags=re.S)


def test_directory_ignores_unknown_filter_values(client, directory):
    content = page(client, "/experts/?objective=99&region=atlantis&page=x")
    assert result_count(content) == "4 experts found"


def test_directory_paginates(client):
    ExpertFactory.create_batch(25, objectives=["3"])
    first = page(client, "/experts/?objective=3")
    second = page(client, "/experts/?objective=3&page=2")
    assert first.count('class="card expert-card"') == 20 and second.count('class="card expert-card"') == 5
    assert 'href="?objective=3&amp;page=2"' in first
    assert 'start="21"' in second


def queries_of(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_directory_queries_do_not_grow_with_results(client):
    ExpertFactory.create_batch(3, objectives=["9"], regions=["africa"])
    url = "/experts/?objective=9&region=africa&region=europe"
    few = queries_of(client, url)
    ExpertFactory.create_batch(15, objectives=["9", "10"], regions=["africa", "asia"], countries=["KE", "NG"])
    assert queries_of(client, url) == few


# --- Profiles and contact -----------------------------------------------------------------------


def test_profile_bio_is_escaped_text_with_paragraphs(client):
    expert = ExpertFactory.create(bio=f"First line {XSS}\n\nSecond paragraph", title=XSS, organization="Org <b>x</b>")
    content = page(client, f"/experts/{expert.pk}/")
    assert "<script>alert" not in content
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in content
    assert "<p>Second paragraph</p>" in content
    assert "Org &lt;b&gt;x&lt;/b&gt;" in content
    assert expert.email not in content


def test_profile_offers_contact_form_only_to_logged_in_users_when_expert_accepts(client):
    expert = ExpertFactory.create()
    closed = ExpertFactory.create(accepts_contact=False)
    assert 'id="contact-form"' not in page(client, f"/experts/{expert.pk}/")
    client.force_login(UserFactory.create())
    assert 'id="contact-form"' in page(client, f"/experts/{expert.pk}/")
    content = page(client, f"/experts/{closed.pk}/")
    assert 'id="contact-form"' not in content and "does not accept messages" in content


def test_contact_form_relays_the_message_by_email(client, mailbox, django_capture_on_commit_callbacks):
    expert = ExpertFactory.create(email="amina.private@experts.example", user=UserFactory.create())
    sender = UserFactory.create(email="kwame@example.org")
    client.force_login(sender)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/experts/{expert.pk}/contact/", {"subject": "Fair recruitment", "message": "Hello"})
    assert response.status_code == 302 and response["Location"] == f"/experts/{expert.pk}/"
    [mail] = mailbox.messages
    assert mail.rcpt_tos == ["amina.private@experts.example"]
    assert mail.message["Reply-To"] == "kwame@example.org"
    assert "Fair recruitment" in mail.message["Subject"]
    assert ExpertContact.objects.get().sender == sender
    assert "Your message was sent" in page(client, f"/experts/{expert.pk}/")


def test_contact_form_shows_the_service_refusals(client, settings):
    settings.EXPERT_CONTACT_RATE = 1
    closed = ExpertFactory.create(accepts_contact=False)
    open_ = ExpertFactory.create()
    client.force_login(UserFactory.create())
    refused = client.post(f"/experts/{closed.pk}/contact/", {"subject": "Hi", "message": "Hello"})
    assert refused.status_code == 403
    assert "does not accept contact through the Hub" in refused.content.decode()
    assert client.post(f"/experts/{open_.pk}/contact/", {"subject": "Hi", "message": "Hello"}).status_code == 302
    limited = client.post(f"/experts/{open_.pk}/contact/", {"subject": "Again", "message": "Hello"})
    assert limited.status_code == 429
    assert 'role="alert"' in limited.content.decode()
    broken = client.post(f"/experts/{open_.pk}/contact/", {"subject": "Two\nlines", "message": "Hello"})
    assert broken.status_code == 400 and "one line" in broken.content.decode()
    assert ExpertContact.objects.count() == 1


def test_contact_needs_login(client):
    expert = ExpertFactory.create()
    response = client.post(f"/experts/{expert.pk}/contact/", {"subject": "Hi", "message": "Hello"})
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert not ExpertContact.objects.exists()


def test_new_profile_form_creates_the_users_profile(client):
    user = UserFactory.create(email="me@example.org")
    client.force_login(user)
    assert 'name="objectives"' in page(client, "/experts/new/")
    response = client.post("/experts/new/", {
        "name": "Amina Diallo", "title": "Adviser", "profile_language": "en", "objectives": ["9", "10"],
        "regions": ["africa"], "countries": ["SN"], "keywords": "smuggling, border management",
        "available_for": ["advisory"], "accepts_contact": "on", "bio": "",
    })  # fmt: skip
    expert = Expert.objects.get(user=user)
    assert response.status_code == 302 and response["Location"] == f"/experts/{expert.pk}/"
    assert expert.objectives == ["9", "10"] and expert.keywords == ["smuggling", "border management"]
    assert expert.email == "me@example.org"
    assert client.get("/experts/new/")["Location"] == f"/experts/{expert.pk}/edit/"


def test_profile_form_refuses_what_the_api_refuses(client):
    client.force_login(UserFactory.create())
    response = client.post("/experts/new/", {"name": "A", "profile_language": "en", "keywords": "x" * 61})
    assert response.status_code == 400
    assert "errorlist" in response.content.decode()
    assert not Expert.objects.exists()


def test_only_owner_and_staff_edit_a_profile(client):
    owner = UserFactory.create()
    expert = ExpertFactory.create(user=owner, name="Before")
    client.force_login(UserFactory.create())
    assert f'href="/experts/{expert.pk}/edit/"' not in page(client, f"/experts/{expert.pk}/")
    assert client.post(f"/experts/{expert.pk}/edit/", {"name": "Hacked", "profile_language": "en"}).status_code == 302
    client.force_login(owner)
    assert f'href="/experts/{expert.pk}/edit/"' in page(client, f"/experts/{expert.pk}/")
    assert 'value="Before"' in page(client, f"/experts/{expert.pk}/edit/")
    client.post(f"/experts/{expert.pk}/edit/", {"name": "After", "profile_language": "en", "objectives": ["9"]})
    expert.refresh_from_db()
    assert expert.name == "After" and expert.objectives == ["9"]


# --- The library -------------------------------------------------------------------------------


def test_library_filters_by_kind_and_objective_and_lists_only_approved(client):
    ResourceFactory.create(title="Smuggling study", objectives=["9"])
    ResourceFactory.create(title="Smuggling video", kind=Resource.Kind.VIDEO, objectives=["9"], document_type_id=None)
    ResourceFactory.create(title="Waiting document", objectives=["9"], status=Resource.Status.SUBMITTED)
    content = page(client, "/resources/?objective=9&kind=document")
    assert "Smuggling study" in content and "Smuggling video" not in content and "Waiting document" not in content
    assert result_count(content) == "1 resource found"
    assert facet_count(content, "kind", "video") == 1
    assert facet_count(content, "kind", "all") == 2
    assert 'id="kind-document" checked' in content
    assert facet_count(content, "document_type", "report") == 1


def test_resource_summary_is_escaped_in_the_library_and_on_its_page(client):
    resource = ResourceFactory.create(title=f"Title {XSS}", summary=f"Summary {XSS}\n\nMore")
    for url in ("/resources/", f"/resources/{resource.pk}/", "/objectives/6/"):
        content = page(client, url)
        assert "<script>alert" not in content, url
        assert "&lt;script&gt;" in content, url


def test_pending_resource_page_is_404_for_others_and_shown_to_its_submitter(client):
    submitter = UserFactory.create()
    pending = ResourceFactory.create(status=Resource.Status.SUBMITTED, submitted_by=submitter, title="My draft")
    assert client.get(f"/resources/{pending.pk}/").status_code == 404
    client.force_login(UserFactory.create())
    response = client.get(f"/resources/{pending.pk}/")
    assert response.status_code == 404 and "My draft" not in response.content.decode()
    client.force_login(submitter)
    content = page(client, f"/resources/{pending.pk}/")
    assert "My draft" in content and "not published" in content
    assert "My draft" in page(client, "/resources/")


def test_submit_form_creates_a_submitted_resource(client):
    user = UserFactory.create()
    assert client.get("/resources/submit/").status_code == 302
    client.force_login(user)
    assert 'name="document_type"' in page(client, "/resources/submit/")
    response = client.post("/resources/submit/", {
        "kind": "document", "title": "Toolkit", "summary": "A toolkit.", "url": "https://example.org/t.pdf",
        "document_type": "report", "publication_date": "2021-02-17", "summary_language": "en", "scope": "global",
        "objectives": ["9"],
    })  # fmt: skip
    resource = Resource.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/resources/{resource.pk}/"
    assert resource.status == Resource.Status.SUBMITTED and resource.submitted_by == user
    assert resource.document_type_id == "report" and str(resource.publication_date) == "2021-02-17"


def test_submit_form_shows_the_apis_refusal(client):
    client.force_login(UserFactory.create())
    response = client.post("/resources/submit/", {"kind": "video", "title": "Clip", "document_type": "report",
                                                  "summary_language": "en", "scope": "global"})  # fmt: skip
    assert response.status_code == 400
    assert "Only documents have a document type." in response.content.decode()
    assert not Resource.objects.exists()


# --- Peer review -------------------------------------------------------------------------------


@pytest.fixture
def in_review():
    submitter, reviewer = UserFactory.create(), UserFactory.create()
    Reviewer.objects.create(user=reviewer)
    resource = ResourceFactory.create(status=Resource.Status.IN_REVIEW, submitted_by=submitter, title="To review")
    ReviewAssignment.objects.create(resource=resource, reviewer=reviewer)
    return resource, reviewer


def test_reviewer_reviews_from_the_dashboard_only_with_the_declaration(client, in_review):
    resource, reviewer = in_review
    client.force_login(reviewer)
    content = page(client, "/review/")
    assert "To review" in content and 'name="no_conflict_of_interest"' in content
    response = client.post(f"/review/resources/{resource.pk}/", {"decision": "approve", "next": "/review/"},
                           follow=True)  # fmt: skip
    assert "conflict of interest" in response.content.decode()
    assert not Review.objects.exists()
    client.post(f"/review/resources/{resource.pk}/", {"decision": "approve", "no_conflict_of_interest": "on"})
    assert Review.objects.get().reviewer == reviewer
    assert "You approved it." in page(client, "/review/")


def test_assigned_reviewer_sees_the_review_form_on_the_resource_page(client, in_review):
    resource, reviewer = in_review
    client.force_login(reviewer)
    assert "Your review" in page(client, f"/resources/{resource.pk}/")
    client.force_login(resource.submitted_by)
    assert "Your review" not in page(client, f"/resources/{resource.pk}/")


def test_staff_approve_applications_and_assign_from_the_dashboard(client, staff_user):
    applicants = [UserFactory.create(username=name) for name in ("rev_one", "rev_two")]
    applications = [ReviewerApplication.objects.create(user=user, motivation="I know this.") for user in applicants]
    resource = ResourceFactory.create(status=Resource.Status.SUBMITTED, submitted_by=UserFactory.create())
    client.force_login(staff_user)
    content = page(client, "/review/")
    assert "rev_one" in content and f'id="queue-{resource.pk}"' in content
    for application in applications:
        client.post(f"/review/applications/{application.pk}/approve/")
    assert Reviewer.objects.count() == 2
    response = client.post(f"/review/resources/{resource.pk}/assign/", {"usernames": "rev_one, rev_two"}, follow=True)
    assert "rev_one, rev_two" in response.content.decode()
    resource.refresh_from_db()
    assert resource.status == Resource.Status.IN_REVIEW
    refused = client.post(f"/review/resources/{resource.pk}/assign/", {"usernames": "nobody"}, follow=True)
    assert "Not on the Peer Review Roster: nobody." in refused.content.decode()


def test_dashboard_is_not_a_queue_for_non_staff(client, in_review):
    resource, reviewer = in_review
    client.force_login(reviewer)
    assert f'id="queue-{resource.pk}"' not in page(client, "/review/")
    assert client.post(f"/review/resources/{resource.pk}/assign/", {"usernames": reviewer.username},
                       follow=True).status_code == 200  # fmt: skip
    assert ReviewAssignment.objects.count() == 1


def test_apply_to_the_roster(client):
    user = UserFactory.create()
    client.force_login(user)
    assert "Apply to join the Peer Review Roster" in page(client, "/review/apply/")
    response = client.post("/review/apply/", {"motivation": "Ten years on smuggling.", "objectives": ["9"]})
    assert response.status_code == 302
    application = ReviewerApplication.objects.get()
    assert application.user == user and application.objectives == ["9"]
    assert "waiting for a decision" in page(client, "/review/apply/")


# --- The objective page ------------------------------------------------------------------------


@pytest.fixture
def objective_nine():
    documents = ResourceFactory.create_batch(7, objectives=["9"])
    ResourceFactory.create_batch(2, kind=Resource.Kind.VIDEO, objectives=["9"], document_type_id=None)
    ResourceFactory.create(title="Pending on smuggling", objectives=["9"], status=Resource.Status.IN_REVIEW)
    ResourceFactory.create(title="About remittances", objectives=["20"])
    ExpertFactory.create_batch(2, objectives=["9"])
    ExpertFactory.create(name="Verified Expert", objectives=["9"], verified=True)
    ExpertFactory.create(name="Remittance Expert", objectives=["20"])
    return documents


def test_objective_page_sections_show_real_counts(client, objective_nine):
    content = page(client, "/objectives/9/")
    assert '<a href="/resources/?objective=9&amp;kind=document">See all 7</a>' in content
    assert '<a href="/resources/?objective=9&amp;kind=video">See all 2</a>' in content
    assert "No approved projects yet." in content and "No approved training material yet." in content
    assert "Pending on smuggling" not in content and "About remittances" not in content
    documents = re.search(r'<section id="documents".*?</section>', content, re.S)
    assert documents is not None and documents.group(0).count("<li>") == 5
    experts = re.search(r'<section id="experts".*?</section>', content, re.S)
    assert experts is not None
    assert "See all 3 experts on this objective" in experts.group(0)
    assert 'href="/experts/?objective=9"' in experts.group(0)
    assert experts.group(0).index("Verified Expert") < experts.group(0).index("</li>")  # verified first
    assert "Remittance Expert" not in content
    for heading in ("Documents", "Repository of Practices", "Projects", "Training and guidance", "Videos", "Experts"):
        assert content.count(f">{heading}</h2>") == 1, heading


def test_objectives_api_counts_resources_by_kind_and_experts(objective_nine):
    counts = APIClient().get("/api/v1/objectives/9/").json()["counts"]
    assert counts["resources"] == {"document": 7, "practice": 0, "project": 0, "video": 2, "training": 0}
    assert counts["experts"] == 3


def test_objective_page_queries_do_not_grow_with_content(client, django_assert_num_queries):
    ResourceFactory.create(objectives=["9"])
    ExpertFactory.create(objectives=["9"])
    few = queries_of(client, "/objectives/9/")
    ResourceFactory.create_batch(6, objectives=["9"])
    for kind in (Resource.Kind.PROJECT, Resource.Kind.VIDEO, Resource.Kind.TRAINING, Resource.Kind.PRACTICE):
        ResourceFactory.create_batch(6, kind=kind, objectives=["9"], document_type_id=None)
    ExpertFactory.create_batch(8, objectives=["9"])
    with django_assert_num_queries(few):
        client.get("/objectives/9/")


def test_navigation_links_to_the_directory_and_the_library(client):
    content = page(client, "/")
    assert 'href="/experts/"' in content and 'href="/resources/"' in content
