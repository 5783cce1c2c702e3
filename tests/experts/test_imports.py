import csv
import io
from datetime import date
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from experts import imports
from experts.imports import ImportFileError, import_experts
from experts.models import Expert, Resource
from tests.experts.factories import ExpertFactory, ResourceFactory

pytestmark = pytest.mark.django_db

EXPERT_HEADER = ["name", "email", "title", "organization", "objectives", "regions", "countries", "languages",
                 "principles", "keywords", "available_for", "accepts_contact", "profile_language", "bio"]  # fmt: skip
RESOURCE_HEADER = ["kind", "title", "summary", "url", "document_type", "publication_date", "objectives", "regions",
                   "countries", "languages", "scope", "organization", "status"]  # fmt: skip


def csv_text(rows: list[list[str]], delimiter: str = ",") -> str:
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter, lineterminator="\n").writerows(rows)
    return out.getvalue()


def write(tmp_path: Path, text: str, encoding: str = "utf-8", name: str = "import.csv") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def run(command: str, path: Path, *options: str) -> tuple[str, list[str], int]:
    """stdout, the lines on stderr, and the exit status."""
    out, err = io.StringIO(), io.StringIO()
    status = 0
    try:
        call_command(command, str(path), *options, stdout=out, stderr=err)
    except CommandError as error:
        err.write(f"{error}\n")
        status = error.returncode
    return out.getvalue(), err.getvalue().splitlines(), status


def expert_row(name: str, email: str, **cells: str) -> list[str]:
    return [{"name": name, "email": email, **cells}.get(column, "") for column in EXPERT_HEADER]


def resource_row(kind: str, title: str, **cells: str) -> list[str]:
    return [{"kind": kind, "title": title, **cells}.get(column, "") for column in RESOURCE_HEADER]


def test_a_good_file_imports_every_expert_with_tags_given_by_code_or_by_name(tmp_path, taxonomy):
    path = write(tmp_path, csv_text([
        EXPERT_HEADER,
        expert_row("Amina Diallo", "amina@ngo.example", objectives="Objective 9; 10; general", countries="Kenya",
                   languages="French; en", principles="Human rights; gender-responsive", keywords="smuggling; data",
                   available_for="Peer review, advisory", accepts_contact="no", profile_language="Français",
                   bio="Amina travaille sur la traite."),
        expert_row("Kwame Mensah", "KWAME@Ministry.Example", objectives="6", regions="Europe", countries="KE; gh",
                   languages="fr", principles="human-rights", available_for="speaking"),
    ]))  # fmt: skip
    out, err, status = run("import_experts", path)
    assert (err, status) == ([], 0)
    assert "Experts: 2 created, 0 updated, 0 skipped (already in the Hub), 0 rejected." in out
    amina = Expert.objects.get(email="amina@ngo.example")
    assert amina.objectives == ["9", "10", "general"]
    assert (amina.regions, amina.countries) == (["africa"], ["KE"])  # the country's region added
    assert amina.languages == ["fr", "en"]
    assert amina.principles == ["human-rights", "gender-responsive"]
    assert amina.keywords == ["smuggling", "data"]
    assert amina.available_for == ["peer_review", "advisory"]
    assert (amina.accepts_contact, amina.profile_language, amina.user) == (False, "fr", None)
    kwame = Expert.objects.get(name="Kwame Mensah")
    assert kwame.email == "KWAME@ministry.example"  # the domain is case-insensitive, kept lower case
    assert (kwame.regions, kwame.countries, kwame.accepts_contact) == (["europe", "africa"], ["KE", "GH"], True)


