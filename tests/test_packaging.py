"""A wheel built from a clean checkout ships the compiled translations (QA cli #2)."""

from __future__ import annotations

import gettext
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.slow


@pytest.mark.skipif(shutil.which("git") is None, reason="needs git to list the tracked files")
def test_a_wheel_from_a_clean_checkout_contains_the_compiled_catalogues(tmp_path):
    source = tmp_path / "src"
    tracked = subprocess.run(
        ["git", "ls-files", "-z"], cwd=ROOT, check=True, capture_output=True
    ).stdout.split(b"\0")
    for name in filter(None, tracked):
        path = ROOT / name.decode()
        if path.is_file():  # a file deleted in the work tree is still listed
            (source / name.decode()).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, source / name.decode())
    assert not list(source.glob("src/servicefit/locale/*/LC_MESSAGES/*.mo"))  # .mo not in git
    wheels = tmp_path / "wheels"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(wheels), str(source)],
        check=True,
        capture_output=True,
        timeout=600,
    )
    (wheel,) = wheels.glob("servicefit-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        for language in ("da", "sv", "nb", "pl"):
            mo = f"servicefit/locale/{language}/LC_MESSAGES/django.mo"
            assert mo in names, f"{mo} missing from the wheel"
        archive.extract("servicefit/locale/da/LC_MESSAGES/django.mo", tmp_path)
    with (tmp_path / "servicefit/locale/da/LC_MESSAGES/django.mo").open("rb") as fh:
        catalogue = gettext.GNUTranslations(fh)
    assert catalogue.gettext("Pay period") == "Lønperiode"
