"""Settings come from the environment, with secrets also readable from files."""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured

from servicefit.settings import env, env_bool, env_list, env_outbound_allow


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


def test_the_outbound_allow_list_takes_addresses_networks_and_names(monkeypatch):
    monkeypatch.setenv("SERVICEFIT_OUTBOUND_ALLOW", "10.0.5.0/24, 127.0.0.1,[::1],hooks.internal")
    assert env_outbound_allow("SERVICEFIT_OUTBOUND_ALLOW") == [
        "10.0.5.0/24",
        "127.0.0.1",
        "[::1]",
        "hooks.internal",
    ]


@pytest.mark.parametrize("value", ["10.0.0.0/33", "hooks internal", "http://hooks.internal/"])
def test_a_mistyped_outbound_allow_entry_stops_the_start(monkeypatch, value):
    monkeypatch.setenv("SERVICEFIT_OUTBOUND_ALLOW", value)
    with pytest.raises(ImproperlyConfigured, match="SERVICEFIT_OUTBOUND_ALLOW"):
        env_outbound_allow("SERVICEFIT_OUTBOUND_ALLOW")
