"""``servicefit stats``: reliability, agreement, adverse impact and validity from CSV files.

Each subcommand prints a readable table, or one JSON object with ``--json``. Bad input
(missing or empty file, unknown column, non-numeric cell, value outside --min/--max, fewer
than two items) ends with one ``servicefit: error: ...`` line and exit status 2.
"""

from __future__ import annotations

import argparse
import json
import math
import re
import sys
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np

from servicefit.cli import CommandError
from servicefit.psychometrics import (
    GroupCounts,
    PsychometricsError,
    adverse_impact,
    criterion_validity,
    cronbach_alpha,
    intraclass_correlations,
    krippendorff_alpha,
    omega_total,
    reverse_score,
)
from servicefit.tabular import NumericTable, TabularError, read_header, read_numeric_csv

__all__ = ["dump_json", "register", "render_table"]

Handler = Callable[[argparse.Namespace], int]


# ---------------------------------------------------------------- output helpers
def _clean(value: Any) -> Any:
    """Make ``value`` JSON-safe: numpy scalars to Python, NaN/inf to null."""
    if isinstance(value, Mapping):
        return {str(k): _clean(v) for k, v in value.items()}
    if isinstance(value, list | tuple | np.ndarray):
        return [_clean(v) for v in value]
    if isinstance(value, np.bool_ | bool):
        return bool(value)
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, float | np.floating):
        f = float(value)
        return f if math.isfinite(f) else None
    return value


def dump_json(payload: Mapping[str, Any]) -> None:
    """Print ``payload`` as one JSON object on stdout."""
    print(json.dumps(_clean(payload), indent=2, allow_nan=False))


def _fmt(value: Any) -> str:
    if isinstance(value, bool | np.bool_):
        return "yes" if value else "no"
    if isinstance(value, float | np.floating):
        f = float(value)
        if math.isnan(f):
            return "-"
        if f != 0 and (abs(f) < 1e-3 or abs(f) >= 1e6):
            return f"{f:.3e}"
        return f"{f:.4f}"
    return str(value)


