"""The account's data page in Chromium. With JavaScript off: the header's link leads to it, the
download link gives the export file, the deletion form refuses a wrong password. With it on (axe-
core runs in the page): no serious violation on the page, its error state and the page after the
right password erased the account, in English and Arabic."""

import json

import pytest

from accounts.models import User
from tests.accounts.data_rights_world import World, world
from tests.e2e.a11y_support import log_in, new_context, run_axe, start_hub, stop_hub
from tests.factories import PASSWORD

pytestmark = [pytest.mark.e2e, pytest.mark.services, pytest.mark.django_db(transaction=True), pytest.mark.timeout(300)]


@pytest.fixture
def people(taxonomy) -> World:
    # Before the browser: its sync API keeps an event loop in this thread, where the services'
    # publishing after commit cannot run.
    return world()


@pytest.fixture
def hub_url(tmp_path):
    process, url = start_hub(tmp_path)
    yield url
    stop_hub(process)


@pytest.mark.parametrize("language", ["en", "ar"])
def test_download_and_delete_from_the_account_page(people, hub_url, browser, tmp_path, language):
    w = people
    # Without JavaScript: the header's name, the download link and the form all work.
    plain = new_context(browser, hub_url, language, java_script_enabled=False, accept_downloads=True)
    page = log_in(plain, hub_url, w.distinct.username)
    page.click("header a[href='/accounts/data/']")  # the header leads to the account's data
    page.wait_for_url(f"{hub_url}/accounts/data/")
    with page.expect_download() as download_info:
        page.click("a[href='/api/v1/me/export/']")
    path = tmp_path / "export.json"
    download_info.value.save_as(path)
    assert download_info.value.suggested_filename.startswith("hub-export-")
    document = json.loads(path.read_text(encoding="utf-8"))
    assert document["account"]["email"] == w.distinct.email
    assert "Draft summary attached." in {m["body"] for m in document["messages"]}
    page.fill("#id_password", "not my password")
    page.click("main form button[type=submit]")
    assert page.locator(".field.has-error [role=alert]").count() == 1
    assert User.objects.get(pk=w.person.pk).is_active
    plain.close()

    # axe-core runs in the page, so these states are judged with JavaScript on.
    context = new_context(browser, hub_url, language)
    page = log_in(context, hub_url, w.distinct.username)
    page.goto(f"{hub_url}/accounts/data/")
    violations = run_axe(page, "account data")
    page.fill("#id_password", "not my password")
    page.click("main form button[type=submit]")
    page.wait_for_load_state("load")
    violations += run_axe(page, "account data with errors")
    page.fill("#id_password", PASSWORD)
    page.click("main form button[type=submit]")
    page.wait_for_load_state("load")
    violations += run_axe(page, "account deleted")
    assert violations == []
    person = User.objects.get(pk=w.person.pk)
    assert person.erased_at is not None and person.username == f"deleted-{person.pk}"
    assert page.locator("a[href='/accounts/login/']").count() >= 1  # logged out
    context.close()
