"""On a phone (390 px) the competency chart shows the whole 1–5 scale and every bar at once.

A new-user trial found the chart drawn at 520 px inside a 356 px card: only the "1" and "2"
ticks were in view and every bar ran off the right edge. The phone gets the chart with each
label above its bar, scaled to the width; the desktop keeps the chart with labels beside bars.
"""

from __future__ import annotations

import os

import pytest

from tests.backoffice.conftest import scored_candidate, scored_job  # noqa: F401

from .conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

MEASURE = """(selector) => {
  const svg = document.querySelector(selector);
  const box = svg.getBoundingClientRect();
  const ticks = [...svg.querySelectorAll('text')].filter(t => /^[1-5]$/.test(t.textContent));
  const labels = [...svg.querySelectorAll('text')].filter(t => !/^[1-5]$/.test(t.textContent));
  const rects = [...svg.querySelectorAll('rect')].map(r => r.getBoundingClientRect());
  return {
    left: box.left, right: box.right, viewport: innerWidth,
    ticks: ticks.map(t => { const b = t.getBoundingClientRect(); return [t.textContent, b.left, b.right]; }),
    bars: rects.map(r => r.right),
    labelHeight: Math.min(...labels.map(t => t.getBoundingClientRect().height)),
    labelRight: Math.max(...labels.map(t => t.getBoundingClientRect().right)),
  };
}"""


def test_the_phone_sees_the_whole_scale_and_the_desktop_keeps_its_chart(
    browser,
    live_server,
    recruiter,
    scored_candidate,  # noqa: F811
):
    phone = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    page = phone.new_page()
    try:
        login(page, live_server, "rita")
        page.goto(f"{live_server.url}/candidates/{scored_candidate.pk}/")
        assert page.locator(".chart-narrow svg").is_visible()
        assert not page.locator(".chart-wide svg").is_visible()
        m = page.evaluate(MEASURE, ".chart-narrow svg")
        assert [t[0] for t in m["ticks"]] == ["1", "2", "3", "4", "5"]
        assert all(left >= 0 and right <= m["viewport"] for _v, left, right in m["ticks"])
        assert m["bars"] and max(m["bars"]) <= m["viewport"]
        assert m["labelRight"] <= m["viewport"] and m["labelHeight"] >= 10  # readable
        if path := os.environ.get("SERVICEFIT_CHART_SHOT"):  # to look at it
            page.locator(".chart-narrow").screenshot(path=path)
    finally:
        phone.close()
    desktop = browser.new_context(viewport={"width": 1280, "height": 900})
    page = desktop.new_page()
    try:
        login(page, live_server, "rita")
        page.goto(f"{live_server.url}/candidates/{scored_candidate.pk}/")
        assert page.locator(".chart-wide svg").is_visible()
        assert not page.locator(".chart-narrow svg").is_visible()
        m = page.evaluate(MEASURE, ".chart-wide svg")
        assert [t[0] for t in m["ticks"]] == ["1", "2", "3", "4", "5"]
    finally:
        desktop.close()
