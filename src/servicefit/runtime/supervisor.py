"""``servicefit serve``: gunicorn and the task workers as one supervised unit.

Why gunicorn: ServiceFit is a synchronous Django (WSGI) application, and gunicorn is the
long-established WSGI server on Linux. Its master process pre-forks the web workers, replaces
one that dies or hangs past ``--timeout``, reloads gracefully on SIGHUP and drains on SIGTERM;
it is pure Python (no compiler, no Rust toolchain) and needs nothing but the standard library.
Granian is faster on paper but the database, not the HTTP layer, bounds this application, and
gunicorn's process model is the one operators and distributions know.

The supervisor here adds what gunicorn does not do: it runs the task worker(s) next to the web
server and restarts any child that exits (gunicorn's master included) with back-off, so one
command (or one systemd unit, or one container) is a complete installation. SIGTERM/SIGINT stop
everything gracefully (running tasks finish; a second signal is not needed); SIGHUP is passed to
gunicorn for a graceful reload.

This module does not import Django: it only starts processes.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import logging
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from types import FrameType

logger = logging.getLogger("servicefit.serve")

BACKOFF_START = 1.0
BACKOFF_MAX = 30.0
HEALTHY_AFTER = 60.0
"""A child that ran this long before dying is restarted at once (the back-off resets)."""
QUICK_EXIT = 15.0
"""A child that exits sooner than this after its start failed to start (gunicorn alone tries
to bind its address for about five seconds before it gives up)."""
GIVE_UP_AFTER = 5
"""Quick exits in a row after which the supervisor stops everything and exits with status 1,
instead of restarting a child that cannot start for ever."""
GIVE_UP_AFTER_PORT_IN_USE = 3
"""The same when the web server's address is taken by another program: that will not pass."""


@dataclass(frozen=True)
class ServeOptions:
    bind: str = "127.0.0.1:8000"
    web_workers: int = 3
    threads: int = 4
    timeout: int = 30
    task_workers: int = 1
    forwarded_allow_ips: str = "127.0.0.1"
    access_log: bool = False

    @classmethod
    def from_environment(cls, environ: dict[str, str] | None = None) -> ServeOptions:
        """Defaults overridden by ``SERVICEFIT_BIND``, ``SERVICEFIT_WEB_WORKERS`` and friends."""
        env = os.environ if environ is None else environ
        cpus = os.cpu_count() or 1
        return cls(
            bind=env.get("SERVICEFIT_BIND", "127.0.0.1:8000"),
            web_workers=int(env.get("SERVICEFIT_WEB_WORKERS", str(min(2 * cpus + 1, 8)))),
            threads=int(env.get("SERVICEFIT_WEB_THREADS", "4")),
            timeout=int(env.get("SERVICEFIT_WEB_TIMEOUT", "30")),
            task_workers=int(env.get("SERVICEFIT_TASK_WORKERS", "1")),
            forwarded_allow_ips=env.get("SERVICEFIT_FORWARDED_ALLOW_IPS", "127.0.0.1"),
            access_log=env.get("SERVICEFIT_ACCESS_LOG", "").lower() in {"1", "true", "yes", "on"},
        )


def gunicorn_command(options: ServeOptions) -> list[str]:
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "servicefit.wsgi:application",
        "--bind",
        options.bind,
        "--workers",
        str(options.web_workers),
        "--threads",
        str(options.threads),
        "--timeout",
        str(options.timeout),
        "--graceful-timeout",
        str(options.timeout),
        "--keep-alive",
        "5",
        # Load the application (and warm it up, see servicefit.wsgi) once in the master: a
        # worker forked to replace a dead one serves at once, and no first request is slow.
        # (So SIGHUP restarts the workers but does not load new code: restart for upgrades.)
        "--preload",
        # Recycle web workers now and then so slow leaks never grow unbounded (at a few
        # hundred autosaves a second, 2,000 requests meant a restart every few seconds).
        "--max-requests",
        "20000",
        "--max-requests-jitter",
        "2000",
        "--forwarded-allow-ips",
        options.forwarded_allow_ips,
        "--error-logfile",
        "-",
        # gunicorn 24+ opens a control socket in ~/.gunicorn by default: one per user, which
        # several servers on one host would fight over.
        "--no-control-socket",
    ]
    if options.access_log:
        command += ["--access-logfile", "-"]
    return command


