"""``make faulttest``: faults while simulated candidates answer, then count what was lost.

    .venv/bin/python loadtest/faulttest.py --db sqlite
    .venv/bin/python loadtest/faulttest.py --db postgresql      # adds a database restart

Scenarios, each with a fresh job and its own candidates answering and submitting:

- ``web-kill``: kill -9 of the gunicorn master (the supervisor starts a new one), later of one
  gunicorn worker (the master replaces it);
- ``worker-kill``: kill -9 of the task worker while it is running a scoring task (the
  supervisor starts a new worker; the sweeper re-queues the stranded task after the lease);
- ``db-restart`` (PostgreSQL): a restart of the harness's own PostgreSQL cluster mid-load;
- ``import``: a recruiter uploads a 5,000-row file with invitations, and a small .xlsx that
  expands to 200,000 rows, while candidates autosave; reports the slowest autosave meanwhile.

Each prints its figures; the run exits 1 when an acknowledged answer is missing from the
database or a submitted candidate is still unscored a minute after recovery.
"""

from __future__ import annotations

import argparse
import io
import os
import re
import signal
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import contextlib

from candidates import CSRF_INPUT, Browser, Stats, percentile, run_candidates
from harness import (
    Server,
    account,
    environment,
    log,
    open_database,
    seed,
    setup_django,
    stop_own_postgres,
    wait_until_up,
)

SCORE_TIMEOUT = 240.0  # worker restart + lease (30 s) + sweep + scoring, on a busy machine


def parse(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--candidates", type=int, default=20)
    parser.add_argument("--answers", type=int, default=30)
    parser.add_argument("--think", type=float, default=0.3)
    parser.add_argument("--servers", type=int, default=1)
    parser.add_argument("--task-workers", type=int, default=1)
    parser.add_argument("--port", type=int, default=8130)
    parser.add_argument(
        "--only", nargs="*", default=None, help="scenarios to run (default: all that apply)"
    )
    return parser.parse_args(argv)


class Scenario:
    def __init__(self, name: str, args: argparse.Namespace, servers: list[Server]) -> None:
        self.name = name
        self.args = args
        self.servers = servers
        self.stats = Stats()
        self.notes: list[str] = []

    def load(self, *, answers: int | None = None, think: float | None = None):
        """Start the candidates in a thread; returns (thread, outcomes list, seeded)."""
        seeded = seed(candidates=self.args.candidates, label=self.name)
        answers = answers or self.args.answers
        think = self.args.think if think is None else think
        keys = [k for k in seeded.keys if k != seeded.reply_key][: answers - 1]
        keys.append(seeded.reply_key)
        outcomes: list = []

        def go() -> None:
            outcomes.extend(
                run_candidates(
                    servers=[s.url for s in self.servers],
                    tokens=seeded.tokens,
                    keys=keys,
                    reply_key=seeded.reply_key,
                    think=think,
                    stats=self.stats,
                    max_seconds=600,
                    ramp_seconds=8,
                )
            )

        thread = threading.Thread(target=go, daemon=True)
        thread.start()
        return thread, outcomes, seeded

    def report(self, thread, outcomes, seeded) -> bool:
        thread.join()
        accounting = account(job_id=seeded.job_id, outcomes=outcomes, score_timeout=SCORE_TIMEOUT)
        lat = self.stats.latencies
        failed = [o for o in outcomes if o.failed]
        print(f"\n== fault: {self.name} ({self.args.db})")
        for note in self.notes:
            print(f"   {note}")
        print(
            f"   autosaves            {len(lat)}; latency ms p50 {percentile(lat, 50) * 1000:.0f}"
            f" p95 {percentile(lat, 95) * 1000:.0f} p99 {percentile(lat, 99) * 1000:.0f}"
            f" max {max(lat, default=0) * 1000:.0f}"
        )
        print(
            f"   failed requests      {self.stats.errors} (retried) {self.stats.error_kinds or ''}"
        )
        print(
            f"   acknowledged answers {accounting.acknowledged}, lost {accounting.lost} "
            f"{accounting.lost_examples or ''}"
        )
        print(
            f"   submitted            {accounting.submitted}, unscored {accounting.unscored} "
            f"(waited {accounting.scoring_wait_seconds:.1f} s after the last submit)"
        )
        for outcome in failed[:3]:
            print(f"   candidate failed: {outcome.failed}")
        ok = accounting.lost == 0 and accounting.unscored == 0 and not failed
        print(f"   result               {'PASS' if ok else 'FAIL'}")
        return ok


def kill(pid: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGKILL)


def web_kill(args, servers) -> bool:
    scenario = Scenario("web-kill", args, servers)
    thread, outcomes, seeded = scenario.load()
    time.sleep(10)
    server = servers[0]
    masters = [pid for pid in server.children("gunicorn") if _parent(pid) == server.process.pid]
    for pid in masters:
        kill(pid)
    started = time.monotonic()
    scenario.notes.append(f"kill -9 gunicorn master {masters} at t=10 s")
    time.sleep(0.5)
    wait_until_up(server.url, timeout=120)
    new_masters = [pid for pid in server.children("gunicorn") if _parent(pid) == server.process.pid]
    scenario.notes.append(
        f"/healthz answering again {time.monotonic() - started:.1f} s later "
        f"(new master {new_masters})"
    )
    time.sleep(5)
    workers = [pid for pid in server.children("gunicorn") if _parent(pid) != server.process.pid]
    if workers:
        kill(workers[0])
        scenario.notes.append(f"kill -9 gunicorn worker {workers[0]} (the master replaces it)")
    return scenario.report(thread, outcomes, seeded)


def _parent(pid: int) -> int:
    try:
        return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])
    except OSError:
        return -1


