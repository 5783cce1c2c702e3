"""Staff's admin view of webhooks and their delivery logs: lists, no secret, redeliver, disable."""

import pytest

from tests.webhooks.conftest import SECRET, webhook
from webhooks.models import Delivery, DeliveryAttempt, Webhook

pytestmark = pytest.mark.django_db


def test_webhooks_and_deliveries_are_listed_and_the_secret_never_shown(admin_client):
    hook = webhook("https://hooks.example.org/in")
    delivery = Delivery.objects.create(webhook=hook, event="message.new", data={"id": 1}, state="failed")
    DeliveryAttempt.objects.create(delivery=delivery, number=1, started_at=delivery.created_at, status_code=502)
    pages = [
        admin_client.get("/admin/webhooks/webhook/"),
        admin_client.get(f"/admin/webhooks/webhook/{hook.pk}/change/"),
        admin_client.get("/admin/webhooks/delivery/"),
        admin_client.get(f"/admin/webhooks/delivery/{delivery.pk}/change/"),
    ]
    assert [page.status_code for page in pages] == [200, 200, 200, 200]
    assert "hooks.example.org" in pages[0].content.decode()
    assert "502" in pages[3].content.decode()
    assert all(SECRET not in page.content.decode() for page in pages)


def test_the_admin_redelivers_and_disables(admin_client):
    hook = webhook("https://hooks.example.org/in")
    failed = Delivery.objects.create(webhook=hook, event="message.new", data={"id": 1}, state="failed")
    response = admin_client.post(
        "/admin/webhooks/delivery/", {"action": "redeliver", "_selected_action": [failed.pk]}, follow=True
    )
    assert response.status_code == 200
    (copy,) = Delivery.objects.filter(redelivery_of=failed)
    assert (copy.state, copy.data) == ("pending", {"id": 1})
    admin_client.post("/admin/webhooks/webhook/", {"action": "disable", "_selected_action": [hook.pk]}, follow=True)
    hook.refresh_from_db()
    copy.refresh_from_db()
    assert not hook.active
    assert copy.state == "skipped"
    assert Webhook.objects.filter(active=True).count() == 0
