"""API listing speed: 1,000 candidates with results, a page of 100 at a time.

Run: ``.venv/bin/python benchmarks/bench_api.py [--databases sqlite,postgresql]``. For each
database a fresh process builds the demo job with 1,000 candidates (``load_demo``, the
product's own services), creates a token, and through Django's test client times

- ``GET /api/v1/jobs/{id}/candidates?limit=100`` walking all 10 pages by cursor, and
- ``GET /api/v1/candidates/{id}/result`` for the 100 candidates of one page (the "page of 100
  with results" an ATS fetches),

reporting p50 and p95 per page of 100 and the number of queries per list page at page sizes
10 and 100 (constant in the page size is the target). Baseline: the same listing at 10 per page
in the same run. Target (issue 15): p95 <= 200 ms per page of 100 on PostgreSQL.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))

from fresh import pg_available, run_fresh  # noqa: E402

N = 1000


def _p(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def measure() -> dict[str, Any]:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    call_command("migrate", verbosity=0)
    from servicefit.accounts.models import User
    from servicefit.api.tokens import create_token
    from servicefit.demo import load_demo

    job = load_demo(candidates=N, seed=2026).job
    secret = create_token(
        user=User.objects.get(username="recruiter"),
        name="bench",
        scopes=["candidates:read", "results:read"],
        created_by=None,
        rate_limit_per_minute=1_000_000,
    ).secret
    client = Client(headers={"Authorization": f"Bearer {secret}"})

    def walk(limit: int) -> tuple[list[float], list[int]]:
        times, ids, cursor = [], [], None
        while True:
            params = {"limit": limit, **({"cursor": cursor} if cursor else {})}
            start = time.perf_counter()
            response = client.get(f"/api/v1/jobs/{job.pk}/candidates", params)
            times.append((time.perf_counter() - start) * 1000)
            body = response.json()
            ids += [c["id"] for c in body["items"]]
            cursor = body["next_cursor"]
            if cursor is None:
                return times, ids

    walk(100)  # warm-up
    list_100, ids = walk(100)
    list_10, _ = walk(10)
    page = ids[:100]
    results = []
    for candidate_id in page:
        start = time.perf_counter()
        client.get(f"/api/v1/candidates/{candidate_id}/result")
        results.append((time.perf_counter() - start) * 1000)
    queries = {}
    for limit in (10, 100):
        with CaptureQueriesContext(connection) as ctx:
            client.get(f"/api/v1/jobs/{job.pk}/candidates", {"limit": limit})
        queries[limit] = len(ctx.captured_queries)
    return {
        "candidates": len(ids),
        "list_100_p50": statistics.median(list_100),
        "list_100_p95": _p(list_100, 0.95),
        "list_10_p50": statistics.median(list_10),
        "results_page_ms": sum(results),
        "result_p95": _p(results, 0.95),
        "queries": queries,
    }


def run(database: str) -> dict[str, Any]:
    return run_fresh(__file__, [], database)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--measure", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--databases", default="sqlite,postgresql")
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(measure()))
        return 0
    print(f"API: {N} candidates, pages of 100 (baseline: pages of 10, same run)")
    for database in args.databases.split(","):
        if database == "postgresql" and not pg_available():
            print("  postgresql: not reachable, skipped")
            continue
        r = run(database)
        print(
            f"  {database:<10} list p50 {r['list_100_p50']:.1f} ms, p95 {r['list_100_p95']:.1f} ms"
            f" per page of 100 (target p95 <= 200 ms) | pages of 10: p50 {r['list_10_p50']:.1f} ms"
            f" | ratio 100/10 {r['list_100_p50'] / r['list_10_p50']:.1f}x"
        )
        print(
            f"  {'':<10} results of one page of 100: {r['results_page_ms']:.0f} ms in all,"
            f" p95 {r['result_p95']:.1f} ms each | queries per list page: "
            f"{r['queries']['10']} at 10, {r['queries']['100']} at 100"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
