"""Clear one-line errors instead of tracebacks (QA cli #6, #7, #8, #9, #10)."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from servicefit.cli import main

RUN = "import sys; from servicefit.cli import main; sys.exit(main())"


def servicefit(tmp_path, *args, env=None, stdin=""):
    """``servicefit ARGS`` in a process of its own, with the production settings module."""
    environ = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("SERVICEFIT_", "DATABASE_URL", "DJANGO_"))
    }
    environ.update(
        DJANGO_SETTINGS_MODULE="servicefit.settings",
        SERVICEFIT_DATA_DIR=str(tmp_path / "data"),
        **(env or {}),
    )
    return subprocess.run(
        [sys.executable, "-c", RUN, *args],
        env=environ,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({"SERVICEFIT_SECRET_KEY_FILE": "/nonexistent/key"}, "SERVICEFIT_SECRET_KEY_FILE="),
        ({"SERVICEFIT_EMAIL_PORT": "abc"}, "SERVICEFIT_EMAIL_PORT='abc' is not a whole number"),
        ({"SERVICEFIT_HSTS_SECONDS": "abc"}, "SERVICEFIT_HSTS_SECONDS='abc'"),
        ({"SERVICEFIT_TIME_ZONE": "Mars/Olympus"}, "'Mars/Olympus' is not a time zone"),
        ({"DATABASE_URL": "garbage"}, "DATABASE_URL is not a database URL"),
        ({"SERVICEFIT_DEBUG": "maybe"}, "SERVICEFIT_DEBUG='maybe' is not one of 1/0"),
        ({"SERVICEFIT_ENGLISH_FORMATS": "en-XX"}, "'en-XX' is not en-GB or en-US"),
        ({"SERVICEFIT_SECRET_KEY_FILE": ""}, "SERVICEFIT_SECRET_KEY_FILE is set but empty"),
        ({"SERVICEFIT_REPLY_MODEL": "bert"}, "SERVICEFIT_REPLY_MODEL='bert' is not lemma or e5"),
    ],
)
def test_a_bad_setting_is_one_line_naming_the_variable(tmp_path, env, expected):
    done = servicefit(tmp_path, "manage", "check", env=env)
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr
    assert expected in done.stderr
    assert done.stderr.startswith("servicefit: error: bad setting: ")


@pytest.mark.slow
def test_database_commands_before_migrate_say_to_migrate(tmp_path):
    for args in (["invite", "--job", "1", "--email", "kim@example.com"], ["api-token", "list"]):
        done = servicefit(tmp_path, *args)
        assert done.returncode == 2, done.stderr
        assert "Traceback" not in done.stderr
        assert "run 'servicefit manage migrate' first" in done.stderr


def test_output_to_a_closed_pipe_ends_quietly(tmp_path):
    environ = dict(os.environ)
    process = subprocess.Popen(
        [sys.executable, "-c", RUN, "reply", "analyze", "-", "--language", "en"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=environ,
    )
    assert process.stdout is not None
    process.stdout.close()  # the reader (`head`) is gone before anything is written
    _, err = process.communicate(b"Sorry for the wait, I have fixed it now.", timeout=120)
    assert process.returncode == 141
    assert b"Traceback" not in err and b"BrokenPipeError" not in err


def test_score_out_to_a_missing_folder(tmp_path, capsys):
    data = tmp_path / "items.csv"
    data.write_text("A1,A2\n1,2\n3,4\n")
    scales = tmp_path / "scales.yaml"
    scales.write_text("scales:\n  s: {items: [A1, A2]}\n")
    out = tmp_path / "nonexistent" / "x.csv"
    assert main(["score", str(data), "--scales", str(scales), "--out", str(out)]) == 2
    assert f"{out}: cannot write (no such directory)" in capsys.readouterr().err


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("option", "expected"),
    [
        (["--rate", "-5"], "--rate must be from 1 to 1000000"),
        (["--rate", "0"], "--rate must be from 1 to 1000000"),
        (["--days", "999999999"], "--days must be from 0 (never expires) to 3650"),
        (["--days", "-1"], "--days must be from 0 (never expires) to 3650"),
    ],
)
def test_api_token_numbers_out_of_range(recruiter, capsys, option, expected):
    from servicefit.api.models import ApiToken

    args = ["api-token", "create", "--user", recruiter.username, "--scope", "jobs:read"]
    assert main([*args, *option]) == 2
    assert expected in capsys.readouterr().err
    assert not ApiToken.objects.exists()


@pytest.mark.parametrize(
    "env",
    [
        {},  # the secret key is generated into the new data folder
        # The production way: the key from the environment, so nothing else makes the folder.
        {"SERVICEFIT_SECRET_KEY": "k" * 20 + "-operator-key-from-the-environment-0123456789"},
    ],
)
def test_a_new_sqlite_database_and_data_folder_are_private(tmp_path, env):
    done = servicefit(tmp_path, "manage", "migrate", "--no-input", "-v", "0", env=env)
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "data").stat().st_mode & 0o777 == 0o700
    for name in ("servicefit.sqlite3", "servicefit.sqlite3-wal", "servicefit.sqlite3-shm"):
        path = tmp_path / "data" / name
        if path.exists():
            assert path.stat().st_mode & 0o777 == 0o600, name
    assert (tmp_path / "data" / "servicefit.sqlite3").stat().st_size > 0


def test_score_help_describes_the_scales_file(capsys):
    with pytest.raises(SystemExit):
        main(["score", "--help"])
    out = capsys.readouterr().out
    assert "scales:" in out and "items: [P1, P2, P3, P4]" in out and "reverse:" in out


def test_manage_help_says_how_to_list_the_commands(capsys):
    with pytest.raises(SystemExit):
        main(["manage", "--help"])
    assert "'servicefit manage help' lists the commands" in capsys.readouterr().out


def test_stats_messages_say_what_is_wrong(tmp_path, capsys):
    assert main(["stats", "alpha", str(tmp_path), "--items", "A1,A2"]) == 2
    assert f"{tmp_path}: is a directory, not a file" in capsys.readouterr().err
    for threshold in ("2", "0", "-0.5"):
        args = ["stats", "adverse-impact", "--group", "a=1/10", "b=2/10"]
        assert main([*args, "--threshold", threshold]) == 2
        assert "--threshold must be above 0 and at most 1" in capsys.readouterr().err


def test_score_json_without_out_is_refused(tmp_path, capsys):
    data = tmp_path / "items.csv"
    data.write_text("A1,A2\n1,2\n")
    scales = tmp_path / "scales.yaml"
    scales.write_text("scales:\n  s: {items: [A1, A2]}\n")
    assert main(["score", str(data), "--scales", str(scales), "--json"]) == 2
    assert "--json gives the summary of --out FILE" in capsys.readouterr().err


def test_an_unknown_option_is_reported_with_the_subcommands_usage(capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["stats", "alpha", "x.csv", "--items", "A1,A2", "--bogus"])
    assert exit_.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith("usage: servicefit stats alpha")
    assert "servicefit stats alpha: error: unrecognized arguments: --bogus" in err


def test_serve_says_why_it_cannot_start(tmp_path):
    """A failed system check or an unreachable database was reported as "the database is not
    up to date: run 'servicefit manage migrate'", which sent the operator the wrong way."""
    done = servicefit(tmp_path, "serve", "--bind", "127.0.0.1:8397")
    assert done.returncode != 0 and "the database is not up to date" in done.stderr
    assert servicefit(tmp_path, "manage", "migrate", "--no-input", "-v", "0").returncode == 0
    failed_check = {"SERVICEFIT_DECISION_LOG_RETENTION_DAYS": "10"}
    done = servicefit(tmp_path, "serve", "--bind", "127.0.0.1:8397", env=failed_check)
    assert done.returncode != 0 and "servicefit.E010" in done.stderr
    assert "ServiceFit cannot start: fix the error above" in done.stderr
    assert "not up to date" not in done.stderr
    no_database = {"DATABASE_URL": "postgresql://nobody@127.0.0.1:8398/none"}
    done = servicefit(tmp_path, "serve", "--bind", "127.0.0.1:8397", env=no_database)
    assert done.returncode != 0 and "cannot use the database" in done.stderr
    assert "not up to date" not in done.stderr


def test_serve_on_a_taken_port_says_so_at_once(tmp_path):
    import socket

    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        port = holder.getsockname()[1]
        done = servicefit(tmp_path, "serve", "--bind", f"127.0.0.1:{port}")
    assert done.returncode == 1
    assert (
        f"cannot listen on 127.0.0.1:{port}: another program is using that address" in done.stderr
    )
    assert "SERVICEFIT_BIND" in done.stderr
    assert "not up to date" not in done.stderr  # refused before the database was looked at


def test_a_report_on_a_latin1_terminal_prints_instead_of_failing(tmp_path):
    """The text report's typographic quotes ended in UnicodeEncodeError on a Latin-1 terminal."""
    reply = tmp_path / "reply.txt"
    reply.write_text("Hej Anna, förlåt för “strulet” med leveransen.\n", encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-c", RUN, "reply", "analyze", "--language", "sv", str(reply)],
        env={**os.environ, "PYTHONIOENCODING": "latin-1"},
        capture_output=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr.decode("latin-1")
    report = result.stdout.decode("latin-1")
    assert "Language: sv" in report
    assert "?Hej?" in report  # the report's typographic quotes are replaced, not fatal
    assert b"Traceback" not in result.stderr
