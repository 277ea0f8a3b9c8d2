"""`servicefit manage rescore_irt --parameter-version 99` names the version (QA cli #15)."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command

pytestmark = pytest.mark.django_db


def test_an_unknown_parameter_version_is_named():
    with pytest.raises(CommandError, match=r"no item-parameter version 99 \(calibrated: "):
        call_command("rescore_irt", "--parameter-version", "99")
