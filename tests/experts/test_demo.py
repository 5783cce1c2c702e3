import random
import re
from datetime import date

import pytest
from django.core.management import CommandError, call_command

from accounts.models import User
from experts import demo
from experts.bulk import RowWriter
from experts.demo.profiles import make_profiles
from experts.demo.world import Cycle, Weighted, World
from experts.models import Expert, ProfileLanguage, Resource, ReviewAssignment, Reviewer, ReviewerApplication
from gcm.models import Country, DocumentType
from gcm.vocabulary import Vocabulary, vocabulary_values
from hub.demo import DemoOptions, demo_steps, seed_demo

pytestmark = pytest.mark.django_db

SMALL = ["--users", "20", "--experts", "60", "--resources", "80", "--no-progress"]


def seed(*arguments: str) -> None:
    call_command("seed_demo", *arguments)


def seed_part(seed: int) -> None:
    """This part alone, with the generator ``seed_demo`` would give it."""
    options = DemoOptions(seed=seed, counts={"experts": 60, "resources": 80})
    for _ in demo.seed_experts(random.Random(f"{seed}:experts"), options):
        pass


def wipe_part() -> None:
    for model in (ReviewAssignment, Resource, Expert, Reviewer, ReviewerApplication):
        model.objects.all().delete()


def profiles_made() -> list[tuple[str, str, str, str]]:
    return list(Expert.objects.order_by("email").values_list("name", "email", "organization", "bio"))


def resources_made() -> list[tuple[str, str, str]]:
    return list(Resource.objects.order_by("url", "title").values_list("title", "url", "organization"))


def test_seed_demo_makes_experts_resources_and_a_roster(taxonomy):
    seed(*SMALL)
    assert Expert.objects.count() == 60
    assert Resource.objects.count() == 80
    assert Reviewer.objects.count() == demo.ROSTER_SIZE
    assert ReviewerApplication.objects.filter(status="pending").count() == demo.PENDING_APPLICATIONS
    assert not Reviewer.objects.filter(user__is_staff=True).exists()


def test_a_few_profiles_belong_to_demo_users_and_the_others_have_unique_example_org_addresses(taxonomy):
    seed(*SMALL)
    linked = Expert.objects.exclude(user=None).select_related("user")
    assert linked.count() == 4  # one user in five, of 20
    assert [(expert.email, expert.name) for expert in linked] == [
        (user.email, user.display_name) for user in (expert.user for expert in linked) if user is not None
    ]
    others = [email.lower() for email in Expert.objects.filter(user=None).values_list("email", flat=True)]
    assert len(others) == 56
    assert all(email.endswith("@example.org") for email in others)
    assert len(set(others)) == len(others)


def test_demo_covers_every_objective_principle_region_language_kind_document_type_scope_and_status(taxonomy):
    seed(*SMALL)
    experts = list(Expert.objects.all())
    resources = list(Resource.objects.all())
    objectives = vocabulary_values(Vocabulary.OBJECTIVE)
    assert len(objectives) == 24
    assert {key for expert in experts for key in expert.objectives} == objectives
    assert {key for resource in resources for key in resource.objectives} == objectives
    assert {region for expert in experts for region in expert.regions} == vocabulary_values(Vocabulary.REGION)
    assert {slug for expert in experts for slug in expert.principles} == vocabulary_values(Vocabulary.PRINCIPLE)
    assert {expert.profile_language for expert in experts} == set(ProfileLanguage.values)
    assert {resource.kind for resource in resources} == set(Resource.Kind.values)
    assert {resource.document_type_id for resource in resources if resource.kind == "document"} == set(
        DocumentType.objects.values_list("slug", flat=True)
    )
    assert {resource.document_type_id for resource in resources if resource.kind != "document"} == {None}
    assert {resource.scope for resource in resources} == set(Resource.Scope.values)
    assert {resource.status for resource in resources} == set(Resource.Status.values)
    assert sum(resource.status == "approved" for resource in resources) > len(resources) / 2


def test_every_tag_is_a_key_of_its_vocabulary(taxonomy):
    seed(*SMALL)
    tags = {
        "objectives": Vocabulary.OBJECTIVE, "principles": Vocabulary.PRINCIPLE, "regions": Vocabulary.REGION,
        "countries": Vocabulary.COUNTRY, "languages": Vocabulary.LANGUAGE,
    }  # fmt: skip
    for row in [*Expert.objects.all(), *Resource.objects.all()]:
        for field, vocabulary in tags.items():
            assert set(getattr(row, field)) <= vocabulary_values(vocabulary), (row, field)
    assert {key for expert in Expert.objects.all() for key in expert.available_for} <= set(Expert.Availability.values)


def test_countries_lie_in_the_regions_they_are_tagged_with(taxonomy):
    seed(*SMALL)
    region_of = dict(Country.objects.values_list("iso2", "region__slug"))
    for expert in Expert.objects.all():
        assert expert.countries
        assert {region_of[country] for country in expert.countries} <= set(expert.regions), expert
    for resource in Resource.objects.all():
        if resource.scope == "global":
            assert (resource.regions, resource.countries) == ([], []), resource
        elif resource.scope == "regional":
            assert resource.regions and not resource.countries, resource
        else:
            assert resource.countries, resource
            assert {region_of[country] for country in resource.countries} == set(resource.regions), resource


