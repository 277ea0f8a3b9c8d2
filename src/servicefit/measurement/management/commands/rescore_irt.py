"""``servicefit manage rescore_irt``: re-score stored results with a chosen parameter version."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from servicefit.measurement.models import ParameterSet
from servicefit.measurement.scoring import rescore_irt


class Command(BaseCommand):
    help = "Re-score the IRT estimates of every fixed-form result with one parameter version."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--parameter-version", type=int, help="parameter version (default: newest)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            used, count = rescore_irt(version=options["parameter_version"])
        except ParameterSet.DoesNotExist as exc:
            version = options["parameter_version"]
            if version is not None:
                known = ", ".join(
                    str(v) for v in ParameterSet.objects.values_list("version", flat=True)
                )
                raise CommandError(
                    f"no item-parameter version {version} (calibrated: {known or 'none'})"
                ) from None
            raise CommandError(str(exc) or "no such parameter version") from None
        self.stdout.write(f"Re-scored {count} results with item parameters v{used.version}.")
