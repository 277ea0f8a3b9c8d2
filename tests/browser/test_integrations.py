"""An admin sets up an integration in the browser: a token, a webhook, a test event."""

from __future__ import annotations

import json

import pytest

from servicefit.api.models import ApiToken
from servicefit.webhooks.delivery import attempt_delivery
from servicefit.webhooks.models import DeliveryStatus, WebhookDelivery, WebhookSubscription
from servicefit.webhooks.signing import verify

from ..api.test_webhooks import Receiver
from .conftest import accessibility_violations, form, login

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def admin_page(desktop, live_server, admin_user, recruiter):
    login(desktop, live_server, "alice")
    return desktop


def test_admin_creates_uses_and_revokes_a_token(admin_page, live_server, client, job):
    page = admin_page
    page.click("nav >> text=Integrations")
    page.wait_for_url("**/integrations/")
    assert accessibility_violations(page) == []
    token_form = form(page, "token-create")
    token_form.get_by_label("What the token is for").fill("Teamtailor")
    token_form.get_by_label("Acts as").select_option(label="rita")
    token_form.get_by_label("Read jobs").check()
    token_form.get_by_label("Read results and report PDFs").check()
    token_form.get_by_label("Expires after (days)").fill("30")
    token_form.locator("button[type=submit]").click()
    secret = page.get_by_test_id("new-token").inner_text().strip()
    assert secret.startswith("sf_")
    assert accessibility_violations(page) == []

    token = ApiToken.objects.get()
    assert token.name == "Teamtailor" and token.user.username == "rita"
    assert token.scopes == ["jobs:read", "results:read"]
    assert secret not in token.token_hash
    assert (
        client.get("/api/v1/jobs", headers={"Authorization": f"Bearer {secret}"}).status_code == 200
    )

    page.reload()
    assert secret not in page.content()  # shown once only
    page.locator("details[data-details=token-revoke] summary").click()
    revoke = form(page, "token-revoke")
    revoke.locator("input[name=confirm]").check()
    revoke.get_by_role("button", name="Revoke token Teamtailor").click()
    page.wait_for_selector("text=Token revoked")
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert (
        client.get("/api/v1/jobs", headers={"Authorization": f"Bearer {secret}"}).status_code == 401
    )


def test_token_form_shows_errors_in_words(admin_page, live_server):
    page = admin_page
    page.goto(f"{live_server.url}/integrations/")
    page.locator("form[data-form=token-create] button[type=submit]").click()
    token_form = form(page, "token-create")
    assert token_form.locator(".errorlist").count() >= 3  # name, user, scopes
    assert ApiToken.objects.count() == 0


def test_admin_adds_a_webhook_and_sends_a_test_event(admin_page, live_server, settings):
    settings.SERVICEFIT_OUTBOUND_ALLOW = ["127.0.0.1"]  # the receiver listens on loopback
    receiver = Receiver()
    try:
        page = admin_page
        page.goto(f"{live_server.url}/integrations/")
        hook_form = form(page, "webhook-create")
        hook_form.get_by_label("Name").fill("ATS receiver")
        hook_form.get_by_label("Receiver URL").fill(receiver.url)
        hook_form.get_by_label("An assessment was scored").check()
        hook_form.get_by_label("A person recorded a hiring decision").check()
        hook_form.locator("button[type=submit]").click()
        secret = page.get_by_test_id("new-webhook-secret").inner_text().strip()
        webhook = WebhookSubscription.objects.get()
        assert webhook.url == receiver.url and webhook.secret == secret
        assert webhook.events == ["assessment.scored", "decision.recorded"]

        page.get_by_role("link", name="ATS receiver").click()
        form(page, "webhook-test").get_by_role("button", name="Send test event").click()
        page.wait_for_selector("text=Test event queued")
        page.reload()
        log = page.get_by_test_id("delivery-log")
        assert "webhook.test" in log.inner_text()
        assert "200" in log.inner_text()
        assert accessibility_violations(page) == []

        delivery = WebhookDelivery.objects.get()
        assert delivery.status == DeliveryStatus.DELIVERED
        headers, body = receiver.requests[0]
        headers = {k.lower(): v for k, v in headers.items()}
        assert verify(body, headers["servicefit-signature"], secret)
        assert json.loads(body)["type"] == "webhook.test"

        # A failed event waits for its retry; pausing the webhook stops that retry too.
        receiver.status = 500
        form(page, "webhook-test").get_by_role("button", name="Send test event").click()
        page.wait_for_selector("text=Test event queued")
        failed = WebhookDelivery.objects.latest("id")
        assert failed.status == DeliveryStatus.RETRYING

        form(page, "webhook-toggle").get_by_role("button", name="Pause").click()
        page.wait_for_selector("text=Webhook paused")
        webhook.refresh_from_db()
        assert webhook.active is False
        assert attempt_delivery(failed.pk) == DeliveryStatus.FAILED  # the scheduled retry
        assert len(receiver.requests) == 2
        page.reload()
        assert (
            "Not sent: the webhook was paused" in page.get_by_test_id("delivery-log").inner_text()
        )
    finally:
        receiver.close()


def test_a_webhook_to_an_internal_address_is_refused_in_words(admin_page, live_server, settings):
    settings.SERVICEFIT_OUTBOUND_ALLOW = []
    page = admin_page
    page.goto(f"{live_server.url}/integrations/")
    hook_form = form(page, "webhook-create")
    hook_form.get_by_label("Name").fill("Metadata")
    hook_form.get_by_label("Receiver URL").fill("http://169.254.169.254/latest/meta-data/")
    hook_form.get_by_label("An assessment was scored").check()
    hook_form.locator("button[type=submit]").click()
    errors = form(page, "webhook-create").locator(".errorlist").inner_text()
    assert "169.254.169.254 is 169.254.169.254, an internal address" in errors
    assert "SERVICEFIT_OUTBOUND_ALLOW" in errors
    assert WebhookSubscription.objects.count() == 0

    # an allowed internal receiver is stored
    settings.SERVICEFIT_OUTBOUND_ALLOW = ["169.254.169.254"]
    hook_form = form(page, "webhook-create")
    hook_form.get_by_label("Name").fill("Metadata")
    hook_form.get_by_label("Receiver URL").fill("http://169.254.169.254/latest/meta-data/")
    hook_form.get_by_label("An assessment was scored").check()
    hook_form.locator("button[type=submit]").click()
    page.get_by_test_id("new-webhook-secret").wait_for()
    assert WebhookSubscription.objects.get().url == "http://169.254.169.254/latest/meta-data/"
