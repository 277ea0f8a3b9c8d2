"""`servicefit serve`'s supervisor: children restarted when they die, stopped on request."""

from __future__ import annotations

import os
import signal
import sys
import time
from pathlib import Path

from servicefit.runtime.supervisor import (
    Child,
    ServeOptions,
    Supervisor,
    build_supervisor,
    gunicorn_command,
)


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
