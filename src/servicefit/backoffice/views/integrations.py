"""The Integrations page: API tokens (shown once) and signed webhooks with their delivery log."""

from __future__ import annotations

import secrets

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from servicefit.accounts.permissions import acting_user, admin_required
from servicefit.api.models import ApiToken
from servicefit.api.tokens import TokenError, create_token, revoke_token
from servicefit.audit.recording import record
from servicefit.webhooks.events import emit_for_subscription
from servicefit.webhooks.models import WebhookSubscription

from ..integration_forms import ApiTokenForm, WebhookForm

NEW_TOKEN_KEY = "servicefit:new-api-token"  # noqa: S105 (a session key name)
NEW_WEBHOOK_KEY = "servicefit:new-webhook-secret"


def _page(
    request: HttpRequest,
    *,
    token_form: ApiTokenForm | None = None,
    webhook_form: WebhookForm | None = None,
    new_secret: str = "",
    new_webhook_secret: str = "",
    status: int = 200,
) -> HttpResponse:
    context = {
        "tokens": ApiToken.objects.select_related("user").order_by("-created_at"),
        "webhooks": WebhookSubscription.objects.all(),
        "token_form": token_form or ApiTokenForm(),
        "webhook_form": webhook_form or WebhookForm(),
        "new_secret": new_secret,
        "new_webhook_secret": new_webhook_secret,
    }
    return render(request, "backoffice/integrations.html", context, status=status)


@admin_required
def integrations(request: HttpRequest) -> HttpResponse:
    # A new secret travels once through the session (post/redirect/get), so reloading the page
    # neither resubmits the form nor shows the secret again.
    return _page(
        request,
        new_secret=request.session.pop(NEW_TOKEN_KEY, ""),
        new_webhook_secret=request.session.pop(NEW_WEBHOOK_KEY, ""),
    )


@require_POST
@admin_required
def token_create(request: HttpRequest) -> HttpResponse:
    form = ApiTokenForm(request.POST)
    if not form.is_valid():
        return _page(request, token_form=form, status=400)
    data = form.cleaned_data
    try:
        new = create_token(
            user=data["user"],
            name=data["name"],
            scopes=list(data["scopes"]),
            created_by=acting_user(request),
            expires_in_days=data["expires_in_days"],
            rate_limit_per_minute=data["rate_limit_per_minute"],
        )
    except TokenError as exc:
        form.add_error(None, str(exc))
        return _page(request, token_form=form, status=400)
    request.session[NEW_TOKEN_KEY] = new.secret
    return redirect("backoffice:integrations")


@require_POST
@admin_required
def token_revoke(request: HttpRequest, token_id: int) -> HttpResponse:
    """Revoke a token once the administrator has ticked the confirmation: it cannot be undone,
    and one keypress on a focused "Revoke" button was enough before."""
    token = get_object_or_404(ApiToken, pk=token_id)
    if not request.POST.get("confirm"):
        messages.error(request, _("The token was not revoked: tick the box to confirm."))
        return redirect("backoffice:integrations")
    revoke_token(token=token, revoked_by=acting_user(request))
    messages.success(request, _("Token revoked: calls with it are refused from now on."))
    return redirect("backoffice:integrations")


@require_POST
@admin_required
def webhook_create(request: HttpRequest) -> HttpResponse:
    form = WebhookForm(request.POST)
    if not form.is_valid():
        return _page(request, webhook_form=form, status=400)
    secret = "whsec_" + secrets.token_urlsafe(32)
    webhook = WebhookSubscription.objects.create(
        name=form.cleaned_data["name"],
        url=form.cleaned_data["url"],
        events=sorted(form.cleaned_data["events"]),
        secret=secret,
        created_by=acting_user(request),
    )
    record(action="webhook.created", actor=acting_user(request), webhook=webhook.name)
    request.session[NEW_WEBHOOK_KEY] = secret
    return redirect("backoffice:integrations")


@admin_required
def webhook_detail(request: HttpRequest, webhook_id: int) -> HttpResponse:
    webhook = get_object_or_404(WebhookSubscription, pk=webhook_id)
    deliveries = webhook.deliveries.all()[:100]
    return render(
        request, "backoffice/webhook_detail.html", {"webhook": webhook, "deliveries": deliveries}
    )


@require_POST
@admin_required
def webhook_test(request: HttpRequest, webhook_id: int) -> HttpResponse:
    webhook = get_object_or_404(WebhookSubscription, pk=webhook_id)
    emit_for_subscription(webhook, "webhook.test", {"webhook": webhook.name})
    messages.success(
        request, _("Test event queued. Its delivery appears below when the worker has sent it.")
    )
    return redirect("backoffice:webhook_detail", webhook_id=webhook.pk)


@require_POST
@admin_required
def webhook_toggle(request: HttpRequest, webhook_id: int) -> HttpResponse:
    webhook = get_object_or_404(WebhookSubscription, pk=webhook_id)
    webhook.active = not webhook.active
    webhook.save(update_fields=["active"])
    record(
        action="webhook.paused" if not webhook.active else "webhook.resumed",
        actor=acting_user(request),
        webhook=webhook.name,
    )
    if webhook.active:
        messages.success(request, _("Webhook resumed."))
    else:
        messages.success(request, _("Webhook paused: no events are sent to it."))
    return redirect("backoffice:webhook_detail", webhook_id=webhook.pk)
