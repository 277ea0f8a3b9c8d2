"""``manage calibrate``: versioned parameter sets from the system's own complete answers."""

from __future__ import annotations

import numpy as np
import pytest
from django.core.management import CommandError, call_command

from servicefit.measurement.calibration import NotEnoughData, calibrate
from servicefit.measurement.models import ParameterSet
from servicefit.psychometrics import GrmParameters

from .conftest import known_parameters

pytestmark = [pytest.mark.django_db, pytest.mark.slow]


def test_it_refuses_to_calibrate_below_the_minimum_per_language(simulated):
    simulated({"da": 40, "sv": 30})
    with pytest.raises(NotEnoughData, match=r"at least 300 .*da: 40, sv: 30"):
        calibrate()
    assert not ParameterSet.objects.exists()
    with pytest.raises(CommandError, match="at least 50"):
        call_command("calibrate", "--min-per-group", "50")


def test_it_recovers_the_simulating_parameters_and_stores_a_new_version_each_time(simulated):
    simulated({"da": 700, "pl": 40})
    first = calibrate(min_per_group=300)
    assert first.version == 1
    assert first.groups == {"da": 700}  # pl has too few complete assessments and is left out
    assert len(first.scales) == 16
    truth = known_parameters(4)
    for scale in first.scales.values():
        params = GrmParameters.from_dict(scale["parameters"])
        assert scale["n"] == 700 and scale["converged"]
        assert (params.a > 0).all()  # keyed as scored: reverse-keyed items turned round
        assert np.abs(params.a - truth.a).mean() < 0.3
        assert np.abs(params.b - truth.b).mean() < 0.2  # n = 700: sampling error only
    sim = first.simulation
    assert sim["full_items"] == pytest.approx(64)
    assert 32 <= sim["mean_items"] < 64  # at least two items per competency
    assert sim["r_with_full"] > 0.9
    second = calibrate(min_per_group=300)
    assert second.version == 2
    assert ParameterSet.objects.get(version=1).scales == first.scales  # never rewritten


def test_the_command_prints_the_version_and_the_simulation(simulated, capsys):
    simulated({"da": 320})
    call_command("calibrate", "--min-per-group", "300")
    out = capsys.readouterr().out
    assert "Stored item parameters v1 (16 scales; da: 320)" in out
    assert "% saved" in out