def test_bad_rows_are_reported_with_their_line_and_reasons_and_the_good_rows_imported(tmp_path, taxonomy):
    path = write(tmp_path, csv_text([
        EXPERT_HEADER,                                                              # line 1
        expert_row("Good One", "one@example.org", objectives="9"),                  # 2
        expert_row("Bad Objective", "two@example.org", objectives="9; 25"),         # 3
        expert_row("Bad Email", "not-an-email"),                                    # 4
        expert_row("", "nameless@example.org"),                                     # 5
        expert_row("Bad Country", "four@example.org", countries="Kenya; Atlantis"),  # 6
        expert_row("Same Address", "ONE@example.org"),                              # 7
        expert_row("Good Two", "five@example.org", bio="First line of the bio,\nand its second line."),  # 8-9
        expert_row("Two Problems", "", objectives="25"),                            # 10
        expert_row("Bad Answer", "six@example.org", accepts_contact="maybe", available_for="gardening"),  # 11
    ]))  # fmt: skip
    out, err, status = run("import_experts", path)
    assert err == [
        "line 3: unknown objective '25'",
        "line 4: invalid email 'not-an-email'",
        "line 5: name missing",
        "line 6: unknown country 'Atlantis'",
        "line 7: email ONE@example.org also on line 2",
        "line 10: email missing; unknown objective '25'",
        "line 11: unknown availability 'gardening'; accepts_contact 'maybe' is not yes or no",
        "7 row(s) rejected (see above)",
    ]
    assert status == 1
    assert "2 created, 0 updated, 0 skipped (already in the Hub), 7 rejected" in out
    assert sorted(Expert.objects.values_list("name", flat=True)) == ["Good One", "Good Two"]
    assert Expert.objects.get(name="Good Two").bio == "First line of the bio,\nand its second line."


def test_bad_resource_rows_are_reported_and_the_good_ones_imported(tmp_path, taxonomy):
    path = write(tmp_path, csv_text([
        RESOURCE_HEADER,
        resource_row("document", "Good report", url="https://www.example.org/good", document_type="Report",
                     publication_date="2021-06-30", countries="Senegal", objectives="Objective 6"),
        resource_row("document", "Bad date", publication_date="2020-13-01"),
        resource_row("book", "Bad kind"),
        resource_row("video", "Bad link", url="ftp://example.org/film"),
        resource_row("document", "Bad type", document_type="Pamphlet", countries="Atlantis"),
        resource_row("practice", "National, nowhere", scope="national", document_type="Report"),
        resource_row("project", "Same link", url="https://www.example.org/good"),
        resource_row("", "", summary="A summary without a kind or a title."),
    ]))  # fmt: skip
    _out, err, status = run("import_resources", path)
    assert err == [
        "line 3: publication date '2020-13-01' is not YYYY-MM-DD or YYYY",
        "line 4: unknown kind 'book'",
        "line 5: url 'ftp://example.org/film' is not a link starting with http:// or https://",
        "line 6: unknown document type 'Pamphlet'; unknown country 'Atlantis'",
        "line 7: a document type is for documents only; national scope needs at least one country",
        "line 8: link also on line 2",
        "line 9: kind missing; title missing",
        "7 row(s) rejected (see above)",
    ]
    assert status == 1
    resource = Resource.objects.get()
    assert (resource.title, resource.document_type_id, resource.publication_date) == (
        "Good report",
        "report",
        date(2021, 6, 30),
    )
    assert (resource.countries, resource.regions, resource.scope) == (["SN"], ["africa"], "national")


def test_resources_are_approved_by_default_with_their_scope_inferred_and_a_year_read_as_1_january(tmp_path, taxonomy):
    path = write(tmp_path, csv_text([
        RESOURCE_HEADER,
        resource_row("Document", "Global compact review", publication_date="2019", objectives="23",
                     document_type="E-learning course"),
        resource_row("Repository of practices", "Practices in Africa", regions="Africa"),
        resource_row("training", "A course in review", countries="Kenya", status="in review"),
    ]))  # fmt: skip
    _out, err, status = run("import_resources", path)
    assert (err, status) == ([], 0)
    rows = {resource.title: resource for resource in Resource.objects.all()}
    assert rows["Global compact review"].publication_date == date(2019, 1, 1)
    assert [rows[title].scope for title in sorted(rows)] == ["national", "global", "regional"]
    assert rows["Global compact review"].status == "approved"
    assert rows["Global compact review"].decided_at is not None
    assert rows["Practices in Africa"].kind == "practice"
    assert (rows["A course in review"].status, rows["A course in review"].decided_at) == ("in_review", None)
    assert rows["Global compact review"].document_type_id == "e-learning-course"


