"""Run a benchmark's measuring half in a fresh process on a throw-away database.

Used by ``bench_pages.py`` and ``bench_api.py``: each calls its own script again with
``--measure`` in a new Python process (clean caches and memory), with a temporary data
directory, the inline task backend and either a SQLite file in that directory or a PostgreSQL
database created for the run and dropped afterwards. The child prints one JSON line last.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from typing import Any

PG_BASE = os.environ.get("SERVICEFIT_BENCH_PG", "postgresql://postgres@127.0.0.1:5432")
PG_NAME = os.environ.get("SERVICEFIT_BENCH_PG_NAME", f"sf_bench_{os.getpid()}")


def pg_available() -> bool:
    try:
        import psycopg
    except ImportError:
        return False
    try:
        with psycopg.connect(f"{PG_BASE}/postgres", connect_timeout=3):
            return True
    except psycopg.Error:
        return False


def _pg(statements: list[str]) -> None:
    import psycopg

    with psycopg.connect(f"{PG_BASE}/postgres", autocommit=True) as conn:
        for statement in statements:
            conn.execute(statement)


def run_fresh(script: str, args: list[str], database: str) -> dict[str, Any]:
    """``python script --measure *args`` on ``database`` ("sqlite" or "postgresql")."""
    with tempfile.TemporaryDirectory(prefix="sf-bench-") as data_dir:
        env = dict(os.environ)
        env.update(
            {
                "DJANGO_SETTINGS_MODULE": "servicefit.settings",
                "SERVICEFIT_DATA_DIR": data_dir,
                "SERVICEFIT_SECRET_KEY": "bench-only-secret-key",
                "SERVICEFIT_TASK_BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
                "SERVICEFIT_LOG_LEVEL": "WARNING",
                "SERVICEFIT_ALLOWED_HOSTS": "testserver",
                "SERVICEFIT_STATIC_ROOT": data_dir,
                "OMP_NUM_THREADS": "1",
                "OPENBLAS_NUM_THREADS": "1",
            }
        )
        if database == "postgresql":
            _pg([f"DROP DATABASE IF EXISTS {PG_NAME} WITH (FORCE)", f"CREATE DATABASE {PG_NAME}"])
            env["DATABASE_URL"] = f"{PG_BASE}/{PG_NAME}"
        else:
            env["DATABASE_URL"] = f"sqlite:///{data_dir}/bench.sqlite3"
        try:
            out = subprocess.run(  # noqa: S603  (the calling script, with our own arguments)
                [sys.executable, script, "--measure", *args],
                env=env,
                check=True,
                capture_output=True,
                text=True,
            )
        except subprocess.CalledProcessError as exc:
            sys.stderr.write(exc.stderr[-4000:])
            raise
        finally:
            if database == "postgresql":
                _pg([f"DROP DATABASE IF EXISTS {PG_NAME} WITH (FORCE)"])
    data: dict[str, Any] = json.loads(out.stdout.strip().splitlines()[-1])
    data["database"] = database
    return data
