"""The taxonomy in the request's language (PROTOCOL.md, "Languages"): objective titles, principles,
regions and document types from the catalogs (here pseudo-translated, ``[fr] Data``), countries
and languages from CLDR (Babel); keys and slugs never change, lists follow the language's order."""

from typing import Any

import pytest
from babel import Locale
from django.utils import translation
from rest_framework.test import APIClient

from gcm import names
from gcm.models import Country, DocumentType, GuidingPrinciple, Language, Objective, Region
from gcm.selectors import country_labels, language_labels, objective_labels, region_labels
from gcm.taxonomy import read_taxonomy
from tests.hub.pseudo_catalogs import _pseudo_locale_dir, pseudo, pseudo_catalogs  # noqa: F401  (fixtures)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("taxonomy")]

LOCALES = {"ar": "ar", "zh": "zh_Hans", "fr": "fr", "ru": "ru", "es": "es"}  # API code → catalog


def get(path: str, language: str) -> Any:
    response = APIClient().get(path, HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200
    return response.json()


@pytest.mark.usefixtures("pseudo_catalogs")
class TestCatalogNames:
    @pytest.mark.parametrize("language", LOCALES)
    def test_objectives_in_the_requests_language_with_the_same_keys(self, language):
        locale = LOCALES[language]
        english = get("/api/v1/objectives/", "en")
        shown = get("/api/v1/objectives/", language)
        assert [item["key"] for item in shown] == [item["key"] for item in english]
        assert [item["number"] for item in shown] == [item["number"] for item in english]
        for mine, source in zip(shown, english, strict=True):
            assert mine["short_title"] == pseudo(locale, source["short_title"])
            assert mine["title"] == pseudo(locale, source["title"])
        nine = get("/api/v1/objectives/9/", language)
        assert nine["short_title"] == pseudo(locale, "Counter smuggling")
        assert nine["key"] == "9"

    def test_principles_regions_and_document_types(self):
        data = read_taxonomy()
        principles = get("/api/v1/principles/", "ru")
        assert [item["name"] for item in principles] == [pseudo("ru", name) for name in data["guiding_principles"]]
        assert principles[0]["slug"] == "people-centred"
        document_types = get("/api/v1/document-types/", "es")
        assert [item["name"] for item in document_types] == [pseudo("es", name) for name in data["document_types"]]
        regions = get("/api/v1/regions/", "ar")
        assert {item["slug"]: item["name"] for item in regions}["africa"] == pseudo("ar", "Africa")

    def test_a_country_names_its_region_in_the_same_language(self):
        countries = {item["iso2"]: item for item in get("/api/v1/countries/", "fr")}
        assert countries["FR"]["region"] == pseudo("fr", "Europe")
        assert countries["FR"]["region_slug"] == "europe"

    def test_the_contexts_keep_a_document_type_apart_from_the_same_word_elsewhere(self):
        with translation.override("fr"):
            assert names.translated(names.DOCUMENT_TYPE, "Report") == pseudo("fr", "Report")
            assert names.translated(names.REGION, "Report") == "Report"  # no such region: as stored

    def test_a_name_staff_changed_is_shown_as_stored(self):
        Region.objects.filter(slug="asia").update(name="Asia and the Pacific")
        regions = {item["slug"]: item["name"] for item in get("/api/v1/regions/", "fr")}
        assert regions["asia"] == "Asia and the Pacific"

    def test_pages_show_the_taxonomy_in_the_page_language(self, client):
        content = client.get("/objectives/9/", headers={"Accept-Language": "ar"}).content.decode()
        assert pseudo("ar", "Strengthen the transnational response to smuggling of migrants") in content
        assert pseudo("ar", "Counter smuggling") in content
        index = client.get("/objectives/", headers={"Accept-Language": "zh-CN"}).content.decode()
        assert pseudo("zh_Hans", "Human rights") in index
        assert pseudo("zh_Hans", "Oceania") in index
        assert pseudo("zh_Hans", "Data") in index

    def test_the_labels_other_apps_show(self):
        with translation.override("es"):
            assert objective_labels()["9"] == "9 - " + pseudo("es", "Counter smuggling")
            assert objective_labels()["general"] == pseudo("es", "General")
            assert region_labels()["europe"] == pseudo("es", "Europe")
            assert str(Objective.objects.get(key="9")) == "9 - " + pseudo("es", "Counter smuggling")
            assert str(GuidingPrinciple.objects.get(slug="human-rights")) == pseudo("es", "Human rights")
            assert str(DocumentType.objects.get(slug="report")) == pseudo("es", "Report")

    def test_the_experts_search_page_labels_its_facets_in_the_page_language(self, client):
        content = client.get("/experts/", headers={"Accept-Language": "fr"}).content.decode()
        assert "Allemagne" in content  # a country, CLDR
        assert pseudo("fr", "Counter smuggling") in content  # an objective, the catalog


class TestCldrNames:
    @pytest.mark.parametrize(
        ("language", "france", "arabic"),
        [("ar", "فرنسا", "العربية"), ("zh", "法国", "阿拉伯语"), ("fr", "France", "Arabe"),
         ("ru", "Франция", "Арабский"), ("es", "Francia", "Árabe")],
    )  # fmt: skip
    def test_countries_and_languages_in_each_language(self, language, france, arabic):
        countries = {item["iso2"]: item for item in get("/api/v1/countries/", language)}
        assert countries["FR"]["name"] == france
        languages = {item["code"]: item["name"] for item in get("/api/v1/languages/", language)}
        assert languages["ar"] == arabic

    def test_english_keeps_the_contracts_names(self):
        countries = {item["iso2"]: item["name"] for item in get("/api/v1/countries/", "en")}
        assert countries["TR"] == Country.objects.get(iso2="TR").name
        assert countries["CD"] == "Democratic Republic of the Congo"
        languages = {item["code"]: item["name"] for item in get("/api/v1/languages/", "en")}
        assert languages == dict(Language.objects.values_list("code", "name"))

    @pytest.mark.parametrize("language", ["ar", "zh-hans", "fr", "ru", "es"])
    def test_every_country_and_language_has_a_cldr_name(self, language):
        locale = Locale.parse(language.replace("zh-hans", "zh_Hans"))
        missing = [iso2 for iso2 in Country.objects.values_list("iso2", flat=True) if iso2 not in locale.territories]
        assert not missing, f"no CLDR name in {language}: {missing}"
        with translation.override(language):
            assert len(set(country_labels().values())) == Country.objects.count()
            assert len(set(language_labels().values())) == Language.objects.count()

    def test_lists_follow_the_languages_alphabetical_order(self):
        countries = [item["name"] for item in get("/api/v1/countries/", "fr")]
        assert countries.index("Égypte") < countries.index("Équateur") < countries.index("Érythrée")
        assert countries.index("Égypte") > countries.index("Dominique")
        assert countries.index("Égypte") < countries.index("Espagne")
        assert countries == sorted(countries, key=names.sort_key)
        regions = [item["name"] for item in get("/api/v1/regions/", "ru")]
        assert regions == sorted(regions, key=names.sort_key)
        languages = [item["code"] for item in get("/api/v1/languages/", "es")]
        assert languages == ["ar", "zh", "es", "fr", "en", "ru"]  # árabe, chino, español, francés, inglés, ruso

    def test_a_language_the_hub_does_not_speak_gets_english_names(self):
        countries = {item["iso2"]: item for item in get("/api/v1/countries/", "de")}
        assert countries["FR"]["region"] == "Europe"
        assert countries["FR"]["region_slug"] == "europe"
