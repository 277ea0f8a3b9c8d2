"""Back-office page timings on a demo job with 100, 1,000 and 10,000 candidates.

Run: ``.venv/bin/python benchmarks/bench_pages.py`` (``--sizes 100,1000`` and
``--databases sqlite`` to narrow it down). For every database and size a fresh process builds
the demo job with ``load_demo(candidates=N)`` (the product's own services: invitations,
answers, scoring, stages, interviews), then requests each page through Django's test client,
logged in as the demo recruiter, and reports the median of ``--repeats`` requests after one
warm-up:

- shortlist, first page; shortlist filtered to the scored candidates and sorted by name;
- the report of one scored candidate, and its PDF;
- the CSV and the XLSX export of the whole shortlist (the body is read to the end);
- the peak Python heap (``tracemalloc``) while serving one shortlist and one CSV export.

The baseline is the 100-candidate job of the same run: the growth column is the median at
the largest size divided by the median at 100. Targets (issue 11) are printed beside the
numbers; nothing fails on a miss, this is a measurement. PostgreSQL runs need
``postgresql://postgres@127.0.0.1:5432`` (a database ``sf_bench_<pid>`` is created and
dropped, see ``fresh.py``; override with ``SERVICEFIT_BENCH_PG`` and ``SERVICEFIT_BENCH_PG_NAME``); they are skipped when the server is not reachable.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))

from fresh import pg_available, run_fresh  # noqa: E402

PAGES = ("shortlist", "filtered", "report", "pdf", "csv", "xlsx")
TARGETS_MS = {"shortlist": 300, "filtered": 500, "report": 200, "pdf": 1500, "csv": 3000}
MEMORY_TARGET_MIB = 200


def _consume(response: Any) -> int:
    if getattr(response, "streaming", False):
        return sum(len(chunk) for chunk in response.streaming_content)
    return len(response.content)


def _median_ms(fn: Callable[[], Any], repeats: int) -> tuple[float, float]:
    """Median wall time and median CPU time of this process (ms), after one warm-up.

    On a shared machine the wall time includes waiting for a core; the CPU time does not
    (but it leaves out the PostgreSQL server's own work, which runs in another process).
    """
    fn()  # warm-up: template and translation caches, the first connection
    wall, cpu = [], []
    for _ in range(repeats):
        start, start_cpu = time.perf_counter(), time.process_time()
        fn()
        wall.append((time.perf_counter() - start) * 1000)
        cpu.append((time.process_time() - start_cpu) * 1000)
    return statistics.median(wall), statistics.median(cpu)


def _peak_mib(fn: Callable[[], Any]) -> float:
    tracemalloc.start()
    try:
        fn()
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return peak / 2**20


def measure(n: int, repeats: int) -> dict[str, Any]:
    """Build the demo job with ``n`` candidates in this process's database and time the pages."""
    import django

    django.setup()
    from django.core.management import call_command
    from django.test import Client
    from django.urls import reverse

    call_command("migrate", verbosity=0)
    from servicefit.accounts.models import User
    from servicefit.assessments.models import Result
    from servicefit.demo import load_demo

    start = time.perf_counter()
    summary = load_demo(candidates=n, seed=2026)
    build_s = time.perf_counter() - start
    job = summary.job
    client = Client()
    client.force_login(User.objects.get(username="recruiter"))
    result = (
        Result.objects.filter(session__candidate__job=job)
        .order_by("session__candidate__name")
        .values_list("session__candidate_id", flat=True)
        .first()
    )
    urls = {
        "shortlist": reverse("backoffice:job_detail", args=[job.pk]),
        "filtered": reverse("backoffice:job_detail", args=[job.pk]) + "?filter=scored&sort=name",
        "report": reverse("backoffice:candidate_report", args=[result]),
        "pdf": reverse("backoffice:candidate_report_pdf", args=[result]),
        "csv": reverse("backoffice:job_export", args=[job.pk, "csv"]),
        "xlsx": reverse("backoffice:job_export", args=[job.pk, "xlsx"]),
    }

    def get(page: str) -> int:
        response = client.get(urls[page])
        if response.status_code != 200:
            raise RuntimeError(f"{page}: HTTP {response.status_code}")
        return _consume(response)

    sizes = {page: get(page) for page in PAGES}
    measured = {page: _median_ms(lambda p=page: get(p), repeats) for page in PAGES}
    timings = {page: wall for page, (wall, _cpu) in measured.items()}
    cpu = {page: c for page, (_wall, c) in measured.items()}
    memory = {
        "shortlist": _peak_mib(lambda: get("shortlist")),
        "csv": _peak_mib(lambda: get("csv")),
    }
    return {
        "n": n,
        "scored": Result.objects.filter(session__candidate__job=job).count(),
        "build_s": build_s,
        "ms": timings,
        "cpu_ms": cpu,
        "bytes": sizes,
        "peak_mib": memory,
    }


def run_one(database: str, n: int, repeats: int) -> dict[str, Any]:
    """One size on one database, in a fresh process (clean caches and memory)."""
    return run_fresh(__file__, [str(n), "--repeats", str(repeats)], database)


def report(rows: list[dict[str, Any]]) -> None:
    sizes = sorted({r["n"] for r in rows})
    databases = list(dict.fromkeys(r["database"] for r in rows))
    by = {(r["database"], r["n"]): r for r in rows}
    for key, label in (("ms", "median wall ms"), ("cpu_ms", "median CPU ms of the web process")):
        print()
        header = f"| page ({label}, " + " / ".join(databases) + ") | "
        header += " | ".join(f"{n:,}" for n in sizes) + " | growth | target |"
        print(header)
        print("|---" * (len(sizes) + 3) + "|")
        for page in PAGES:
            cells = []
            for n in sizes:
                cells.append(" / ".join(f"{by[(d, n)][key][page]:,.0f}" for d in databases))
            growth = " / ".join(
                f"{by[(d, sizes[-1])][key][page] / by[(d, sizes[0])][key][page]:.2f}x"
                for d in databases
            )
            target = f"<= {TARGETS_MS[page]:,} ms" if page in TARGETS_MS else ""
            print(f"| {page} | " + " | ".join(cells) + f" | {growth} | {target} |")
    print()
    for kind in ("shortlist", "csv"):
        cells = [
            " / ".join(f"{by[(d, n)]['peak_mib'][kind]:.1f}" for d in databases) for n in sizes
        ]
        print(
            f"| peak heap MiB, one {kind} request | "
            + " | ".join(cells)
            + f" | | <= {MEMORY_TARGET_MIB} |"
        )
    cells = [" / ".join(f"{by[(d, n)]['build_s']:.0f}" for d in databases) for n in sizes]
    print("| building the demo job (s) | " + " | ".join(cells) + " | | |")
    cells = [" / ".join(f"{by[(d, n)]['bytes']['shortlist']:,}" for d in databases) for n in sizes]
    print("| shortlist HTML bytes | " + " | ".join(cells) + " | | |")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100,1000,10000")
    parser.add_argument("--databases", default="sqlite,postgresql")
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--json", help="also write the raw numbers to this file")
    parser.add_argument("--measure", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(measure(args.measure, args.repeats)))
        return 0
    databases = [d for d in args.databases.split(",") if d]
    if "postgresql" in databases and not pg_available():
        print("PostgreSQL is not reachable: page timings on SQLite only")
        databases.remove("postgresql")
    rows = []
    for n in (int(s) for s in args.sizes.split(",")):
        for database in databases:
            row = run_one(database, n, args.repeats)
            print(
                f"{database:>10} n={n:>6,}: built in {row['build_s']:.0f} s; "
                + ", ".join(
                    f"{p} {row['ms'][p]:,.0f} ms (CPU {row['cpu_ms'][p]:,.0f})" for p in PAGES
                ),
                flush=True,
            )
            rows.append(row)
    report(rows)
    if args.json:
        Path(args.json).write_text(json.dumps(rows, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
