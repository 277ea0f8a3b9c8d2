"""What the load and fault tests share: databases, servers, seeding and the final accounting.

Everything runs on loopback with the real production command (``servicefit serve``): the
harness starts the servers as subprocesses, seeds a job and invitations through the Django ORM
(in this process, against the same database), drives simulated candidates over HTTP
(:mod:`candidates`), and at the end compares what the server acknowledged with what the database
holds. Standard library only (plus ServiceFit itself).
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
PG_BIN = next(iter(sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True)), None)
PG_PORT = int(os.environ.get("SERVICEFIT_LOADTEST_PG_PORT", "8150"))
PG_DIR = Path(tempfile.gettempdir()) / f"servicefit-loadtest-pg-{PG_PORT}"


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


# -- databases ------------------------------------------------------------------------------
@dataclass
class Database:
    url: str
    kind: str  # "sqlite" | "postgresql"
    own_cluster: bool = False

    def restart(self) -> float:
        """Restart the PostgreSQL cluster we own; returns the seconds it was unavailable."""
        if not self.own_cluster:
            raise RuntimeError("only a PostgreSQL instance started by the harness is restarted")
        started = time.monotonic()
        _as_postgres([str(PG_BIN / "pg_ctl"), "-D", str(PG_DIR), "-m", "fast", "-w", "restart"])
        return time.monotonic() - started


def _as_postgres(command: list[str]) -> None:
    prefix = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    subprocess.run(
        [*prefix, *command], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )


def sqlite_database(workdir: Path) -> Database:
    return Database(url=f"sqlite:///{workdir / 'loadtest.sqlite3'}", kind="sqlite")


def postgres_database(name: str) -> Database:
    """Our own throw-away PostgreSQL cluster (initdb) on PG_PORT, so a restart hurts no one.

    ``SERVICEFIT_LOADTEST_PG=postgresql://…/db`` uses an existing server instead (no restart).
    """
    given = os.environ.get("SERVICEFIT_LOADTEST_PG")
    if given:
        return Database(url=given, kind="postgresql")
    if PG_BIN is None:
        raise RuntimeError("PostgreSQL binaries not found under /usr/lib/postgresql")
    if not (PG_DIR / "PG_VERSION").exists():
        shutil.rmtree(PG_DIR, ignore_errors=True)
        PG_DIR.mkdir(parents=True)
        if os.geteuid() == 0:
            shutil.chown(PG_DIR, "postgres", "postgres")
        _as_postgres([str(PG_BIN / "initdb"), "-D", str(PG_DIR), "-A", "trust", "-U", "postgres"])
    if (
        subprocess.run(
            [str(PG_BIN / "pg_isready"), "-h", "127.0.0.1", "-p", str(PG_PORT)], capture_output=True
        ).returncode
        != 0
    ):
        _as_postgres(
            [
                str(PG_BIN / "pg_ctl"),
                "-D",
                str(PG_DIR),
                "-w",
                "-l",
                str(PG_DIR / "server.log"),
                "-o",
                f"-p {PG_PORT} -k /tmp -c listen_addresses=127.0.0.1 -c max_connections=200 "
                "-c fsync=on -c shared_buffers=64MB",
                "start",
            ]
        )
    base = f"postgresql://postgres@127.0.0.1:{PG_PORT}"
    import psycopg

    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    return Database(url=f"{base}/{name}", kind="postgresql", own_cluster=True)


def stop_own_postgres() -> None:
    if PG_BIN is not None and (PG_DIR / "postmaster.pid").exists():
        _as_postgres([str(PG_BIN / "pg_ctl"), "-D", str(PG_DIR), "-m", "fast", "-w", "stop"])


# -- the environment every process shares ---------------------------------------------------
def open_database(tool: str, kind: str, workdir: Path) -> Database | None:
    """SQLite in ``workdir``, or PostgreSQL database ``servicefit_<tool>``; ``None`` (after
    saying why) when PostgreSQL cannot be had, so the run is skipped rather than failed."""
    if kind == "sqlite":
        return sqlite_database(workdir)
    try:
        return postgres_database(f"servicefit_{tool}")
    except (RuntimeError, OSError, ImportError, subprocess.SubprocessError) as exc:
        print(f"== {tool} on PostgreSQL skipped: {exc}")
        return None


def environment(database: Database, workdir: Path, **extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "servicefit.settings",
            "DATABASE_URL": database.url,
            "SERVICEFIT_DATA_DIR": str(workdir),
            "SERVICEFIT_SECRET_KEY": "loadtest-secret-key-not-for-production",
            "SERVICEFIT_ALLOWED_HOSTS": "127.0.0.1,localhost",
            "SERVICEFIT_EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
            "SERVICEFIT_LOG_LEVEL": "INFO",
            "SERVICEFIT_SITE_URL": "http://127.0.0.1",
        }
    )
    env.update(extra)
    return env


def setup_django(env: dict[str, str]) -> None:
    """Configure this process like the servers (call once, before importing models)."""
    for key in (
        "DJANGO_SETTINGS_MODULE",
        "DATABASE_URL",
        "SERVICEFIT_DATA_DIR",
        "SERVICEFIT_SECRET_KEY",
    ):
        os.environ[key] = env[key]
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)


# -- servers ----------------------------------------------------------------------------------
@dataclass
class Server:
    """One ``servicefit serve`` (gunicorn + task workers under the supervisor)."""

    port: int
    env: dict[str, str]
    web_workers: int = 2
    threads: int = 4
    task_workers: int = 1
    web: bool = True
    process: subprocess.Popen[bytes] | None = None
    log_path: Path | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, workdir: Path) -> None:
        self.log_path = workdir / f"serve-{self.port}.log"
        command = [
            str(BIN / "servicefit"),
            "serve",
            "--bind",
            f"127.0.0.1:{self.port}",
            "--workers",
            str(self.web_workers),
            "--threads",
            str(self.threads),
            "--task-workers",
            str(self.task_workers),
        ]
        if not self.web:
            command.append("--no-web")
        with open(self.log_path, "ab") as out:
            self.process = subprocess.Popen(command, env=self.env, stdout=out, stderr=out)
        if self.web:
            wait_until_up(self.url, timeout=300)  # a busy machine starts slowly

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                self.process.kill()

    def children(self, pattern: str) -> list[int]:
        """Pids of this server's processes whose command line contains ``pattern``."""
        if not self.process:
            return []
        found = []
        for pid in _descendants(self.process.pid):
            try:
                cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
            except OSError:
                continue
            if pattern in cmdline:
                found.append(pid)
        return found


