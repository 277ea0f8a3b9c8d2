"""Build hook: copy the instructions for use from docs/ into the package.

The back office shows ``docs/instructions-for-use.md`` and its translations
(``instructions-for-use.<lang>.md``). In a checkout they are read from ``docs/``; a built
wheel (a non-editable install) has no ``docs/``, so ``build_py`` copies them to
``servicefit/backoffice/docs/``, where ``servicefit.backoffice.instructions_for_use`` looks
first. Everything else about the build is in ``pyproject.toml``.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

HERE = Path(__file__).resolve().parent
PATTERN = "instructions-for-use*.md"
TARGET = Path("servicefit") / "backoffice" / "docs"


class BuildPyWithInstructions(build_py):
    """``build_py`` that also places the instructions for use inside the package."""

    def run(self) -> None:
        super().run()
        if self.editable_mode:  # an editable install reads docs/ directly
            return
        sources = sorted((HERE / "docs").glob(PATTERN))
        if not sources:
            raise SystemExit(f"setup.py: no docs/{PATTERN} to package (incomplete source tree)")
        target = Path(self.build_lib) / TARGET
        target.mkdir(parents=True, exist_ok=True)
        for source in sources:
            shutil.copyfile(source, target / source.name)


setup(cmdclass={"build_py": BuildPyWithInstructions})