def test_a_resource_already_in_the_library_is_skipped(tmp_path, taxonomy):
    ResourceFactory.create(url="https://www.example.org/guide", title="The guide")
    ResourceFactory.create(url="", title="Untitled Link Collection", kind="document")
    path = write(tmp_path, csv_text([
        RESOURCE_HEADER,
        resource_row("document", "Another name for the guide", url="https://www.example.org/guide"),
        resource_row("document", "untitled link collection"),
        resource_row("video", "untitled link collection"),
    ]))  # fmt: skip
    out, _err, status = run("import_resources", path)
    assert status == 0
    assert "1 created, 0 updated, 2 skipped (already in the Hub), 0 rejected" in out
    assert Resource.objects.filter(kind="video").count() == 1


def test_dry_run_reports_and_changes_nothing(tmp_path, taxonomy):
    ExpertFactory.create(email="known@example.org")
    experts = write(tmp_path, csv_text([
        EXPERT_HEADER,
        expert_row("New Person", "new@example.org", objectives="9"),
        expert_row("Known Person", "KNOWN@example.org", title="Changed"),
        expert_row("Broken", "broken@example.org", objectives="99"),
    ]), name="experts.csv")  # fmt: skip
    resources = write(tmp_path, csv_text([RESOURCE_HEADER, resource_row("video", "A film")]), name="resources.csv")
    before = (list(Expert.objects.values_list("email", "title")), Resource.objects.count())
    out, err, status = run("import_experts", experts, "--dry-run", "--update")
    assert out.startswith("Dry run, nothing stored. Would have been: Experts: 1 created, 1 updated, 0 skipped")
    assert (err[0], status) == ("line 4: unknown objective '99'", 1)
    out, err, status = run("import_resources", resources, "--dry-run")
    assert "1 created" in out
    assert (err, status) == ([], 0)
    assert (list(Expert.objects.values_list("email", "title")), Resource.objects.count()) == before


def test_a_semicolon_separated_file_with_a_bom_and_comma_lists(tmp_path, taxonomy):
    text = csv_text([
        ["Name", "EMAIL", "Countries", "OBJECTIVES", "Accepts Contact"],
        ["Lucía Ramírez", "lucia@example.org", "Colombia, Ecuador, Egypt, Arab Rep., Gambia, The", "5, 16", "sí"],
    ], delimiter=";")  # fmt: skip
    path = write(tmp_path, text, encoding="utf-8-sig")
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")
    _out, err, status = run("import_experts", path)
    assert (err, status) == (["line 2: accepts_contact 'sí' is not yes or no", "1 row(s) rejected (see above)"], 1)
    path = write(tmp_path, text.replace("sí", "yes"), encoding="utf-8-sig")
    _out, err, status = run("import_experts", path)
    assert (err, status) == ([], 0)
    lucia = Expert.objects.get(email="lucia@example.org")
    assert (lucia.name, lucia.objectives) == ("Lucía Ramírez", ["5", "16"])
    assert lucia.countries == ["CO", "EC", "EG", "GM"]
    assert lucia.regions == ["americas", "africa"]


@pytest.mark.parametrize(
    ("cell", "codes"),
    [
        ("Kenya", ["KE"]),
        ("KE", ["KE"]),
        ("ke; KEN", ["KE"]),
        ("kenya; C\u00f4te d\u2019Ivoire; Cote d'Ivoire", ["KE", "CI"]),
        ("United States; USA; united states of america (usa)", ["US"]),
        ("Bolivia; Tanzania; Russia; Viet Nam; Türkiye; Turkey", ["BO", "TZ", "RU", "VN", "TR"]),
        ("the Gambia; Gambia, The", ["GM"]),
    ],
)
def test_countries_by_name_or_code(cell, codes, taxonomy):
    from experts.imports.taxonomy import Taxonomy

    assert Taxonomy.load().countries.keys_in(cell) == (codes, [])


def test_a_name_two_countries_share_names_neither(taxonomy):
    from experts.imports.taxonomy import Taxonomy

    countries = Taxonomy.load().countries
    assert countries.key("Korea") is None
    assert (countries.key("Korea, Rep."), countries.key("South Korea")) == ("KR", "KR")


