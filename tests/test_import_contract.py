"""The import-linter contract keeps the pure packages free of Django."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"


def run_contracts(cwd: Path, src: Path) -> subprocess.CompletedProcess[str]:
    env = {"PYTHONPATH": str(src), "PATH": "/usr/bin:/bin"}
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache"],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture
def project_copy(tmp_path: Path) -> Path:
    """The package and its import-linter configuration, copied where it can be broken."""
    shutil.copytree(
        ROOT / "src" / "servicefit",
        tmp_path / "src" / "servicefit",
        ignore=shutil.ignore_patterns("__pycache__", "data", "locale", "static", "templates"),
    )
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    return tmp_path


@pytest.mark.slow
def test_contract_passes_on_the_project(project_copy):
    result = run_contracts(project_copy, project_copy / "src")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "BROKEN" not in result.stdout


@pytest.mark.slow
@pytest.mark.parametrize("package", ["psychometrics", "language", "content"])
def test_contract_fails_when_a_pure_package_imports_django(project_copy, package):
    module = project_copy / "src" / "servicefit" / package / "leak.py"
    module.write_text("from django.conf import settings  # a pure package must not do this\n")
    result = run_contracts(project_copy, project_copy / "src")
    assert result.returncode != 0
    assert "BROKEN" in result.stdout
    assert f"servicefit.{package}.leak -> django" in result.stdout


@pytest.mark.slow
def test_contract_fails_when_the_audit_trail_imports_an_app(project_copy):
    module = project_copy / "src" / "servicefit" / "audit" / "leak.py"
    module.write_text("from servicefit.candidates.models import Candidate\n")
    result = run_contracts(project_copy, project_copy / "src")
    assert result.returncode != 0
    assert "servicefit.audit.leak -> servicefit.candidates.models" in result.stdout


@pytest.mark.slow
def test_contract_fails_when_an_app_imports_subject_rights_even_inside_a_function(project_copy):
    """A function-local import hiding a cycle is still an import: the contract sees it."""
    module = project_copy / "src" / "servicefit" / "interviews" / "leak.py"
    module.write_text(
        "def erase(candidate):\n"
        "    from servicefit.privacy.services import erase_candidate\n\n"
        "    erase_candidate(candidate=candidate, erased_by=None, reason='x')\n"
    )
    result = run_contracts(project_copy, project_copy / "src")
    assert result.returncode != 0
    assert "servicefit.interviews.leak -> servicefit.privacy.services" in result.stdout
