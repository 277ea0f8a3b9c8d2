"""Every form in the product is submitted by at least one browser test.

Each ``<form>`` in the templates carries ``data-form="<id>"``; each Django form class says which
of those templates' forms it backs with ``form_id``. Browser tests reach a form only through
``tests/browser/conftest.form(page, "<id>")`` (in the tests or in the conftest's helpers, such as
``login``), so a form that no browser test submits shows up here as missing, and so does a form
without an id.
"""

from __future__ import annotations

import ast
import importlib
import inspect
import pkgutil
import re
from pathlib import Path

from django import forms

import servicefit

ROOT = Path(__file__).resolve().parents[1]
TEMPLATES = ROOT / "src" / "servicefit" / "templates"
BROWSER_TESTS = ROOT / "tests" / "browser"
FORM_TAG = re.compile(r"<form\b[^>]*>", re.IGNORECASE | re.DOTALL)
FORM_ID = re.compile(r'data-form="([a-z0-9-]+)"')


def template_forms() -> dict[str, list[str]]:
    """Form id -> templates that contain it; forms without an id are listed under ``""``."""
    found: dict[str, list[str]] = {}
    for path in sorted(TEMPLATES.rglob("*.html")):
        for tag in FORM_TAG.findall(path.read_text(encoding="utf-8")):
            match = FORM_ID.search(tag)
            found.setdefault(match.group(1) if match else "", []).append(
                str(path.relative_to(TEMPLATES))
            )
    return found


def form_classes() -> list[type[forms.BaseForm]]:
    classes = []
    for module in pkgutil.walk_packages(servicefit.__path__, "servicefit."):
        if ".migrations" in module.name or module.name.endswith(("__main__", "wsgi")):
            continue
        loaded = importlib.import_module(module.name)
        for _name, obj in inspect.getmembers(loaded, inspect.isclass):
            if (
                issubclass(obj, forms.BaseForm)
                and obj.__module__ == loaded.__name__
                and obj.__module__.startswith("servicefit.")
            ):
                classes.append(obj)
    return classes


def browser_tested_forms() -> set[str]:
    """Ids passed to ``form(page, "<id>")`` in the browser tests and their conftest's helpers
    (parsed, not grepped)."""
    tested = set()
    for path in [*BROWSER_TESTS.glob("test_*.py"), BROWSER_TESTS / "conftest.py"]:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id == "form"
                and len(node.args) == 2
                and isinstance(node.args[1], ast.Constant)
            ):
                tested.add(node.args[1].value)
    return tested


def test_every_template_form_has_an_id():
    assert template_forms().get("", []) == []


def test_every_form_class_names_a_form_in_the_templates():
    in_templates = set(template_forms())
    problems = [
        f"{cls.__module__}.{cls.__name__}: form_id={getattr(cls, 'form_id', None)!r}"
        for cls in form_classes()
        if getattr(cls, "form_id", None) not in in_templates
    ]
    assert problems == []


def test_every_form_is_submitted_by_a_browser_test():
    missing = sorted(set(template_forms()) - {""} - browser_tested_forms())
    assert missing == [], f"forms without a browser test: {missing}"


def test_the_inventory_finds_the_forms_it_should():
    """Guards the scanner itself: known forms and classes must be found."""
    ids = set(template_forms())
    assert {"reply-rating", "consent", "branding", "shortlist-bulk", "login"} <= ids
    names = {cls.__name__ for cls in form_classes()}
    assert {"ReplyRatingForm", "BrandingForm", "ScorecardForm", "BulkForm"} <= names
