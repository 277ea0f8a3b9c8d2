"""Browser tests: Playwright driving Debian's chromium (headless, --no-sandbox) on a live server.

They skip when no chromium is installed, except under CI (CI=true), where that is a failure.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("SERVICEFIT_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
PHONE = {"width": 360, "height": 740}
DOCS = Path(__file__).resolve().parents[2] / "docs"

# Playwright's sync API runs an event loop; Django's async-safety check must allow ORM calls.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI") == "true":
            pytest.fail(f"chromium not found at {CHROMIUM}: install Debian's chromium package")
        pytest.skip("Debian's chromium is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
                "--disable-quic",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def phone(browser):
    context = browser.new_context(
        viewport=PHONE, device_scale_factor=1, is_mobile=True, has_touch=True, locale="da-DK"
    )
    page = context.new_page()
    page.set_default_timeout(15000)
    yield page
    context.close()


@pytest.fixture
def desktop(browser):
    context = browser.new_context(
        viewport={"width": 1280, "height": 900}, locale="en-GB", accept_downloads=True
    )
    page = context.new_page()
    page.set_default_timeout(15000)
    yield page
    context.close()


def screenshot(page, *parts: str) -> None:
    """Save a full-page screenshot under docs/ when SERVICEFIT_SCREENSHOTS=1 (make screenshots)."""
    if os.environ.get("SERVICEFIT_SCREENSHOTS") != "1":
        return
    path = DOCS.joinpath(*parts)
    path.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(path), full_page=True)
    compress_png(path)


SCREENSHOT_MAX_HEIGHT = 1600
SCREENSHOT_COLOURS = 64


def compress_png(path: Path) -> None:
    """Crop a screenshot to its first 1600 px and quantise it to 64 colours (docs/ < 3 MB)."""
    from PIL import Image

    with Image.open(path) as image:
        image = image.convert("RGB")
        if image.height > SCREENSHOT_MAX_HEIGHT:
            image = image.crop((0, 0, image.width, SCREENSHOT_MAX_HEIGHT))
        small = image.quantize(colors=SCREENSHOT_COLOURS, method=Image.Quantize.MEDIANCUT)
        small.save(path, format="PNG", optimize=True)


AXE = Path(__file__).with_name("vendor") / "axe-4.14.1.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


def accessibility_violations(page) -> list[str]:
    """WCAG 2.2 A/AA violations that axe-core finds on the current page, one line each."""
    # Evaluated through the DevTools protocol, not as an inline <script>: the pages' CSP
    # (script-src 'self') rightly refuses injected inline scripts.
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(AXE.read_text(encoding="utf-8"))
    result = page.evaluate(
        "async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_TAGS
    )
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {', '.join(n['target'][0] for n in v['nodes'][:3])}"
        for v in result["violations"]
    ]


def form(page, form_id: str):
    """The form with ``data-form="<form_id>"`` on the page.

    Browser tests reach every form through this helper, so ``test_form_inventory`` can check
    that each form in the product is submitted by at least one browser test.
    """
    return page.locator(f'form[data-form="{form_id}"]')


def start_timed_section(page) -> bool:
    """Press Start on a timed section's start screen, if the page is one; True if it was."""
    start = form(page, "start-section")
    if not start.count():
        return False
    with page.expect_navigation(wait_until="load"):
        start.locator("button[name=start]").click()
    return True


def login(page, live_server, username: str, password: str | None = None) -> None:
    """Sign ``username`` in through the login form and wait for the dashboard.

    ``password`` defaults to ``pw-<username>``, the one ``make_user`` gives the test users
    (``tests/conftest.py``). Tests of signing in itself (lockout, two-step sign-in, SSO) fill
    the form themselves.
    """
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", f"pw-{username}" if password is None else password)
    form(page, "login").locator("button[type=submit]").click()
    page.wait_for_url(f"{live_server.url}/")


@pytest.fixture
def recruiter_page(desktop, live_server, recruiter):
    """The desktop page, signed in as the recruiter ``rita`` (on the dashboard)."""
    login(desktop, live_server, "rita")
    return desktop
