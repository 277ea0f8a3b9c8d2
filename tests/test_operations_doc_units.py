"""The systemd units and environment settings in docs/operations.md work when copied.

systemd reads a comment after a value as part of the value: the documented unit had
``KillMode=mixed   # SIGTERM to the supervisor…`` ("Failed to parse kill mode specification,
ignoring": every process got SIGTERM at once) and ``EnvironmentFile=/etc/servicefit/env   # …``
(a file of that name does not exist, so the service would not start).
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

OPERATIONS = Path(__file__).resolve().parents[1] / "docs" / "operations.md"


def blocks(language: str) -> list[str]:
    text = OPERATIONS.read_text(encoding="utf-8")
    return re.findall(rf"^```{language}\n(.*?)^```", text, flags=re.S | re.M)


def assignments(block: str) -> list[str]:
    return [
        line
        for line in block.splitlines()
        if "=" in line and not line.lstrip().startswith(("#", ";"))
    ]


def test_no_setting_in_a_unit_or_the_production_settings_has_a_comment_after_it():
    units = blocks("ini")
    assert len(units) >= 2
    production = [b for b in blocks("sh") if "SERVICEFIT_PROXY_SSL_HEADER=" in b]
    assert production, "the production settings block"
    for block in [*units, *production]:
        for line in assignments(block):
            assert not re.search(r"\s#", line), line


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="needs systemd-analyze")
def test_the_documented_unit_passes_systemd_analyze(tmp_path):
    (unit,) = [b for b in blocks("ini") if "/etc/systemd/system/servicefit.service" in b]
    path = tmp_path / "servicefit.service"
    path.write_text(unit, encoding="utf-8")
    done = subprocess.run(
        ["systemd-analyze", "verify", str(path)], capture_output=True, text=True, timeout=60
    )
    report = done.stdout + done.stderr
    for complaint in ("Failed to parse", "Invalid environment assignment", "Unknown key"):
        assert complaint not in report, report
