"""`servicefit serve`'s supervisor: children restarted when they die, stopped on request."""

from __future__ import annotations

import logging
import os
import signal
import socket
import sys
import time
from pathlib import Path

from servicefit.runtime.supervisor import (
    Child,
    ServeOptions,
    Supervisor,
    address_in_use,
    build_supervisor,
    gunicorn_command,
    serve,
)


def taken_port() -> socket.socket:
    """A socket listening on a free port of 127.0.0.1, as another program would."""
    holder = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    holder.bind(("127.0.0.1", 0))
    holder.listen()
    return holder


def tick_until(supervisor: Supervisor, condition, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "condition not reached"
        supervisor._tick()
        time.sleep(0.05)


def living_members(group: int) -> list[int]:
    """Processes of a process group that are not zombies (waiting to be reaped)."""
    members = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        state, pgrp = fields[0], int(fields[2])
        if pgrp == group and state != "Z":
            members.append(int(entry.name))
    return members


def test_a_child_that_dies_is_started_again_with_back_off():
    child = Child("short-lived", lambda: [sys.executable, "-c", "pass"], backoff=0.05)
    supervisor = Supervisor([child])
    child.start()
    first = child.process.pid
    tick_until(supervisor, lambda: child.restarts >= 2)
    assert child.process.pid != first
    assert child.backoff > 0.05  # doubled after each quick exit
    supervisor._stop_all()


def test_stopping_terminates_every_child():
    children = [
        Child(f"sleeper-{i}", lambda: [sys.executable, "-c", "import time; time.sleep(60)"])
        for i in range(2)
    ]
    supervisor = Supervisor(children, stop_timeout=10)
    for child in children:
        child.start()
    supervisor._stop_all()
    assert all(child.process.returncode == -signal.SIGTERM for child in children)


def test_a_killed_child_takes_its_orphans_with_it():
    """kill -9 of gunicorn's master must not leave its workers holding the port."""
    script = "import subprocess, sys, time; subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(60)']); time.sleep(60)"
    child = Child("master", lambda: [sys.executable, "-c", script], backoff=30)
    supervisor = Supervisor([child])
    child.start()
    group = child.process.pid
    time.sleep(1.0)  # let it start its own child
    os.kill(child.process.pid, signal.SIGKILL)
    tick_until(supervisor, lambda: child.restart_at is not None)
    deadline = time.monotonic() + 5
    while living_members(group) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert living_members(group) == []  # nobody is left in the dead master's process group


def test_gunicorn_gets_its_settings_from_the_environment():
    options = ServeOptions.from_environment(
        {
            "SERVICEFIT_BIND": "0.0.0.0:9000",
            "SERVICEFIT_WEB_WORKERS": "5",
            "SERVICEFIT_WEB_THREADS": "2",
            "SERVICEFIT_WEB_TIMEOUT": "45",
            "SERVICEFIT_TASK_WORKERS": "3",
        }
    )
    command = " ".join(gunicorn_command(options))
    assert "servicefit.wsgi:application" in command
    assert "--bind 0.0.0.0:9000" in command
    assert "--workers 5" in command
    assert "--threads 2" in command
    assert "--timeout 45" in command
    assert "--no-control-socket" in command
    assert "--access-logfile" not in command  # links carry tokens: off unless asked for
    names = [c.name for c in build_supervisor(options).children]
    assert names == ["web", "task-worker-1", "task-worker-2", "task-worker-3"]
    assert [c.name for c in build_supervisor(options, web=False).children] == [
        "task-worker-1",
        "task-worker-2",
        "task-worker-3",
    ]


def test_a_taken_port_is_recognised():
    holder = taken_port()
    bind = f"127.0.0.1:{holder.getsockname()[1]}"
    with holder:
        assert address_in_use(bind)
    assert not address_in_use(bind)
    assert not address_in_use("unix:/tmp/ops2-none.sock")


def test_serve_does_not_start_on_a_taken_port(caplog):
    holder = taken_port()
    port = holder.getsockname()[1]
    options = ServeOptions(bind=f"127.0.0.1:{port}", task_workers=1)
    started = time.monotonic()
    with holder, caplog.at_level(logging.ERROR, logger="servicefit.serve"):
        assert serve(options) == 1
    assert time.monotonic() - started < 5
    [message] = [r.getMessage() for r in caplog.records if r.levelno == logging.ERROR]
    assert f"cannot listen on 127.0.0.1:{port}" in message
    assert "SERVICEFIT_BIND" in message


def test_a_web_server_that_cannot_bind_is_not_restarted_for_ever(caplog):
    """gunicorn exits with "Connection in use" when the port is taken after the start (here a
    child that exits at once stands for it): after a few quick exits the supervisor stops with
    one message naming the address, and its status is not zero."""
    holder = taken_port()
    bind = f"127.0.0.1:{holder.getsockname()[1]}"
    web = Child("web", lambda: [sys.executable, "-c", "raise SystemExit(1)"], bind=bind)
    web.backoff = 0.05
    worker = Child("task-worker-1", lambda: [sys.executable, "-c", "import time; time.sleep(60)"])
    supervisor = Supervisor([web, worker], stop_timeout=10)
    web.start()
    worker.start()
    with holder, caplog.at_level(logging.INFO, logger="servicefit.serve"):
        tick_until(supervisor, lambda: supervisor.stopping)
    supervisor._stop_all()
    assert supervisor.exit_code == 1
    assert web.restarts == 2  # three starts, then it gave up
    assert worker.process.returncode == -signal.SIGTERM  # the rest was stopped too
    errors = [r.getMessage() for r in caplog.records if r.levelno == logging.ERROR]
    assert len(errors) == 1 and f"cannot listen on {bind}" in errors[0]


def test_a_child_that_keeps_failing_at_once_ends_the_supervisor():
    child = Child("task-worker-1", lambda: [sys.executable, "-c", "raise SystemExit(3)"])
    child.backoff = 0.02
    supervisor = Supervisor([child])
    child.start()
    tick_until(supervisor, lambda: supervisor.stopping)
    assert supervisor.exit_code == 1
    assert child.restarts == 4  # five quick exits in a row


def test_a_child_that_ran_a_while_is_restarted_however_often_it_died_before():
    child = Child("web", lambda: [sys.executable, "-c", "raise SystemExit(1)"], backoff=0.02)
    supervisor = Supervisor([child])
    child.start()
    tick_until(supervisor, lambda: child.quick_exits == 4 and child.restart_at is not None)
    tick_until(supervisor, lambda: child.restart_at is None)
    child.started_at -= 60  # this run lasted a minute
    tick_until(supervisor, lambda: child.restart_at is not None)
    assert child.quick_exits == 0 and not supervisor.stopping
    supervisor._stop_all()


def test_a_slow_start_on_a_taken_port_counts_as_a_failed_start(monkeypatch):
    """gunicorn loads the application (--preload) before it tries to bind for five seconds: on
    a busy host that can outlast QUICK_EXIT, and the supervisor must still give up."""
    from servicefit.runtime import supervisor as module

    monkeypatch.setattr(module, "QUICK_EXIT", 0.0)  # every exit is "slow"
    holder = taken_port()
    bind = f"127.0.0.1:{holder.getsockname()[1]}"
    web = Child("web", lambda: [sys.executable, "-c", "raise SystemExit(1)"], bind=bind)
    web.backoff = 0.02
    supervisor = Supervisor([web])
    web.start()
    with holder:
        tick_until(supervisor, lambda: supervisor.stopping)
    assert supervisor.exit_code == 1 and web.restarts == 2
