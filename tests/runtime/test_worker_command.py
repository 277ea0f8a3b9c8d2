"""``servicefit worker`` as an operator runs it: one process that a SIGTERM stops entirely."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(not Path("/proc").is_dir(), reason="reads /proc (Linux)")


def _descendants(pid: int) -> list[int]:
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        children = (task / "children").read_text().split()
        for child in map(int, children):
            found += [child, *_descendants(child)]
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return False
    return state != "Z"


def test_sigterm_to_servicefit_worker_stops_the_task_worker_too(tmp_path):
    """systemd's and docker's stop signal goes to the command's own process: nothing is left over."""
    env = {
        **os.environ,
        "SERVICEFIT_DATA_DIR": str(tmp_path),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "SERVICEFIT_SECRET_KEY": "test-worker-command",
        "PYTHONUNBUFFERED": "1",
    }  # an empty database: the worker waits for the tables, which is enough here
    env.pop("DJANGO_SETTINGS_MODULE", None)
    log = tmp_path / "worker.log"
    with log.open("w") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "servicefit.cli", "worker"],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    leftovers: list[int] = []
    try:
        deadline = time.monotonic() + 60
        while not log.read_text() and time.monotonic() < deadline:  # its first log line
            assert process.poll() is None, log.read_text()
            time.sleep(0.2)
        assert log.read_text(), "the worker did not start"
        leftovers = _descendants(process.pid)
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=30)
        deadline = time.monotonic() + 10
        while any(_alive(pid) for pid in leftovers) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert [pid for pid in leftovers if _alive(pid)] == [], "task worker left running"
    finally:
        for pid in [process.pid, *leftovers]:
            if _alive(pid):
                os.kill(pid, signal.SIGKILL)
        process.wait(timeout=10)
