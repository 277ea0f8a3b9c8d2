"""The one-page audit summary of a job and period, as CSV rows (the PDF uses the same rows).

Only aggregates: a group below the minimum cell size (at the step or among those who went on),
and a group hidden so that such a group cannot be worked out, appears as "suppressed" without
numbers. No row names a person.
"""

from __future__ import annotations

import csv
import io
import math
from typing import Any

from django.utils.translation import gettext as _

from .monitoring import FairnessReport


def summary_header() -> list[str]:
    return [
        _("Job"),
        _("Period"),
        _("Stage transition"),
        _("Grouped by"),
        _("Group"),
        _("People"),
        _("Selected"),
        _("Selection rate"),
        _("Impact ratio"),
        _("Four-fifths flag"),
        _("Fisher's exact p"),
        _("z (two proportions)"),
        _("p (z)"),
        _("Note"),
    ]


def period_label(report: FairnessReport) -> str:
    start = report.start.isoformat() if report.start else _("start")
    end = report.end.isoformat() if report.end else _("today")
    return f"{start} – {end}"


def _num(value: float | None, digits: int = 3) -> str:
    return "" if value is None else f"{value:.{digits}f}"


def _ratio(value: float | None) -> str:
    """An impact ratio cut (not rounded) to three decimals, so a flagged ratio never reads
    as 0.800 (the flag is decided on the exact counts; 1e-9 absorbs floating-point error)."""
    return "" if value is None else f"{math.floor(value * 1000 + 1e-9) / 1000:.3f}"


def _p(value: float | None) -> str:
    """A p-value to four decimals, in scientific notation below 0.0001 (never "0.0000")."""
    if value is None:
        return ""
    return f"{value:.2e}" if value < 0.0001 else f"{value:.4f}"


def _flag(group: Any) -> str:
    """ "yes"/"no" for a compared group; empty when it was suppressed or not compared (the only
    group shown, or nobody selected anywhere): "no" would say it passed a check never made."""
    if group.four_fifths_flag:
        return _("yes")
    return "" if group.suppressed or group.impact_ratio is None else _("no")


def summary_rows(report: FairnessReport) -> list[list[Any]]:
    rows: list[list[Any]] = []
    period = period_label(report)
    for comparison in report.comparisons:
        for group in comparison.groups:
            if group.suppressed:
                note = _("suppressed to protect privacy")
            elif group.reference:
                note = _("reference group (highest rate)")
            elif group.small:
                note = _("small group: unstable")
            else:
                note = ""
            rows.append(
                [
                    report.job.title,
                    period,
                    str(comparison.transition.label),
                    comparison.dimension.label,
                    group.label,
                    "" if group.applicants is None else group.applicants,
                    "" if group.selected is None else group.selected,
                    _num(group.rate),
                    _ratio(group.impact_ratio),
                    _flag(group),
                    _p(group.fisher_p),
                    _num(group.z),
                    _p(group.z_p),
                    note,
                ]
            )
    return rows


def summary_csv(report: FairnessReport) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(summary_header())
    for row in summary_rows(report):
        writer.writerow([_safe(cell) for cell in row])
    return buffer.getvalue()


def _safe(cell: Any) -> Any:
    """Keep spreadsheet programs from reading text as a formula (CSV injection)."""
    if isinstance(cell, str) and cell[:1] in {"=", "+", "-", "@"}:
        try:
            float(cell)
        except ValueError:
            return "'" + cell
    return cell
