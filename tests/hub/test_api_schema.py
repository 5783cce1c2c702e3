import pytest

pytestmark = pytest.mark.django_db


def test_schema_documents_every_rest_endpoint(client):
    response = client.get("/api/schema/", headers={"accept": "application/json"})
    assert response.status_code == 200
    paths = response.json()["paths"]
    for path in ("/api/v1/objectives/", "/api/v1/objectives/{key}/", "/api/v1/countries/",
                 "/api/v1/auth/register/", "/api/v1/auth/token/", "/api/v1/me/"):  # fmt: skip
        assert path in paths, path


def test_api_docs_render_from_local_assets(client):
    response = client.get("/api/docs/")
    assert response.status_code == 200
    assert b"swagger-ui" in response.content
    assert b"cdn.jsdelivr" not in response.content
