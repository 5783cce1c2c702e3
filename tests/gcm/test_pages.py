import pytest

pytestmark = pytest.mark.usefixtures("taxonomy")


def test_home_lists_every_objective(client):
    response = client.get("/")
    assert response.status_code == 200
    content = response.content.decode()
    assert "Counter smuggling" in content
    assert "Remittances" in content
    for path in ("/objectives/1/", "/objectives/23/", "/objectives/general/"):
        assert f'href="{path}"' in content


def test_objective_nine_page_is_laid_out_like_the_seed_page(client):
    response = client.get("/objectives/9/")
    assert response.status_code == 200
    content = response.content.decode()
    assert "Objective 9 in the Global Compact for Migration" in content
    assert "<h1>Strengthen the transnational response to smuggling of migrants</h1>" in content
    assert "We commit to intensify joint efforts" in content
    assert "To realize this commitment, we will draw from the following actions:" in content
    assert "Promote ratification, accession and implementation of the Protocol" in content
    assert "(GCM, 2018: para. 25)" in content
    assert 'href="/objectives/14/"' in content
    for section in ("Discussion space", "Documents", "Events", "Projects", "Training and guidance", "Videos"):
        assert f">{section}</h2>" in content
    assert 'aria-current="page"' in content
    assert 'href="/spaces/objective-9/"' in content


def test_objective_without_commitment_says_so(client):
    content = client.get("/objectives/3/").content.decode()
    assert "has not been entered yet" in content


def test_unknown_objective_page_is_404(client):
    assert client.get("/objectives/99/").status_code == 404


def test_objective_index_lists_principles_and_regions(client):
    content = client.get("/objectives/").content.decode()
    assert "Whole-of-society approach" in content
    assert "Oceania" in content


def test_pages_read_without_login_and_offer_login_and_register(client):
    content = client.get("/objectives/9/").content.decode()
    assert 'href="/accounts/login/"' in content
    assert 'href="/accounts/register/"' in content


def test_ui_is_translated_when_a_language_is_chosen(client, settings):
    response = client.get("/objectives/9/", headers={"accept-language": "fr"})
    assert response.status_code == 200
    assert '<html lang="fr"' in response.content.decode()
