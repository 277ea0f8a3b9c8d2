"""``make loadtest``: simulated candidates against ``servicefit serve`` on loopback.

    .venv/bin/python loadtest/loadtest.py --db sqlite
    .venv/bin/python loadtest/loadtest.py --db postgresql --servers 2 --task-workers 1

Prints throughput, autosave latency (p50/p95/p99/max), errors, acknowledged answers missing
from the database and submitted candidates left unscored, beside the targets of issue 9. Exits
1 when an answer is lost, a candidate is left unscored or a request failed.
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from candidates import Stats, percentile, run_candidates, steady_rate
from harness import (
    Server,
    account,
    environment,
    log,
    open_database,
    seed,
    setup_django,
    stop_own_postgres,
)

TARGETS = {"postgresql": (0.100, None), "sqlite": (0.150, 1.0)}  # p95, worst


def parse(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--candidates", type=int, default=50)
    parser.add_argument("--think", type=float, default=1.0, help="seconds between answers")
    parser.add_argument("--answers", type=int, default=40, help="answers per candidate")
    parser.add_argument("--servers", type=int, default=1, help="web servers (ports 8110+)")
    parser.add_argument("--web-workers", type=int, default=2, help="gunicorn workers per server")
    parser.add_argument("--threads", type=int, default=4, help="threads per gunicorn worker")
    parser.add_argument("--task-workers", type=int, default=1, help="task workers per server")
    parser.add_argument("--port", type=int, default=8110)
    parser.add_argument("--max-seconds", type=float, default=900)
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    workdir = Path(tempfile.mkdtemp(prefix=f"servicefit-loadtest-{args.db}-"))
    database = open_database("loadtest", args.db, workdir)
    if database is None:
        return 0
    env = environment(database, workdir, SERVICEFIT_STATIC_FINDERS="1")
    setup_django(env)
    seeded = seed(candidates=args.candidates, label=args.db)
    keys = [k for k in seeded.keys if k != seeded.reply_key][: max(0, args.answers - 1)]
    keys.append(seeded.reply_key)
    servers = [
        Server(
            port=args.port + i,
            env=env,
            web_workers=args.web_workers,
            threads=args.threads,
            task_workers=args.task_workers,
        )
        for i in range(args.servers)
    ]
    log(
        f"{args.db}: {args.servers} server(s) x {args.web_workers} gunicorn workers x "
        f"{args.threads} threads, {args.servers * args.task_workers} task worker(s); "
        f"{args.candidates} candidates x {len(keys)} answers (+10% changed), think {args.think} s"
    )
    try:
        for server in servers:
            server.start(workdir)
        stats = Stats()
        load_before = os.getloadavg()[0]
        client_cpu = time.process_time()
        started = time.monotonic()
        outcomes = run_candidates(
            servers=[s.url for s in servers],
            tokens=seeded.tokens,
            keys=keys,
            reply_key=seeded.reply_key,
            think=args.think,
            stats=stats,
            max_seconds=args.max_seconds,
        )
        elapsed = time.monotonic() - started
        client_cpu = time.process_time() - client_cpu
        load_after = os.getloadavg()[0]
        accounting = account(job_id=seeded.job_id, outcomes=outcomes, score_timeout=60)
    finally:
        for server in servers:
            server.stop()
        if database.own_cluster and os.environ.get("SERVICEFIT_LOADTEST_KEEP_PG") != "1":
            stop_own_postgres()
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    server_cpu = children.ru_utime + children.ru_stime
    failed = [o for o in outcomes if o.failed]
    p95_target, worst_target = TARGETS[args.db]
    lat = stats.latencies
    print()
    print(
        f"== load test: {args.db}, {args.servers} web server(s), {args.servers * args.task_workers} worker(s)"
    )
    print(f"   candidates           {len(outcomes)} ({len(failed)} could not finish)")
    print(
        f"   autosaves            {len(lat)} in {elapsed:.1f} s = {len(lat) / elapsed:.1f}/s overall, "
        f"{steady_rate(stats.window):.0f}/s steady (10th-90th percentile of completions)"
        + ("" if args.think else "   (target >= 500/s without think time)")
    )
    print(
        f"   latency ms           p50 {percentile(lat, 50) * 1000:.0f}  p95 {percentile(lat, 95) * 1000:.0f}"
        f"  p99 {percentile(lat, 99) * 1000:.0f}  max {max(lat, default=0) * 1000:.0f}"
        f"   (target p95 <= {p95_target * 1000:.0f}"
        + (f", max <= {worst_target * 1000:.0f}" if worst_target else "")
        + ")"
    )
    print(f"   errors               {stats.errors} {stats.error_kinds or ''}")
    print(
        f"   acknowledged answers {accounting.acknowledged}, lost {accounting.lost} {accounting.lost_examples or ''}"
    )
    print(
        f"   submitted            {accounting.submitted}, unscored {accounting.unscored} "
        f"(all scored {accounting.scoring_wait_seconds:.1f} s after the last submit)"
    )
    print(
        f"   machine load (1 min) {load_before:.2f} before, {load_after:.2f} after, {os.cpu_count()} CPUs"
    )
    print(
        f"   CPU seconds          load generator {client_cpu:.1f} during the run; servers and "
        f"workers {server_cpu:.1f} in all (start-up and scoring included)"
    )
    for outcome in failed[:3]:
        print(f"   failed: {outcome.failed}")
    ok = accounting.lost == 0 and accounting.unscored == 0 and stats.errors == 0 and not failed
    print(
        f"   result               {'PASS' if ok else 'FAIL'} (lost, unscored and errors must be 0)"
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