def _descendants(pid: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        parent = int(stat.rsplit(")", 1)[1].split()[1])
        children.setdefault(parent, []).append(int(entry.name))
    result, todo = [], [pid]
    while todo:
        current = todo.pop()
        for child in children.get(current, []):
            result.append(child)
            todo.append(child)
    return result


def wait_until_up(url: str, *, timeout: float) -> float:
    """Seconds until ``/healthz`` answers 200."""
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        try:
            with urllib.request.urlopen(f"{url}/healthz", timeout=2) as response:
                if response.status == 200:
                    return time.monotonic() - started
        except OSError:
            pass
        time.sleep(0.25)
    raise RuntimeError(f"{url} did not come up within {timeout:.0f} s")


def free_port(preferred: int) -> int:
    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", preferred))
        except OSError as exc:
            raise RuntimeError(f"port {preferred} is in use") from exc
    return preferred


# -- seeding and accounting ---------------------------------------------------------------------
@dataclass(frozen=True)
class Seeded:
    job_id: int
    tokens: list[str]
    keys: list[str]
    reply_key: str


def seed(*, candidates: int, label: str) -> Seeded:
    """A job with ``candidates`` invitations; the answer keys every candidate will answer."""
    from servicefit.accounts.models import User
    from servicefit.assessments.plan import REPLY_MESSAGE_BY_CHANNEL, AssessmentPlan, reply_key
    from servicefit.assessments.services import create_invitation
    from servicefit.candidates.services import add_candidate
    from servicefit.content import default_content
    from servicefit.jobs.services import create_job_from_template

    recruiter, _ = User.objects.get_or_create(username="loadtest", defaults={"role": "recruiter"})
    recruiter.set_password("loadtest-password")
    recruiter.save()
    job = create_job_from_template(
        title=f"Load test {label} {time.strftime('%H:%M:%S')}",
        template_id="phone_support",
        created_by=recruiter,
    )
    tokens = []
    for i in range(candidates):
        candidate = add_candidate(
            job=job, name=f"Load {i}", email=f"load{i}@example.com", language="en"
        )
        tokens.append(create_invitation(candidate=candidate, created_by=recruiter).token)
    message = REPLY_MESSAGE_BY_CHANNEL.get(job.channel, "late_delivery")
    plan = AssessmentPlan.build(default_content(), reply_message=message)
    return Seeded(
        job_id=job.pk, tokens=tokens, keys=list(plan.keys()), reply_key=reply_key(message)
    )


@dataclass
class Accounting:
    acknowledged: int = 0
    lost: int = 0
    lost_examples: list[str] = field(default_factory=list)
    submitted: int = 0
    unscored: int = 0
    scoring_wait_seconds: float = 0.0


def account(*, job_id: int, outcomes: list, score_timeout: float) -> Accounting:
    """Acknowledged answers missing from the database; submitted candidates left unscored."""
    from django.db import close_old_connections

    from servicefit.assessments.models import Answer, AssessmentSession, Result

    close_old_connections()
    result = Accounting()
    stored: dict[tuple[str, str], tuple[int | None, str]] = {}
    for token_hash, key, value, text in Answer.objects.filter(
        session__candidate__job_id=job_id
    ).values_list("session__candidate__invitations__token_hash", "key", "value", "text"):
        stored[(token_hash, key)] = (value, text)
    from servicefit.assessments.models import hash_token

    for outcome in outcomes:
        token_hash = hash_token(outcome.token)
        for key, (acked, attempted) in outcome.answers.items():
            if acked is None:
                continue  # never acknowledged: the candidate was told it was not saved
            result.acknowledged += 1
            got = stored.get((token_hash, key))
            value = None if got is None else (got[0] if got[0] is not None else got[1])
            if got is None or (value != acked and value not in attempted):
                result.lost += 1
                if len(result.lost_examples) < 5:
                    result.lost_examples.append(
                        f"{outcome.token[:6]}… {key}: sent {acked!r}, stored {value!r}"
                    )
    submitted = AssessmentSession.objects.filter(
        candidate__job_id=job_id, submitted_at__isnull=False
    )
    result.submitted = submitted.count()
    started = time.monotonic()
    while True:
        close_old_connections()
        scored = Result.objects.filter(session__in=submitted).count()
        result.unscored = result.submitted - scored
        if result.unscored == 0 or time.monotonic() - started > score_timeout:
            break
        time.sleep(1)
    result.scoring_wait_seconds = time.monotonic() - started
    return result