def test_existing_experts_are_skipped_unless_updated_and_an_update_sets_only_the_files_columns(tmp_path, taxonomy):
    ExpertFactory.create(email="Amina@NGO.example", name="Amina D.", title="Old title", bio="Kept bio",
                         objectives=["6"], regions=["europe"], countries=["FR"], verified=True)  # fmt: skip
    path = write(tmp_path, csv_text([
        ["name", "email", "title", "objectives", "countries", "keywords"],
        ["Amina Diallo", "amina@ngo.example", "New title", "9; 10", "Senegal", ""],
        ["Someone New", "new@example.org", "", "", "", ""],
    ]))  # fmt: skip
    out, err, status = run("import_experts", path)
    assert "1 created, 0 updated, 1 skipped (already in the Hub), 0 rejected" in out
    assert Expert.objects.get(email="Amina@NGO.example").title == "Old title"
    out, err, status = run("import_experts", path, "--update")
    assert (err, status) == ([], 0)
    assert "0 created, 2 updated, 0 skipped" in out
    amina = Expert.objects.get(email="Amina@NGO.example")
    assert (amina.name, amina.title, amina.objectives, amina.countries) == ("Amina Diallo", "New title", ["9", "10"],
                                                                            ["SN"])  # fmt: skip
    assert amina.keywords == []  # an empty cell empties its field
    assert (amina.bio, amina.verified) == ("Kept bio", True)  # columns the file lacks are left alone
    assert amina.regions == ["europe", "africa"]  # the new country's region added to those it had


@pytest.mark.parametrize(
    ("header", "message"),
    [
        ("name,title\n", "missing column(s): email"),
        ("name,email,objective\n", "unknown column 'objective' (did you mean 'objectives'?)"),
        ("name,email,Email\n", "column(s) named twice: email"),
        ("", "the file is empty"),
    ],
)
def test_a_file_that_cannot_be_read_imports_nothing(tmp_path, taxonomy, header, message):
    path = write(tmp_path, header + "Amina,amina@example.org,x\n" if header else "")
    _out, err, status = run("import_experts", path)
    assert status == 1
    assert message in err[-1]
    assert err[-1].endswith("nothing imported")
    assert not Expert.objects.exists()


def test_a_file_that_is_not_utf8_imports_nothing_not_even_its_first_rows(tmp_path, taxonomy):
    rows = [EXPERT_HEADER] + [expert_row(f"Person {n}", f"p{n}@example.org") for n in range(1500)]
    rows.append(expert_row("Lucía", "lucia@example.org"))
    path = write(tmp_path, csv_text(rows), encoding="latin-1")
    _out, err, status = run("import_experts", path)
    assert status == 1
    assert "not UTF-8" in err[-1]
    assert not Expert.objects.exists()


def test_other_columns_are_ignored_and_said_so(tmp_path, taxonomy):
    path = write(tmp_path, "name,email,phone number,notes\nAmina,amina@example.org,+254 700,met in Nairobi\n")
    out, _err, status = run("import_experts", path)
    assert status == 0
    assert "Columns ignored (not ours): phone_number, notes" in out
    assert Expert.objects.filter(email="amina@example.org").exists()


def test_a_row_with_more_cells_than_columns_is_rejected(tmp_path, taxonomy):
    path = write(tmp_path, "name,email\nAmina,amina@example.org,surprise\nKwame,kwame@example.org,\n")
    _out, err, _status = run("import_experts", path)
    assert err[0] == "line 2: 3 cells where the header names 2"
    assert list(Expert.objects.values_list("name", flat=True)) == ["Kwame"]


def test_a_missing_file_is_an_error(tmp_path):
    _out, err, status = run("import_experts", tmp_path / "nowhere.csv")
    assert status == 1
    assert "cannot read" in err[-1]


def test_rows_are_stored_as_the_file_streams_not_after_reading_it_all(taxonomy, monkeypatch):
    """A big file is never held whole: rows are stored a batch at a time while it is read."""
    monkeypatch.setattr(imports, "BATCH_SIZE", 50)
    lag: list[int] = []

    def lines():
        yield "name,email\n"
        for n in range(400):
            lag.append(n - Expert.objects.count())  # rows read but not yet stored
            yield f"Person {n},p{n}@example.org\n"

    summary = import_experts(lines(), update=False, dry_run=False, on_rejected=print)
    assert summary.created == Expert.objects.count() == 400
    assert max(lag) <= 50


def test_import_file_error_is_raised_before_anything_is_read_when_a_column_is_missing(taxonomy):
    with pytest.raises(ImportFileError, match="missing column"):
        import_experts(iter(["name\n", "Amina\n"]), update=False, dry_run=False, on_rejected=print)
