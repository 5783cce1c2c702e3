import pytest
from django.apps import apps

from gcm.models import Country, DocumentType, GuidingPrinciple, Language, Objective, ObjectiveAction, Region
from gcm.taxonomy import load_taxonomy

pytestmark = pytest.mark.usefixtures("taxonomy")


def test_migrations_load_the_whole_taxonomy():
    assert Objective.objects.count() == 24
    assert GuidingPrinciple.objects.count() == 10
    assert Region.objects.count() == 5
    assert Country.objects.count() == 195
    assert DocumentType.objects.count() == 12
    assert set(Language.objects.values_list("code", flat=True)) == {"ar", "zh", "en", "fr", "ru", "es"}


def test_objectives_are_one_to_twenty_three_then_general():
    keys = list(Objective.objects.order_by("position").values_list("key", flat=True))
    assert keys == [str(n) for n in range(1, 24)] + ["general"]
    assert Objective.objects.get(key="general").number is None


def test_every_country_has_a_region_and_iso_codes():
    assert Country.objects.get(iso2="SN").region.slug == "africa"
    assert Country.objects.get(iso2="FJ").iso3 == "FJI"
    assert not Country.objects.filter(region__isnull=True).exists()
    assert Country.objects.filter(region__slug="oceania").count() > 10


def test_objective_nine_carries_its_commitment_and_six_actions():
    objective = Objective.objects.get(key="9")
    assert objective.commitment.startswith("We commit to intensify joint efforts to prevent and counter smuggling")
    assert objective.commitment_reference == "GCM, 2018: para. 25"
    assert list(objective.actions.values_list("letter", flat=True)) == list("abcdef")
    assert objective.actions.get(letter="a").text.startswith("Promote ratification, accession and implementation")
    assert sorted(objective.related.values_list("key", flat=True), key=int) == ["7", "10", "12", "14"]


def test_other_objectives_have_editable_empty_commitments():
    assert Objective.objects.exclude(key="9").filter(commitment="").count() == 23


def test_loading_again_changes_nothing_and_keeps_staff_edits():
    objective = Objective.objects.get(key="9")
    objective.commitment = "Edited by staff."
    objective.save()
    load_taxonomy(apps)
    load_taxonomy(apps)
    assert Objective.objects.count() == 24
    assert ObjectiveAction.objects.count() == 6
    assert Country.objects.count() == 195
    assert Objective.objects.get(key="9").commitment == "Edited by staff."
    assert Objective.objects.get(key="9").related.count() == 4
