"""The autosave on PostgreSQL: CPU per save of the web process and of the database, with
prepared statements (the default) against without, in the same run.

Run: ``.venv/bin/python benchmarks/bench_autosave_pg.py`` (``make bench``; skipped when no
PostgreSQL is reachable at ``postgresql://postgres@127.0.0.1:5432``, see ``fresh.py``). For
each round and mode a fresh process on a throw-away database migrates, invites one candidate,
consents through Django's test client and then sends ``--saves`` autosaves (``POST
/a/<token>/answer/``, as the page's script does) straight to the WSGI application, the whole
request cycle without an HTTP server. It reports per save:

- the CPU time of this process (Django, the middleware, psycopg);
- the CPU time of its PostgreSQL backend process (``/proc/<pid>/stat``; needs the server on
  this machine, else "n/a");
- the wall time (which includes the commit's flush to disk).

Modes: **prepared** (``SERVICEFIT_DB_PREPARED_STATEMENTS`` on: server-side binding, a statement
prepared after its fifth use) and **baseline** (off: every statement parsed and planned). The
rounds alternate the two so that a change in the machine's speed hits both. Nothing fails on a
miss; the throughput target itself is measured by ``make loadtest``.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))

from fresh import pg_available, run_fresh  # noqa: E402

MODES = {"prepared": "on", "baseline": "off"}


def measure(saves: int) -> dict[str, Any]:
    """The measuring half, in a fresh process (``--measure``)."""
    import re
    import urllib.parse

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from servicefit.accounts.models import User
    from servicefit.assessments.plan import REPLY_MESSAGE_BY_CHANNEL, AssessmentPlan
    from servicefit.assessments.services import create_invitation
    from servicefit.candidates.services import add_candidate
    from servicefit.content import default_content
    from servicefit.jobs.services import create_job_from_template
    from servicefit.wsgi import application

    call_command("migrate", verbosity=0, interactive=False)
    recruiter = User.objects.create(username="bench", role="recruiter")
    job = create_job_from_template(
        title="Autosave benchmark", template_id="phone_support", created_by=recruiter
    )
    candidate = add_candidate(job=job, name="Bench", email="bench@example.com", language="en")
    token = create_invitation(candidate=candidate, created_by=recruiter).token
    browser = Client()
    landing = browser.get(f"/a/{token}/").content.decode()
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', landing)
    consent = {"consent": "yes", "csrfmiddlewaretoken": csrf.group(1) if csrf else ""}
    if browser.post(f"/a/{token}/", consent).status_code != 302:
        raise RuntimeError("consent failed")
    cookies = "; ".join(f"{k}={v.value}" for k, v in browser.cookies.items())
    message = REPLY_MESSAGE_BY_CHANNEL.get(job.channel, "late_delivery")
    plan = AssessmentPlan.build(default_content(), reply_message=message)
    keys = list(plan.keys("questionnaire"))

    def save(i: int) -> None:
        key = keys[i % len(keys)]
        body = urllib.parse.urlencode({"key": key, key: str(i % 5 + 1)}).encode()
        environ = {
            "REQUEST_METHOD": "POST",
            "PATH_INFO": f"/a/{token}/answer/",
            "QUERY_STRING": "",
            "SERVER_NAME": "testserver",
            "SERVER_PORT": "80",
            "HTTP_HOST": "testserver",
            "SERVER_PROTOCOL": "HTTP/1.1",
            "REMOTE_ADDR": "127.0.0.1",
            "CONTENT_TYPE": "application/x-www-form-urlencoded",
            "CONTENT_LENGTH": str(len(body)),
            "HTTP_COOKIE": cookies,
            "HTTP_X_CSRFTOKEN": browser.cookies["csrftoken"].value,
            "HTTP_HX_REQUEST": "true",
            "HTTP_ACCEPT_LANGUAGE": "en",
            "wsgi.input": io.BytesIO(body),
            "wsgi.errors": sys.stderr,
            "wsgi.url_scheme": "http",
            "wsgi.version": (1, 0),
            "wsgi.multithread": True,
            "wsgi.multiprocess": True,
            "wsgi.run_once": False,
        }
        status: list[str] = []

        def start_response(code: str, headers: Any, exc_info: Any = None) -> Any:
            status.append(code)
            return lambda data: None

        response = application(environ, start_response)
        b"".join(response)
        response.close()
        if not status[0].startswith("200"):
            raise RuntimeError(f"autosave answered {status[0]}")

    def backend_cpu() -> float | None:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            pid = cursor.fetchone()[0]
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            return None
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    for i in range(200):  # warm-up: caches filled, statements prepared
        save(i)
    statements: list[str] = []

    def count(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        statements.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        save(7)
    server_before, cpu_before, wall_before = backend_cpu(), time.process_time(), time.perf_counter()
    for i in range(saves):
        save(i)
    cpu, wall = time.process_time() - cpu_before, time.perf_counter() - wall_before
    server_after = backend_cpu()
    server = None
    if server_before is not None and server_after is not None:
        server = (server_after - server_before) / saves * 1000
    return {
        "queries": len(statements),
        "client_ms": cpu / saves * 1000,
        "server_ms": server,
        "wall_ms": wall / saves * 1000,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--measure", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--saves", type=int, default=3000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(measure(args.saves)))
        return 0
    if not pg_available():
        print("autosave benchmark skipped: no PostgreSQL at 127.0.0.1:5432")
        return 0
    results: dict[str, list[dict[str, Any]]] = {mode: [] for mode in MODES}
    for _ in range(args.rounds):
        for mode, switch in MODES.items():
            os.environ["SERVICEFIT_DB_PREPARED_STATEMENTS"] = switch
            results[mode].append(run_fresh(__file__, ["--saves", str(args.saves)], "postgresql"))
    os.environ.pop("SERVICEFIT_DB_PREPARED_STATEMENTS", None)

    def median(mode: str, field: str) -> float | None:
        values = [r[field] for r in results[mode] if r[field] is not None]
        return statistics.median(values) if values else None

    def cell(value: float | None) -> str:
        return "n/a" if value is None else f"{value:.3f}"

    print(f"Autosave on PostgreSQL, {args.saves} saves x {args.rounds} rounds (median per save)")
    print("| mode | queries | web process CPU ms | PostgreSQL CPU ms | wall ms |")
    print("|---|---|---|---|---|")
    for mode in MODES:
        row = [median(mode, f) for f in ("client_ms", "server_ms", "wall_ms")]
        queries = results[mode][0]["queries"]
        print(f"| {mode} | {queries} | " + " | ".join(cell(v) for v in row) + " |")
    for field, label in (("client_ms", "web process"), ("server_ms", "PostgreSQL")):
        new, old = median("prepared", field), median("baseline", field)
        if new is not None and old:
            print(f"{label} CPU per save, prepared / baseline: {new / old:.2f}x")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