def worker_kill(args, servers) -> bool:
    from django.db import close_old_connections
    from django_tasks_db.models import DBTaskResult

    from servicefit.runtime.models import WorkerHeartbeat

    scenario = Scenario("worker-kill", args, servers)
    thread, outcomes, seeded = scenario.load()
    from datetime import timedelta

    from django.utils import timezone

    kills = 0
    killed: set[int] = set()
    deadline = time.monotonic() + 300
    while thread.is_alive() and kills < 2 and time.monotonic() < deadline:
        close_old_connections()
        running = DBTaskResult.objects.filter(status="RUNNING").values_list("worker_ids", flat=True)
        fresh = timezone.now() - timedelta(seconds=10)
        for worker_ids in running:
            beat = WorkerHeartbeat.objects.filter(pk=worker_ids[-1], beat_at__gte=fresh).first()
            if beat is not None and beat.pid and beat.pid not in killed:
                killed.add(beat.pid)
                kill(beat.pid)
                kills += 1
                scenario.notes.append(
                    f"kill -9 task worker pid {beat.pid} while it ran a task (kill {kills})"
                )
                time.sleep(3)
                break
        time.sleep(0.02)
    if not kills:
        scenario.notes.append("no task was caught RUNNING; killing the worker anyway")
        for server in servers:
            for pid in server.children("task_worker"):
                kill(pid)
    return scenario.report(thread, outcomes, seeded)


def db_restart(args, servers, database) -> bool:
    scenario = Scenario("db-restart", args, servers)
    thread, outcomes, seeded = scenario.load()
    time.sleep(12)
    seconds = database.restart()
    scenario.notes.append(
        f"PostgreSQL restarted at t=12 s (pg_ctl restart -m fast took {seconds:.1f} s)"
    )
    time.sleep(5)
    body = _get(servers[0].url + "/healthz")
    scenario.notes.append(f"/healthz after the restart: {body}")
    return scenario.report(thread, outcomes, seeded)


def _get(url: str) -> str:
    import urllib.request

    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return f"{response.status} {response.read().decode()}"
    except Exception as exc:
        return f"error {exc}"


