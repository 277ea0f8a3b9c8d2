"""Settings come from the environment, with secrets also readable from files."""

from __future__ import annotations

from servicefit.settings import env, env_bool, env_list


def test_env_reads_a_secret_from_a_file(tmp_path, monkeypatch):
    secret = tmp_path / "key"
    secret.write_text("s3cret\n")
    monkeypatch.delenv("SERVICEFIT_TEST_SECRET", raising=False)
    monkeypatch.setenv("SERVICEFIT_TEST_SECRET_FILE", str(secret))
    assert env("SERVICEFIT_TEST_SECRET") == "s3cret"


def test_env_prefers_the_variable_over_the_file(tmp_path, monkeypatch):
    secret = tmp_path / "key"
    secret.write_text("from-file")
    monkeypatch.setenv("SERVICEFIT_TEST_SECRET", "from-env")
    monkeypatch.setenv("SERVICEFIT_TEST_SECRET_FILE", str(secret))
    assert env("SERVICEFIT_TEST_SECRET") == "from-env"


def test_env_bool_and_list_parse_operator_input(monkeypatch):
    monkeypatch.setenv("SERVICEFIT_TEST_FLAG", "Yes")
    monkeypatch.setenv("SERVICEFIT_TEST_HOSTS", " a.example , b.example,, ")
    assert env_bool("SERVICEFIT_TEST_FLAG", False) is True
    assert env_bool("SERVICEFIT_TEST_UNSET", True) is True
    assert env_list("SERVICEFIT_TEST_HOSTS", "") == ["a.example", "b.example"]
