"""The library list answers a page of 1 and a page of 50 in the same number of queries (no N+1).

Rows carry everything their payload shows (each its own submitter, tags, a document type), so a
relation read row by row shows up as 49 more queries.
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from experts.models import Resource
from tests.experts.factories import ResourceFactory
from tests.experts.review_helpers import as_user, roster_member
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def queries_for(client, url: str, rows: int) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, response.content[:500]
    assert len(response.json()["results"]) == rows
    return len(queries)


@pytest.mark.parametrize("caller", ["anonymous", "member", "reviewer", "staff"])
def test_resources_list(api_client, taxonomy, caller):
    ResourceFactory.create_batch(
        50, submitted_by=None, objectives=["6", "9"], countries=["KE"], principles=["human-rights"]
    )
    for resource in Resource.objects.all():
        resource.submitted_by = UserFactory.create()
        resource.save(update_fields=["submitted_by"])
    client = {
        "anonymous": api_client,
        "member": as_user(UserFactory.create()),
        "reviewer": as_user(roster_member()),
        "staff": as_user(UserFactory.create(is_staff=True)),
    }[caller]
    # A status filter asks who may use it: one query more, whatever the page.
    query = "&status=approved" if caller in ("reviewer", "staff") else ""
    for filters in ("", "&objective=6&region=africa&kind=document", "&q=recruitment"):
        client.get(f"/api/v1/resources/?page_size=1{filters}{query}")  # loads the taxonomy's keys (once per process)
        one = queries_for(client, f"/api/v1/resources/?page_size=1{filters}{query}", 1)
        fifty = queries_for(client, f"/api/v1/resources/?page_size=50{filters}{query}", 50)
        assert one == fifty, f"{caller} {filters}: {one} queries for 1 row, {fifty} for 50"
        # The page, then the count with every facet (experts.search); a reviewer's status filter one more.
        assert one == 2 + (caller == "reviewer"), f"{caller} {filters}: {one} queries"