def task_worker_command() -> list[str]:
    worker_id = f"{socket.gethostname()[:40]}-{secrets.token_hex(6)}"
    return [
        sys.executable,
        "-m",
        "servicefit.cli",
        "manage",
        "task_worker",
        "--queue-name",
        "*",
        "--worker-id",
        worker_id,
    ]


def address_in_use(bind: str) -> bool:
    """Whether another program listens on gunicorn's ``--bind`` address ``host:port``.

    Probed as gunicorn binds (``SO_REUSEADDR``, so a port in TIME_WAIT counts as free); a Unix
    socket or an address that cannot be resolved is not probed (gunicorn reports those)."""
    if bind.startswith(("unix:", "fd://")):
        return False
    host, _, port = bind.rpartition(":") if ":" in bind.strip("[]") else (bind, "", "8000")
    if host.startswith("[") and host.endswith("]"):
        host = host[1:-1]
    try:
        port_number = int(port)
        infos = socket.getaddrinfo(
            host or None, port_number, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE
        )
    except (ValueError, OSError):
        return False
    family, kind, proto, _, address = infos[0]
    with socket.socket(family, kind, proto) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(address)
        except OSError as exc:
            return exc.errno == errno.EADDRINUSE
    return False


def port_in_use_message(bind: str) -> str:
    port = bind.rpartition(":")[2]
    return (
        f"the web server cannot listen on {bind}: another program is using that address "
        f"(see which with: ss -ltnp 'sport = :{port}'). Stop that program, or give "
        "servicefit serve a free address with SERVICEFIT_BIND or --bind"
    )


def _die_with_parent() -> None:  # pragma: no cover - runs in the child before exec
    """Linux: the child gets SIGTERM if the supervisor is killed (no orphaned servers)."""
    try:
        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        libc.prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except OSError:
        pass


def _kill_group(pgid: int) -> None:
    """Whatever is left of a dead child's process group (gunicorn's orphaned workers)."""
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pgid, signal.SIGKILL)


@dataclass
class Child:
    name: str
    command_factory: object  # Callable[[], list[str]]; a fresh command per start (worker ids)
    process: subprocess.Popen[bytes] | None = None
    started_at: float = 0.0
    restarts: int = 0
    backoff: float = BACKOFF_START
    restart_at: float | None = None
    quick_exits: int = 0
    """Exits in a row, each within ``QUICK_EXIT`` of the start."""
    bind: str | None = None
    """The web server's address (only the web child has one)."""

    def start(self) -> None:
        command = self.command_factory()  # type: ignore[operator]
        logger.info("starting %s", self.name)
        # Its own process group: if gunicorn's master is killed, its orphaned workers (still
        # in the group) are killed with it, so they neither hold the port nor swallow requests.
        self.process = subprocess.Popen(  # noqa: S603
            command, preexec_fn=_die_with_parent, process_group=0
        )
        self.started_at = time.monotonic()
        self.restart_at = None


