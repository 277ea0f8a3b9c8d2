"""Build hook: copy the instructions for use into the package and compile its translations.

The back office shows ``docs/instructions-for-use.md`` and its translations
(``instructions-for-use.<lang>.md``). In a checkout they are read from ``docs/``; a built
wheel (a non-editable install) has no ``docs/``, so ``build_py`` copies them to
``servicefit/backoffice/docs/``, where ``servicefit.backoffice.instructions_for_use`` looks
first. The compiled catalogues (``locale/*/LC_MESSAGES/django.mo``) are not kept in git, so
``build_py`` also compiles the ``.po`` files in the build tree with
``servicefit/i18n_build.py`` (Babel, a build requirement), as ``make build`` and
``servicefit compilemessages`` do in a checkout. Everything else about the build is in
``pyproject.toml``.
"""

from __future__ import annotations

import importlib.util
import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

HERE = Path(__file__).resolve().parent
PATTERN = "instructions-for-use*.md"
TARGET = Path("servicefit") / "backoffice" / "docs"
LOCALE = Path("servicefit") / "locale"
I18N_BUILD = HERE / "src" / "servicefit" / "i18n_build.py"


def compile_translations(build_lib: Path) -> None:
    """Compile the ``.po`` catalogues copied to ``build_lib`` into ``.mo`` files beside them."""
    spec = importlib.util.spec_from_file_location("servicefit_i18n_build", I18N_BUILD)
    if spec is None or spec.loader is None:
        raise SystemExit(f"setup.py: cannot load {I18N_BUILD}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    written = module.compile_catalogues(build_lib / LOCALE)
    if not written:
        raise SystemExit("setup.py: no translation catalogues to compile (incomplete source tree)")


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
        compile_translations(Path(self.build_lib))


setup(cmdclass={"build_py": BuildPyWithInstructions})
