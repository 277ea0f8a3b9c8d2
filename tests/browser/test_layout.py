"""Inputs are wide enough to read on a phone (390 px) and on a desktop (1280 px).

A new-user trial found the job's weight boxes clipped to "0.(" and the minimum column cut off
at 390 px, and the webhook's "Receiver URL" box narrower than the other inputs (``type=url``
was not styled). These tests measure the rendered boxes in chromium.
"""

from __future__ import annotations

import pytest

from servicefit.jobs.services import create_job_from_template

from .conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

WIDTHS = [390, 1280]

#: For each number box in the weights table: the room for text (minus padding and, where the
#: browser draws them, the spin buttons) and the width of its value (or "0.125") in its font.
MEASURE_WEIGHTS = """() => {
  const ctx = document.createElement('canvas').getContext('2d');
  const boxes = [...document.querySelectorAll('input[name^=weight_], input[name^=minimum_]')].map(e => {
    const style = getComputedStyle(e);
    ctx.font = style.font;
    const spin = style.appearance === 'textfield' ? 0 : 16;
    const room = e.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight) - spin;
    const text = Math.max(ctx.measureText(e.value).width, ctx.measureText('0.125').width);
    const box = e.getBoundingClientRect();
    return {name: e.name, room, text, right: box.right};
  });
  const wrap = document.querySelector('input[name^=weight_]').closest('.table-wrap');
  return {boxes, scroll: wrap.scrollWidth, visible: wrap.clientWidth, viewport: innerWidth};
}"""

INPUT_WIDTHS = """(selector) => [...document.querySelectorAll(selector)].map(
  e => [e.type, e.name, Math.round(e.getBoundingClientRect().width)])"""


@pytest.fixture
def sized_page(browser, live_server, admin_user):
    contexts = []

    def open_at(width: int):
        context = browser.new_context(viewport={"width": width, "height": 900}, locale="da-DK")
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(15000)
        login(page, live_server, "alice")
        return page

    yield open_at
    for context in contexts:
        context.close()


@pytest.mark.parametrize("width", WIDTHS)
def test_the_weight_boxes_show_their_values_and_the_minimum_column(
    sized_page, live_server, admin_user, width
):
    job = create_job_from_template(title="Support", template_id="phone_support", created_by=None)
    page = sized_page(width)
    page.goto(f"{live_server.url}/jobs/{job.pk}/edit/")
    found = page.evaluate(MEASURE_WEIGHTS)
    assert len(found["boxes"]) >= 2 * 10
    narrow = [b["name"] for b in found["boxes"] if b["room"] < b["text"]]
    assert narrow == [], f"too narrow for their values at {width} px: {narrow}"
    assert found["scroll"] <= found["visible"], "the table needs sideways scrolling"
    assert all(b["right"] <= found["viewport"] for b in found["boxes"])


@pytest.mark.parametrize("width", WIDTHS)
def test_url_and_number_inputs_are_as_wide_as_text_inputs(
    sized_page, live_server, admin_user, width
):
    page = sized_page(width)
    page.goto(f"{live_server.url}/integrations/")
    widths = page.evaluate(
        INPUT_WIDTHS, "main input[type=text], main input[type=url], main input[type=number]"
    )
    kinds = {kind for kind, _name, _width in widths}
    assert {"text", "url", "number"} <= kinds
    text_width = next(w for kind, _name, w in widths if kind == "text")
    assert [(k, n) for k, n, w in widths if w != text_width] == []


def test_email_inputs_are_as_wide_as_text_inputs(sized_page, live_server, admin_user):
    job = create_job_from_template(title="Support", template_id="phone_support", created_by=None)
    page = sized_page(390)
    page.goto(f"{live_server.url}/jobs/{job.pk}/candidates/new/")
    widths = page.evaluate(INPUT_WIDTHS, "main input[type=text], main input[type=email]")
    assert {kind for kind, _n, _w in widths} == {"text", "email"}
    assert len({w for _k, _n, w in widths}) == 1, widths