@dataclass
class Supervisor:
    children: list[Child]
    stop_timeout: float = 35.0
    stopping: bool = False
    exit_code: int = 0
    _reload: bool = field(default=False, repr=False)

    def _on_stop(self, signum: int, frame: FrameType | None) -> None:
        logger.info("received %s: stopping", signal.strsignal(signum))
        self.stopping = True

    def _on_hup(self, signum: int, frame: FrameType | None) -> None:
        self._reload = True

    def run(self) -> int:
        signal.signal(signal.SIGTERM, self._on_stop)
        signal.signal(signal.SIGINT, self._on_stop)
        signal.signal(signal.SIGHUP, self._on_hup)
        for child in self.children:
            child.start()
        while not self.stopping:
            self._tick()
            time.sleep(0.2)
        self._stop_all()
        return self.exit_code

    def _tick(self) -> None:
        now = time.monotonic()
        if self._reload:
            self._reload = False
            for child in self.children:
                if child.name == "web" and child.process and child.process.poll() is None:
                    child.process.send_signal(signal.SIGHUP)
        for child in self.children:
            if child.restart_at is not None:
                if now >= child.restart_at:
                    child.restarts += 1
                    child.start()
                continue
            if child.process is None or child.process.poll() is None:
                continue
            _kill_group(child.process.pid)
            ran = now - child.started_at
            # With its address taken, gunicorn loads the application and tries to bind for a
            # while before it exits: any exit within HEALTHY_AFTER then failed to start.
            taken = child.bind is not None and address_in_use(child.bind)
            failed_start = ran < (HEALTHY_AFTER if taken else QUICK_EXIT)
            child.quick_exits = child.quick_exits + 1 if failed_start else 0
            if self._give_up(child, taken=taken):
                return
            if ran >= HEALTHY_AFTER:
                child.backoff = BACKOFF_START
            delay = 0.0 if ran >= HEALTHY_AFTER else child.backoff
            logger.warning(
                "%s exited with status %s after %.0f s; restarting in %.0f s",
                child.name,
                child.process.returncode,
                ran,
                delay,
            )
            child.backoff = min(child.backoff * 2, BACKOFF_MAX)
            child.restart_at = now + delay

    def _give_up(self, child: Child, *, taken: bool) -> bool:
        """Stop everything (exit status 1) when a child keeps failing at its start: restarting
        it for ever only fills the log (e.g. gunicorn's "Connection in use")."""
        limit = GIVE_UP_AFTER_PORT_IN_USE if taken else GIVE_UP_AFTER
        if child.quick_exits < limit:
            return False
        if taken and child.bind is not None:
            logger.error("%s; stopping", port_in_use_message(child.bind))
        else:
            logger.error(
                "%s failed to start %d times in a row (exit status %s; its errors are above): "
                "stopping. Fix the cause and start servicefit serve again",
                child.name,
                child.quick_exits,
                child.process.returncode if child.process else None,
            )
        self.exit_code = 1
        self.stopping = True
        return True

    def _stop_all(self) -> None:
        running = [c.process for c in self.children if c.process and c.process.poll() is None]
        for process in running:
            process.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + self.stop_timeout
        for process in running:
            try:
                process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                logger.warning("process %s did not stop in time: killing it", process.pid)
                process.kill()
                process.wait()


def build_supervisor(options: ServeOptions, *, web: bool = True) -> Supervisor:
    children: list[Child] = []
    if web:
        children.append(Child("web", lambda: gunicorn_command(options), bind=options.bind))
    for index in range(options.task_workers):
        children.append(Child(f"task-worker-{index + 1}", task_worker_command))
    return Supervisor(children, stop_timeout=float(options.timeout) + 5)


LOG_FORMAT = "%(asctime)s [servicefit serve] %(levelname)s %(message)s"
#: with the UTC offset: this process keeps the system's zone while the Django children log in
#: SERVICEFIT_TIME_ZONE, so lines without it would disagree by an hour or more in one stream
LOG_DATE_FORMAT = "%Y-%m-%d %H:%M:%S %z"


def serve(options: ServeOptions, *, web: bool = True) -> int:
    logging.basicConfig(level=logging.INFO, format=LOG_FORMAT, datefmt=LOG_DATE_FORMAT)
    logger.info(
        "web on %s (%d workers x %d threads), %d task worker(s)",
        options.bind if web else "-",
        options.web_workers,
        options.threads,
        options.task_workers,
    )
    if web and address_in_use(options.bind):
        logger.error(port_in_use_message(options.bind))
        return 1
    return build_supervisor(options, web=web).run()