def test_biographies_are_written_in_their_profile_language(taxonomy):
    seed(*SMALL)
    scripts = {"ar": r"[\u0600-\u06ff]", "ru": r"[\u0400-\u04ff]", "zh": r"[\u4e00-\u9fff]"}
    for expert in Expert.objects.all():
        for language, script in scripts.items():
            assert bool(re.search(script, expert.bio)) == (expert.profile_language == language), expert.bio
        if expert.profile_language == "fr":
            assert " et travaille pour " in expert.bio
        if expert.profile_language == "es":
            assert "Su trabajo se centra en" in expert.bio
        if expert.profile_language == "en":
            assert expert.bio.startswith(f"{expert.name} is ")


def test_resources_have_plausible_links_dates_and_submitters(taxonomy):
    seed(*SMALL)
    demo_users = set(User.objects.filter(is_staff=False).values_list("pk", flat=True))
    for resource in Resource.objects.all():
        assert resource.url.startswith("https://www.example.org/")
        assert resource.publication_date is not None
        assert date(2018, 1, 1) <= resource.publication_date <= date(2026, 12, 31)
        assert resource.submitted_by_id in demo_users
        assert (resource.decided_at is not None) == (resource.status in ("approved", "rejected"))


def test_resources_in_review_are_assigned_to_two_roster_members_other_than_their_submitter(taxonomy):
    seed(*SMALL)
    roster = set(Reviewer.objects.values_list("user_id", flat=True))
    in_review = Resource.objects.filter(status="in_review")
    assert in_review.exists()
    for resource in in_review:
        reviewers = set(ReviewAssignment.objects.filter(resource=resource).values_list("reviewer_id", flat=True))
        assert len(reviewers) == 2
        assert reviewers <= roster
        assert resource.submitted_by_id not in reviewers
    assert not ReviewAssignment.objects.exclude(resource__status="in_review").exists()


def test_the_same_seed_makes_the_same_experts_and_resources_and_another_seed_others(taxonomy):
    seed("--seed", "7", *SMALL)
    profiles, resources = profiles_made(), resources_made()
    wipe_part()
    seed_part(7)
    assert (profiles_made(), resources_made()) == (profiles, resources)
    wipe_part()
    seed_part(8)
    assert profiles_made() != profiles
    assert resources_made() != resources


def test_demo_experts_count_as_an_already_seeded_demo(taxonomy):
    assert not demo.demo_experts_exist()
    seed(*SMALL)
    assert demo.demo_experts_exist()
    User.objects.filter(username="admin").delete()  # the users' part no longer tells; the experts still do
    with pytest.raises(CommandError, match="already loaded"):
        seed(*SMALL)


def test_progress_adds_up_to_the_steps_announced_across_batches(taxonomy):
    options = DemoOptions(counts={"users": 10, "experts": 2100, "resources": 1100})
    done: list[int] = []
    seed_demo(options, progress=done.append)
    assert Expert.objects.count() == 2100
    assert Resource.objects.count() == 1100
    assert sum(done) == demo_steps(options)


def test_without_the_taxonomy_the_part_makes_nothing_but_reports_its_steps(db):
    Country.objects.all().delete()
    options = DemoOptions(counts={"experts": 5, "resources": 3})
    assert list(demo.seed_experts(random.Random(1), options)) == [demo.expert_steps(options)]
    assert not Expert.objects.exists()


def made_profiles(count: int) -> list[Expert]:
    """Unsaved demo profiles, as the seeder makes them."""
    return list(make_profiles(random.Random(3), count, [], World.load()))


def stored(emails: list[str]) -> list[dict]:
    rows = Expert.objects.filter(email__in=emails).order_by("email").values()
    return [{key: value for key, value in row.items() if key not in ("id", "created_at", "updated_at")} for row in rows]


@pytest.mark.services
def test_copy_stores_the_same_rows_as_bulk_create(taxonomy):
    """The COPY path (PostgreSQL) and the ORM's bulk_create write the same values."""
    profiles = made_profiles(40)
    for use_copy, suffix in ((True, "copy"), (False, "orm")):
        with RowWriter(Expert, batch_size=15, use_copy=use_copy) as writer:
            for expert in profiles:
                clone = Expert(
                    **{field.attname: getattr(expert, field.attname) for field in Expert._meta.concrete_fields}
                )
                clone.email = f"{suffix}.{expert.email}"
                writer.add(clone)
    copied = stored([f"copy.{expert.email}" for expert in profiles])
    created = stored([f"orm.{expert.email}" for expert in profiles])
    assert len(copied) == len(created) == 40
    assert [{**row, "email": row["email"].removeprefix("copy.")} for row in copied] == [
        {**row, "email": row["email"].removeprefix("orm.")} for row in created
    ]
    assert Expert.objects.filter(email__startswith="copy.", created_at__isnull=False).count() == 40


def test_row_writer_without_copy_creates_in_batches(taxonomy, django_assert_num_queries):
    profiles = made_profiles(25)
    for index, expert in enumerate(profiles):
        expert.email = f"batch{index}@example.org"
    with django_assert_num_queries(3), RowWriter(Expert, batch_size=10, use_copy=False) as writer:  # 10 + 10 + 5
        writer.add_all(profiles)
    assert Expert.objects.filter(email__startswith="batch").count() == 25


def test_a_cycle_gives_every_value_once_before_drawing_by_weight():
    weights = Weighted.of({"approved": 97, "submitted": 1, "in_review": 1, "rejected": 1})
    cycle = Cycle(random.Random(5), weights.values, weights)
    assert sorted(cycle.next() for _ in range(4)) == sorted(weights.values)
    assert [cycle.next() for _ in range(50)].count("approved") > 40