def render_table(headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    """A plain, aligned text table (first column left-aligned, the rest right-aligned)."""
    text = [[_fmt(v) for v in row] for row in rows]
    widths = [max(len(h), *(len(r[i]) for r in text)) for i, h in enumerate(headers)]

    def line(cells: Sequence[str]) -> str:
        return "  ".join(
            c.ljust(w) if i == 0 else c.rjust(w)
            for i, (c, w) in enumerate(zip(cells, widths, strict=True))
        ).rstrip()

    out = [line(headers), line(["-" * w for w in widths])]
    out.extend(line(r) for r in text)
    return "\n".join(out)


def _guard(handler: Handler) -> Handler:
    """Turn input and statistics errors into one-line :class:`CommandError` messages."""

    def run(args: argparse.Namespace) -> int:
        try:
            return handler(args)
        except (TabularError, PsychometricsError) as exc:
            raise CommandError(str(exc)) from None

    return run


# ---------------------------------------------------------------- item data
def _item_list(text: str, *, option: str) -> list[str]:
    items = [s.strip() for s in text.split(",") if s.strip()]
    if len(items) != len(set(items)):
        raise CommandError(f"{option}: an item is listed twice")
    return items


def _read_items(args: argparse.Namespace, *, minimum_items: int = 2) -> tuple[NumericTable, Any]:
    items = _item_list(args.items, option="--items")
    if len(items) < minimum_items:
        raise CommandError(f"--items needs at least {minimum_items} items, got {len(items)}")
    reverse = _item_list(args.reverse, option="--reverse") if args.reverse else []
    stray = [r for r in reverse if r not in items]
    if stray:
        raise CommandError(f"--reverse: {stray[0]!r} is not one of --items")
    table = read_numeric_csv(args.data, columns=items, min_rows=2)
    x = table.data
    if (args.min is None) != (args.max is None):
        raise CommandError("give both --min and --max, or neither")
    if args.min is not None:
        if not args.min < args.max:
            raise CommandError(f"--min {args.min:g} must be below --max {args.max:g}")
        table.check_range(args.min, args.max)
        lo, hi = args.min, args.max
    else:
        lo, hi = float(np.nanmin(x)), float(np.nanmax(x))
    _require_two_answers(table)
    if reverse:
        x = x.copy()
        cols = [items.index(r) for r in reverse]
        x[:, cols] = reverse_score(x[:, cols], minimum=lo, maximum=hi)
    return table, x


def _require_two_answers(table: NumericTable) -> None:
    """Name the first item column with fewer than two different answers (no variance): the
    statistics need every item to vary, and the library can only give its position."""
    for j, name in enumerate(table.columns):
        col = table.data[:, j]
        values = np.unique(col[~np.isnan(col)])
        if values.size < 2:
            said = "no answers" if values.size == 0 else f"every answer is {values[0]:g}"
            raise CommandError(
                f"{table.path}: column {name!r}: {said}; an item needs at least two "
                "different answers (leave it out of --items)"
            )


def _add_item_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("data", metavar="DATA.csv", help="one row per person, one column per item")
    parser.add_argument("--items", required=True, help="comma-separated item columns")
    parser.add_argument("--reverse", default="", help="comma-separated reverse-keyed items")
    parser.add_argument("--min", type=float, help="lowest response option (checked)")
    parser.add_argument("--max", type=float, help="highest response option (checked)")
    parser.add_argument("--json", action="store_true", help="print one JSON object")


# ---------------------------------------------------------------- subcommands
@_guard
def cmd_alpha(args: argparse.Namespace) -> int:
    table, x = _read_items(args)
    if args.missing == "pairwise":
        answered = (~np.isnan(x)).astype(np.float64)
        together = answered.T @ answered
        if (together < 2).any():
            i, j = (int(v) for v in np.argwhere(together < 2)[0])
            a, b = table.columns[i], table.columns[j]
            pair = f"column {a!r} has" if i == j else f"columns {a!r} and {b!r} have"
            raise CommandError(
                f"{table.path}: {pair} fewer than 2 rows answered together; alpha needs "
                "every pair of items answered by the same people at least twice"
            )
    res = cronbach_alpha(x, missing=args.missing)
    items = table.columns
    if args.json:
        dump_json(
            {
                "raw_alpha": res.raw_alpha,
                "std_alpha": res.std_alpha,
                "n": res.n,
                "n_items": res.n_items,
                "missing": res.missing,
                "g6": res.g6,
                "average_r": res.average_r,
                "ci_lower": res.ci_lower,
                "ci_upper": res.ci_upper,
                "alpha_if_deleted": dict(zip(items, res.alpha_if_deleted, strict=True)),
                "item_total_r": dict(zip(items, res.item_total_r, strict=True)),
            }
        )
        _alpha_warnings(res, items)
        return 0
    print(f"Cronbach's alpha ({res.missing}, n = {res.n}, {res.n_items} items)")
    print(
        render_table(
            ["statistic", "value"],
            [
                ["raw alpha", res.raw_alpha],
                ["standardized alpha", res.std_alpha],
                ["Guttman lambda 6", res.g6],
                ["average r", res.average_r],
                [f"{res.confidence:.0%} CI (Feldt)", f"{res.ci_lower:.4f} - {res.ci_upper:.4f}"],
            ],
        )
    )
    print()
    rows = [
        [i, a, r] for i, a, r in zip(items, res.alpha_if_deleted, res.item_total_r, strict=True)
    ]
    print(render_table(["item", "alpha if deleted", "item-total r"], rows))
    _alpha_warnings(res, items)
    return 0


def _alpha_warnings(res: Any, items: Sequence[str]) -> None:
    """stderr lines for what the numbers cannot say themselves (also with --json)."""
    _warn_negative(items, res.item_total_r, "correlate", "with the rest of the scale")
    undefined = math.isnan(res.std_alpha) or bool(np.isnan(res.item_total_r).any())
    if res.n_items > 2:
        undefined = undefined or bool(np.isnan(res.alpha_if_deleted).any())
    if undefined:
        print(
            "note: '-' (JSON null) marks a statistic these data leave undefined: a rest or "
            "standardized total score without variance, or pairwise covariances that do not "
            "fit together (try --missing listwise)",
            file=sys.stderr,
        )
    if math.isnan(res.g6):
        print(
            f"note: Guttman lambda 6 is not given: the item correlation matrix is singular or "
            f"not positive definite ({res.n} rows for {res.n_items} items, or an item that "
            "follows from the others)",
            file=sys.stderr,
        )


@_guard
def cmd_omega(args: argparse.Namespace) -> int:
    table, x = _read_items(args, minimum_items=3)
    res = omega_total(x)
    items = table.columns
    if args.json:
        dump_json(
            {
                "omega_total": res.omega_total,
                "loadings": dict(zip(items, res.loadings, strict=True)),
                "standardized_loadings": dict(zip(items, res.standardized_loadings, strict=True)),
                "n": res.n,
                "denominator": res.denominator,
                "converged": res.converged,
            }
        )
        _omega_warnings(res, items)
        return 0
    print(f"McDonald's omega total = {res.omega_total:.4f}  (one-factor ML, n = {res.n},")
    print("model-implied total variance as denominator)")
    rows = [
        [i, ld, sl]
        for i, ld, sl in zip(items, res.loadings, res.standardized_loadings, strict=True)
    ]
    print(render_table(["item", "loading", "standardized"], rows))
    _omega_warnings(res, items)
    return 0


def _omega_warnings(res: Any, items: Sequence[str]) -> None:
    """stderr lines on the fit behind omega (also with --json)."""
    _warn_negative(items, res.standardized_loadings, "load", "on the common factor")
    if not res.converged:
        print("warning: the factor model did not converge; omega is not final", file=sys.stderr)
    if res.heywood:
        print("warning: a uniqueness hit its lower bound (Heywood case)", file=sys.stderr)


def _warn_negative(items: Sequence[str], values: Any, verb: str, what: str) -> None:
    """One stderr line naming the items with a negative item-total r or loading: mostly
    reverse-keyed items not given to --reverse, which pull alpha and omega down (psych::alpha
    warns the same way)."""
    negative = [name for name, v in zip(items, values, strict=True) if v < 0]
    if negative:
        names = ", ".join(repr(n) for n in negative)
        subject = f"item {names} {verb}s" if len(negative) == 1 else f"items {names} {verb}"
        print(
            f"warning: {subject} negatively {what}; if reverse-keyed, give it to --reverse",
            file=sys.stderr,
        )


def _read_rating_table(args: argparse.Namespace, *, what: str, min_rows: int = 1) -> NumericTable:
    """The rating matrix of ``icc``/``krippendorff``: every column but the label column.

    The first column labels the rows when its header is empty or one of ``id``, ``target``,
    ``coder``, ``rater`` … (:data:`servicefit.tabular.LABEL_HEADERS`), or when ``--id-column``
    names it; any other column is rated data. A first column of other, non-numeric labels gets
    a hint to name it with ``--id-column``.
    """
    try:
        return read_numeric_csv(args.data, id_column=args.id_column, min_rows=min_rows)
    except TabularError as exc:
        if args.id_column is None and "is not a number" in str(exc):
            first = read_header(args.data)[0]
            if f"column {first!r}:" in str(exc):
                raise TabularError(
                    f"{exc} (if column {first!r} names the {what}, pass --id-column {first})"
                ) from None
        raise


def _add_id_column_option(parser: argparse.ArgumentParser, *, what: str) -> None:
    parser.add_argument(
        "--id-column",
        metavar="COLUMN",
        help=f"column that names the {what} (default: the first column when its header is "
        "empty or id, target, subject, rater, coder, unit …; any other column is rated)",
    )


@_guard
def cmd_icc(args: argparse.Namespace) -> int:
    table = _read_rating_table(args, what="targets", min_rows=2)
    if len(table.columns) < 2:
        raise CommandError(f"{table.path}: ICC needs at least two rater columns")
    missing = np.argwhere(np.isnan(table.data))
    if missing.size:
        row, col = (int(i) for i in missing[0])
        raise CommandError(f"{table.locate(row, col)}: missing rating (ICC needs complete ratings)")
    res = intraclass_correlations(table.data)
    forms = [
        {
            "type": f.type,
            "icc": f.icc,
            "F": f.F,
            "df1": f.df1,
            "df2": f.df2,
            "p": f.p,
            "lower": f.lower,
            "upper": f.upper,
        }
        for f in res.forms
    ]
    notes = _icc_notes(res)
    if args.json:
        dump_json(
            {
                "n_targets": res.n_targets,
                "n_raters": res.n_raters,
                "raters": list(table.columns),
                "forms": forms,
                "notes": notes,
            }
        )
        return 0
    print(f"Intraclass correlations ({res.n_targets} targets, {res.n_raters} raters)")
    print(f"raters (columns): {', '.join(table.columns)}")
    headers = ["type", "icc", "F", "df1", "df2", "p", "lower", "upper"]
    rows = [[f[h] if h not in ("df1", "df2") else f"{f[h]:g}" for h in headers] for f in forms]
    print(render_table(headers, rows))
    for note in notes:
        print(f"note: {note}")
    return 0


def _icc_notes(res: Any) -> list[str]:
    """Why an ICC2k number is missing or unbounded (Spearman-Brown's pole, see icc.py)."""
    k = res.n_raters
    pole = f"-1/(k-1) = {-1 / (k - 1):.4g}"
    icc2k = res.form("ICC2k")
    notes = []
    if math.isnan(icc2k.icc):
        notes.append(
            f"ICC2k is not given: ICC2 is below {pole}, where the average-rater formula turns "
            "positive without meaning; read it as no agreement"
        )
    if icc2k.lower == -math.inf:
        notes.append(
            f"ICC2k's lower bound is -inf: ICC2's lower bound is below {pole}, so the "
            "interval for the average of the raters is unbounded below"
        )
    return notes


@_guard
def cmd_krippendorff(args: argparse.Namespace) -> int:
    table = _read_rating_table(args, what="coders")
    alpha = krippendorff_alpha(table.data, level=args.level)
    n_values = int((~np.isnan(table.data)).sum())
    if args.json:
        dump_json(
            {
                "alpha": alpha,
                "level": args.level,
                "n_coders": table.data.shape[0],
                "n_units": table.data.shape[1],
                "n_values": n_values,
                "units": list(table.columns),
            }
        )
        return 0
    print(f"units (columns): {', '.join(table.columns)}")
    print(
        render_table(
            ["level", "alpha", "coders", "units", "values"],
            [[args.level, alpha, table.data.shape[0], table.data.shape[1], n_values]],
        )
    )
    return 0


_GROUP = re.compile(r"^(?P<name>[^=]+)=(?P<sel>\d+)/(?P<app>\d+)$")


def _parse_groups(specs: Sequence[str]) -> dict[str, GroupCounts]:
    groups: dict[str, GroupCounts] = {}
    for spec in specs:
        m = _GROUP.match(spec.strip())
        if not m:
            raise CommandError(f"--group {spec!r}: expected NAME=SELECTED/APPLICANTS, e.g. a=12/40")
        name = m["name"].strip()
        if name in groups:
            raise CommandError(f"--group: group {name!r} given twice")
        try:
            groups[name] = GroupCounts(int(m["sel"]), int(m["app"]))
        except PsychometricsError as exc:
            raise CommandError(f"--group {spec!r}: {exc}") from None
    return groups


@_guard
def cmd_adverse_impact(args: argparse.Namespace) -> int:
    groups = _parse_groups(args.group)
    if not 0 < args.threshold <= 1:
        raise CommandError(f"--threshold must be above 0 and at most 1, got {args.threshold:g}")
    report = adverse_impact(groups, threshold=args.threshold)
    per_group = {
        name: {
            "selected": groups[name].selected,
            "applicants": groups[name].applicants,
            "selection_rate": c.focal_rate,
            "impact_ratio": c.impact_ratio,
            "four_fifths_flag": c.four_fifths_flag,
            "z_d": c.z_d,
            "p_z_d": c.p_z_d,
            "z_ir": c.z_ir,
            "p_z_ir": c.p_z_ir,
            "ir_ci_low": c.ir_ci_low,
            "ir_ci_high": c.ir_ci_high,
            "fisher_p": c.fisher_p,
            "fisher_p_less": c.fisher_p_less,
            "chi2": c.chi2,
            "chi2_p": c.chi2_p,
            "chi2_yates_p": c.chi2_yates_p,
            "warnings": list(c.warnings) if name != report.reference_group else [],
        }
        for name, c in report.comparisons.items()
    }
    if args.json:
        dump_json(
            {
                "reference_group": report.reference_group,
                "threshold": args.threshold,
                "groups": per_group,
                "warnings": list(report.warnings),
            }
        )
        return 0
    print(f"Adverse impact against {report.reference_group!r} (highest selection rate)")
    headers = [
        "group",
        "selected",
        "rate",
        "IR",
        "IR 95% CI",
        "4/5 flag",
        "Z_D",
        "Z_IR",
        "Fisher p",
    ]
    rows = [
        [
            name,
            f"{g['selected']}/{g['applicants']}",
            g["selection_rate"],
            g["impact_ratio"],
            f"{_fmt(g['ir_ci_low'])} - {_fmt(g['ir_ci_high'])}",
            g["four_fifths_flag"],
            g["z_d"],
            g["z_ir"],
            g["fisher_p"],
        ]
        for name, g in per_group.items()
    ]
    print(render_table(headers, rows))
    for warning in report.warnings:
        print(f"warning: {warning}")
    return 0


# ---------------------------------------------------------------- criterion validity
@_guard
def cmd_validity(args: argparse.Namespace) -> int:
    """Pearson r of complete rows, Fisher-z interval, Thorndike case II with --applicant-sd.

    JSON: ``{"n", "r", "ci", "r_corrected", "ci_corrected"}`` (see
    :mod:`servicefit.psychometrics.validity`).
    """
    if args.predictor == args.criterion:
        raise CommandError("--predictor and --criterion must be different columns")
    if not 0 < args.confidence < 1:
        raise CommandError(f"--confidence must be between 0 and 1, got {args.confidence:g}")
    if args.applicant_sd is not None and not args.applicant_sd > 0:
        raise CommandError(f"--applicant-sd must be positive, got {args.applicant_sd:g}")
    table = read_numeric_csv(args.data, columns=[args.predictor, args.criterion])
    result = criterion_validity(
        table.data[:, 0],
        table.data[:, 1],
        applicant_sd=args.applicant_sd,
        confidence=args.confidence,
    )
    payload: dict[str, Any] = {
        "n": result.n,
        "r": result.r,
        "ci": list(result.ci),
        "r_corrected": result.r_corrected,
        "ci_corrected": list(result.ci_corrected) if result.ci_corrected else None,
    }
    if args.json:
        dump_json(payload)
        return 0
    level = f"{args.confidence:.0%}"
    rows: list[list[Any]] = [["observed", result.n, result.r, *result.ci]]
    if result.r_corrected is not None and result.ci_corrected is not None:
        rows.append(["range-corrected", result.n, result.r_corrected, *result.ci_corrected])
    print(f"{args.predictor} against {args.criterion}")
    print(render_table(["", "n", "r", f"{level} low", f"{level} high"], rows))
    if result.applicant_sd is not None:
        print(
            f"U = applicant SD {result.applicant_sd:g} / hired SD {result.incumbent_sd:.4f} "
            f"= {result.applicant_sd / result.incumbent_sd:.4f} (Thorndike case II)"
        )
    if result.small_sample:
        print(f"caution: only {result.n} complete rows; the interval is wide")
    return 0


def _add_validity_parser(sub: Any) -> None:
    """Add ``validity`` (see :func:`cmd_validity`) to the ``stats`` subcommands."""
    validity = sub.add_parser(
        "validity", help="predictor-criterion correlation, Fisher-z CI, range correction"
    )
    validity.add_argument("data", metavar="DATA.csv", help="one row per hired person")
    validity.add_argument("--predictor", required=True, metavar="COLUMN")
    validity.add_argument("--criterion", required=True, metavar="COLUMN")
    validity.add_argument(
        "--applicant-sd",
        type=float,
        default=None,
        metavar="S",
        help="predictor SD among all applicants: corrects r for range restriction",
    )
    validity.add_argument("--confidence", type=float, default=0.95, help="interval level")
    validity.add_argument("--json", action="store_true", help="print one JSON object")
    validity.set_defaults(func=cmd_validity)


# ---------------------------------------------------------------- registration
def register(subparsers: Any) -> None:
    """Add ``stats`` and its subcommands to the ``servicefit`` parser."""
    stats = subparsers.add_parser(
        "stats", help="reliability, rater agreement and adverse impact from CSV files"
    )
    sub = stats.add_subparsers(dest="stats_command", metavar="STATISTIC", required=True)

    alpha = sub.add_parser("alpha", help="Cronbach's alpha and item analysis")
    _add_item_options(alpha)
    alpha.add_argument("--missing", choices=("pairwise", "listwise"), default="pairwise")
    alpha.set_defaults(func=cmd_alpha)

    omega = sub.add_parser("omega", help="McDonald's omega total (one-factor ML)")
    _add_item_options(omega)
    omega.set_defaults(func=cmd_omega)

    icc = sub.add_parser("icc", help="Shrout & Fleiss intraclass correlations")
    icc.add_argument("data", metavar="DATA.csv", help="rows = targets, columns = raters")
    _add_id_column_option(icc, what="targets")
    icc.add_argument("--json", action="store_true", help="print one JSON object")
    icc.set_defaults(func=cmd_icc)

    kripp = sub.add_parser("krippendorff", help="Krippendorff's alpha")
    kripp.add_argument("data", metavar="DATA.csv", help="rows = raters, columns = units")
    kripp.add_argument(
        "--level", choices=("nominal", "ordinal", "interval", "ratio"), required=True
    )
    _add_id_column_option(kripp, what="coders")
    kripp.add_argument("--json", action="store_true", help="print one JSON object")
    kripp.set_defaults(func=cmd_krippendorff)

    ai = sub.add_parser("adverse-impact", help="selection rates, impact ratios and tests")
    ai.add_argument(
        "--group",
        action="extend",
        nargs="+",
        required=True,
        metavar="NAME=SELECTED/APPLICANTS",
        help="one or more groups, e.g. --group women=21/50 men=48/80",
    )
    ai.add_argument("--threshold", type=float, default=0.8, help="impact-ratio flag (0.8)")
    ai.add_argument("--json", action="store_true", help="print one JSON object")
    ai.set_defaults(func=cmd_adverse_impact)

    _add_validity_parser(sub)

    from servicefit.cli.stats_irt import register_irt

    register_irt(sub)
