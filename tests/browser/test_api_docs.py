"""The interactive API documentation (Swagger UI at /api/v1/docs) renders every operation."""

from __future__ import annotations

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def test_swagger_ui_renders_the_schema(desktop, live_server):
    page = desktop
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(f"{live_server.url}/api/v1/docs")
    page.locator(".opblock").first.wait_for()
    assert page.locator(".opblock").count() >= 19
    assert page.get_by_text("/api/v1/candidates/{candidate_id}/report.pdf").count() == 1
    assert page.get_by_text("Unable to render this definition").count() == 0
    assert errors == []
