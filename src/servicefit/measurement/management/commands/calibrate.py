"""``servicefit manage calibrate``: fit the questionnaire from complete assessments."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from servicefit.measurement.calibration import (
    DEFAULT_MIN_PER_GROUP,
    DEFAULT_SE_STOP,
    NotEnoughData,
    calibrate,
)


class Command(BaseCommand):
    help = (
        "Calibrate the work-style questionnaire (graded response model per competency) on the "
        "complete assessments and store a new, versioned item-parameter set. Stored results "
        "are not changed; use rescore_irt to re-score them explicitly."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--min-per-group",
            type=int,
            default=DEFAULT_MIN_PER_GROUP,
            help=f"complete assessments needed per language group ({DEFAULT_MIN_PER_GROUP})",
        )
        parser.add_argument(
            "--se-stop",
            type=float,
            default=DEFAULT_SE_STOP,
            help=f"stopping rule of the stored post-hoc simulation ({DEFAULT_SE_STOP})",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["min_per_group"] < 1:
            raise CommandError("--min-per-group must be at least 1")
        if not options["se_stop"] > 0:
            raise CommandError("--se-stop must be positive")
        try:
            stored = calibrate(min_per_group=options["min_per_group"], se_stop=options["se_stop"])
        except NotEnoughData as exc:
            raise CommandError(str(exc)) from None
        sim = stored.simulation
        groups = ", ".join(f"{g}: {n}" for g, n in stored.groups.items())
        self.stdout.write(
            f"Stored item parameters v{stored.version} ({len(stored.scales)} scales; {groups}).\n"
            f"Adaptive simulation at SE {sim['se_stop']:g}: {sim['mean_items']:.1f} of "
            f"{sim['full_items']:.1f} items ({sim['pct_saving']:.0f}% saved), mean r with the "
            f"full length {sim['r_with_full']:.3f}."
        )
