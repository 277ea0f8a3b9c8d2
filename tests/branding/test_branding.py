"""Employer branding: WCAG contrast, validated uploads, admin-only settings, shown to candidates."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from servicefit.branding.contrast import contrast_ratio, readable_text_colour
from servicefit.branding.forms import BrandingForm
from servicefit.branding.models import Branding


def png(size=(40, 20), colour="#c0392b") -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, format="PNG")
    return out.getvalue()


def test_contrast_ratio_matches_the_wcag_reference_values():
    assert contrast_ratio("#000000", "#ffffff") == pytest.approx(21.0)
    assert contrast_ratio("#ffffff", "#ffffff") == pytest.approx(1.0)
    # WebAIM's checker: #767676 on white is 4.54:1, the lightest grey that passes AA
    assert contrast_ratio("#767676", "#ffffff") == pytest.approx(4.54, abs=0.01)


def test_the_text_colour_on_an_accent_is_the_more_readable_one():
    assert readable_text_colour("#0b5cad") == "#ffffff"
    assert readable_text_colour("#ffd400") == "#1b2430"


def form(data, logo=None):
    files = {"logo": SimpleUploadedFile("logo.png", logo, content_type="image/png")} if logo else {}
    return BrandingForm(data, files)


def test_a_colour_without_enough_contrast_for_any_text_is_refused():
    bound = form({"organisation_name": "Acme", "accent_colour": "#777777"})
    assert not bound.is_valid()
    assert "4.5:1" in bound.errors["accent_colour"][0]
    assert form({"organisation_name": "Acme", "accent_colour": "#7a1f5c"}).is_valid()


def test_a_logo_must_be_a_real_small_image():
    fake = form({"accent_colour": "#0b5cad"}, logo=b"<svg onload=alert(1)></svg>")
    assert not fake.is_valid() and "not an image" in fake.errors["logo"][0]
    huge = form({"accent_colour": "#0b5cad"}, logo=png(size=(2400, 10)))
    assert not huge.is_valid() and "2400" in huge.errors["logo"][0]
    ok = form({"accent_colour": "#0b5cad"}, logo=png())
    assert ok.is_valid()
    assert ok.cleaned_data["logo"]["content_type"] == "image/png"


@pytest.mark.django_db
def test_only_admins_change_the_brand_and_candidates_see_it(client, admin_user, recruiter, token):
    client.force_login(recruiter)
    assert client.get("/settings/branding/").status_code == 403
    client.force_login(admin_user)
    response = client.post(
        "/settings/branding/",
        {
            "organisation_name": "Fjord & Co",
            "accent_colour": "#7A1F5C",
            "logo": SimpleUploadedFile("l.png", png(), content_type="image/png"),
        },
    )
    assert response.status_code == 302
    brand = Branding.current()
    assert (brand.organisation_name, brand.accent_colour) == ("Fjord & Co", "#7a1f5c")
    assert bytes(brand.logo).startswith(b"\x89PNG")
    client.logout()
    page = client.get(f"/a/{token}/").content.decode()
    assert "Fjord &amp; Co" in page and "/brand/logo" in page
    assert "· Fjord &amp; Co</title>" in page
    assert client.get("/brand/logo")["Content-Type"] == "image/png"
    css = client.get("/brand/theme.css").content.decode()
    assert "--accent:#7a1f5c" in css and "--accent-text:#ffffff" in css


@pytest.mark.django_db
def test_the_pdf_report_carries_the_brand(client, admin_user, recruiter, scored_candidate):
    from unittest import mock

    from servicefit.branding.services import update_branding

    update_branding(
        organisation_name="Fjord & Co",
        accent_colour="#7a1f5c",
        logo={"data": png(), "content_type": "image/png"},
        remove_logo=False,
        changed_by=admin_user,
    )
    client.force_login(recruiter)
    with mock.patch("weasyprint.HTML") as html:
        html.return_value.write_pdf.return_value = b"%PDF-1.7"
        response = client.get(f"/candidates/{scored_candidate.pk}/report.pdf")
    assert response.status_code == 200
    rendered = html.call_args.kwargs["string"]
    assert "Fjord &amp; Co" in rendered
    assert 'src="data:image/png;base64,' in rendered
    assert "border-bottom: 3pt solid #7a1f5c" in rendered


@pytest.mark.django_db
def test_invitation_e_mails_are_signed_with_the_organisation(
    admin_user, recruiter, job, django_capture_on_commit_callbacks
):
    from django.core import mail

    from servicefit.assessments.emails import send_invitation
    from servicefit.branding.services import update_branding
    from servicefit.candidates.services import add_candidate

    update_branding(
        organisation_name="Fjord & Co",
        accent_colour="#7a1f5c",
        logo=None,
        remove_logo=False,
        changed_by=admin_user,
    )
    person = add_candidate(job=job, name="Ola Berg", email="ola.b@example.com", language="nb")
    with django_capture_on_commit_callbacks(execute=True):
        send_invitation(candidate=person, sent_by=recruiter)
    message = mail.outbox[-1]
    assert message.from_email.startswith("Fjord & Co <")
    assert message.body.rstrip().endswith("Fjord & Co")