def big_import(args, servers) -> bool:
    from django.db import close_old_connections

    from servicefit.candidates.models import CandidateImport

    scenario = Scenario("import", args, servers)
    # candidates keep answering (1 s apart) through the import and the e-mails
    thread, outcomes, seeded = scenario.load(answers=200, think=1.0)
    time.sleep(6)
    recruiter = Browser(servers[0].url, timeout=120)
    _status, text, _ = recruiter.request("GET", "/login/")
    token = CSRF_INPUT.search(text).group(1)
    recruiter.request(
        "POST",
        "/login/",
        {"username": "loadtest", "password": "loadtest-password", "csrfmiddlewaretoken": token},
    )
    rows = "\n".join(f"Bulk {i},bulk{i}-{seeded.job_id}@example.com,da" for i in range(5000))
    csv = f"name,email,language\n{rows}\n".encode()
    bomb = _xlsx_bomb(200_000)
    for label, name, data in (
        ("5,000 rows + invitations", "bulk.csv", csv),
        (f"{len(bomb) // 1024} KB .xlsx with 200,000 rows", "bomb.xlsx", bomb),
    ):
        started_at = time.monotonic()
        status, elapsed = _upload(recruiter, seeded.job_id, name, data, invitations=True)
        scenario.notes.append(f"upload {label}: HTTP {status} in {elapsed * 1000:.0f} ms")
        # wait for the task, watching the autosaves meanwhile
        latest = None
        while time.monotonic() - started_at < 600:
            close_old_connections()
            latest = CandidateImport.objects.filter(job_id=seeded.job_id).order_by("-pk").first()
            if latest and latest.is_finished:
                break
            time.sleep(0.5)
        finished_at = time.monotonic()
        window = [lat for t, lat in scenario.stats.window if started_at <= t <= finished_at]
        before = [lat for t, lat in scenario.stats.window if started_at - 15 <= t < started_at]
        scenario.notes.append(
            f"  autosaves in the 15 s before: {len(before)}, p95 "
            f"{percentile(before, 95) * 1000:.0f} ms, slowest {max(before, default=0) * 1000:.0f} ms"
        )
        scenario.notes.append(
            f"  -> {latest.status if latest else '?'} ({latest.created_count if latest else 0} added, "
            f"{latest.problem_count if latest else 0} problems) after {time.monotonic() - started_at:.1f} s; "
            f"autosaves meanwhile: {len(window)}, slowest {max(window, default=0) * 1000:.0f} ms "
            f"(target <= 1000 on SQLite)"
        )
    mails_from = time.monotonic()
    ok_import = _check_import(scenario, seeded.job_id)
    for server in servers:
        for line in server.log_path.read_text(errors="replace").splitlines():
            if "stored in one transaction" in line:
                scenario.notes.append("  worker log: " + line.split("] ")[-1].strip())
    window = [lat for t, lat in scenario.stats.window if t >= mails_from]
    scenario.notes.append(
        f"  autosaves while the e-mails went out: {len(window)}, "
        f"slowest {max(window, default=0) * 1000:.0f} ms"
    )
    return scenario.report(thread, outcomes, seeded) and ok_import


def _check_import(scenario: Scenario, job_id: int) -> bool:
    from django.db import close_old_connections
    from django.db.models import Count

    from servicefit.assessments.models import Invitation

    started = time.monotonic()
    counts: dict[str, int] = {}
    while time.monotonic() - started < 300:
        close_old_connections()
        counts = dict(
            Invitation.objects.filter(
                candidate__job_id=job_id, candidate__imported_in__isnull=False
            )
            .values_list("email_status")
            .annotate(n=Count("id"))
            .order_by()
        )
        if counts.get("sent", 0) >= 5000 or counts.get("failed"):
            break
        time.sleep(1)
    scenario.notes.append(
        f"invitation e-mails of the import: {counts} after {time.monotonic() - started:.0f} s more"
    )
    return counts.get("sent", 0) == 5000


def _upload(browser: Browser, job_id: int, name: str, data: bytes, *, invitations: bool):
    _status, text, _ = browser.request("GET", f"/jobs/{job_id}/candidates/import/")
    token = CSRF_INPUT.search(text).group(1)
    boundary = "----servicefit-loadtest"
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="csrfmiddlewaretoken"\r\n\r\n{token}\r\n'.encode(),
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{name}"\r\n'
        f"Content-Type: application/octet-stream\r\n\r\n".encode()
        + data
        + b"\r\n",
    ]
    if invitations:
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="send_invitations"\r\n\r\non\r\n'.encode()
        )
    body = b"".join(parts) + f"--{boundary}--\r\n".encode()
    import http.client

    if browser.conn is not None:
        browser.conn.close()
    conn = http.client.HTTPConnection(browser.host, browser.port, timeout=120)
    headers = {
        "Content-Type": f"multipart/form-data; boundary={boundary}",
        "Cookie": "; ".join(f"{k}={v}" for k, v in browser.cookies.items()),
        "Referer": f"http://{browser.host}:{browser.port}/",
    }
    started = time.monotonic()
    conn.request("POST", f"/jobs/{job_id}/candidates/import/", body=body, headers=headers)
    response = conn.getresponse()
    response.read()
    conn.close()
    return response.status, time.monotonic() - started


def _xlsx_bomb(rows: int) -> bytes:
    """A small .xlsx whose sheet holds ``rows`` filled rows (highly compressible XML)."""
    import zipfile

    from openpyxl import Workbook

    workbook = Workbook()
    workbook.active.append(["name", "email", "language"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    source = zipfile.ZipFile(io.BytesIO(buffer.getvalue()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as target:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                text = content.decode()
                row = '<row r="{n}"><c r="A{n}" t="inlineStr"><is><t>x</t></is></c><c r="B{n}" t="inlineStr"><is><t>x@example.com</t></is></c></row>'
                filler = "".join(row.format(n=n) for n in range(2, rows + 2))
                text = re.sub(
                    r"</row>\s*</sheetData>", "</row>" + filler + "</sheetData>", text, count=1
                )
                text = re.sub(
                    r'<dimension ref="[^"]*"/>', f'<dimension ref="A1:C{rows + 1}"/>', text
                )
                content = text.encode()
            target.writestr(item, content)
    return out.getvalue()


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    workdir = Path(tempfile.mkdtemp(prefix=f"servicefit-faulttest-{args.db}-"))
    database = open_database("faulttest", args.db, workdir)
    if database is None:
        return 0
    env = environment(database, workdir)
    setup_django(env)
    servers = [
        Server(port=args.port + i, env=env, task_workers=args.task_workers)
        for i in range(args.servers)
    ]
    scenarios = ["web-kill", "worker-kill", "import"]
    if database.own_cluster:
        scenarios.insert(2, "db-restart")
    if args.only:
        scenarios = [s for s in scenarios if s in args.only]
    log(f"fault test on {args.db}: {', '.join(scenarios)}")
    results: dict[str, bool] = {}
    try:
        for server in servers:
            server.start(workdir)
        for name in scenarios:
            log(f"scenario {name}")
            if name == "web-kill":
                results[name] = web_kill(args, servers)
            elif name == "worker-kill":
                results[name] = worker_kill(args, servers)
            elif name == "db-restart":
                results[name] = db_restart(args, servers, database)
            else:
                results[name] = big_import(args, servers)
    finally:
        for server in servers:
            server.stop()
        if database.own_cluster and os.environ.get("SERVICEFIT_LOADTEST_KEEP_PG") != "1":
            stop_own_postgres()
    print(
        "\n== fault test summary: "
        + ", ".join(f"{k} {'PASS' if v else 'FAIL'}" for k, v in results.items())
    )
    print(f"   logs in {workdir}")
    return 0 if all(results.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
