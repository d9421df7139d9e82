"""Traffic: hourly rates from profiles, weekday factors, promo days, open hours; Poisson arrivals."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import taobao_scenario

from model.rng import streams
from model.schema import PROFILES
from model.traffic import arrivals, generate, hourly_rates, open_mask


@pytest.mark.parametrize("profile", list(PROFILES))
def test_a_normal_day_brings_per_day_chats_whatever_the_profile(profile):
    s = taobao_scenario(**{"meta.days": 3, "traffic.open_hours": [0, 24]})
    r = hourly_rates(s, 1000.0, profile)
    assert r.shape == (72,)
    np.testing.assert_allclose(r.reshape(3, 24).sum(axis=1), 1000.0)
    w = np.asarray(PROFILES[profile])
    np.testing.assert_allclose(r[:24], 1000.0 * w / w.sum())


def test_open_hours_close_the_shop_and_keep_the_daily_volume():
    s = taobao_scenario(**{"meta.days": 1, "traffic.open_hours": [8.5, 20], "traffic.intraday_profile": "flat"})
    r = hourly_rates(s, 1150.0, "flat")
    assert (r[:8] == 0).all() and (r[20:] == 0).all()
    assert r[8] == pytest.approx(0.5 * r[9])  # half an hour open
    assert r.sum() == pytest.approx(1150.0)
    np.testing.assert_allclose(open_mask((8.5, 20)), [0] * 8 + [0.5] + [1] * 11 + [0] * 4)


def test_weekday_factors_and_promo_days():
    s = taobao_scenario(**{"meta.days": 8, "meta.start_weekday": 5,
                           "traffic.weekday_factors": [1, 1, 1, 1, 1, 0.5, 2.0],
                           "traffic.promo_days": [{"day": 3, "multiplier": 5.0, "intraday_profile": "double11"}]})
    daily = hourly_rates(s, 100.0, "ecommerce").reshape(8, 24).sum(axis=1)
    # day 0 = Saturday (0.5), day 1 = Sunday (2.0), day 3 = Tuesday x5 promo, day 7 = Saturday again
    np.testing.assert_allclose(daily, [50, 200, 100, 500, 100, 100, 100, 50])
    promo = hourly_rates(s, 100.0, "ecommerce")[3 * 24:4 * 24]
    mask = open_mask(tuple(s.traffic.open_hours))
    w = np.asarray(PROFILES["double11"]) * mask
    np.testing.assert_allclose(promo, 500 * w / w.sum())


def test_arrivals_are_sorted_inside_open_hours_and_poisson_in_number():
    rng = np.random.default_rng(3)
    rates = np.tile(open_mask((8.5, 20)) * 10.0, 200)
    t = arrivals(rng, rates, (8.5, 20))
    assert (np.diff(t) >= 0).all()
    h = (t % 86_400) / 3600
    assert ((h >= 8.5) & (h < 20)).all()
    expected = rates.sum()  # 200 days x 115
    assert abs(len(t) - expected) < 4 * np.sqrt(expected)
    # within the open half-hour (8:30-9:00) the density equals the full hours' density
    per_hour = np.bincount(h.astype(int), minlength=24)
    assert abs(per_hour[8] - per_hour[9] / 2) < 4 * np.sqrt(per_hour[8])


def test_generate_merges_presale_and_aftersale_streams():
    s = taobao_scenario(**{"meta.days": 20, "traffic.inquiries_per_day": 300, "traffic.aftersale_per_day": 100})
    t, after = generate(s, streams(1, 0))
    assert (np.diff(t) >= 0).all()
    n_pre, n_after = (~after).sum(), after.sum()
    assert abs(n_pre - 6000) < 4 * np.sqrt(6000) and abs(n_after - 2000) < 4 * np.sqrt(2000)
    # the intraday shape follows the ecommerce profile within open hours 8-24
    h = ((t % 86_400) // 3600).astype(int)
    assert (h >= 8).all()
    counts = np.bincount(h, minlength=24)[8:]
    w = np.asarray(PROFILES["ecommerce"])[8:]
    exp = 8000 * w / w.sum()
    chi2 = float(((counts - exp) ** 2 / exp).sum())
    assert chi2 < 45  # 15 degrees of freedom: p < 1e-4 beyond this


def test_same_seed_same_arrivals_different_seed_different():
    s = taobao_scenario(**{"meta.days": 2})
    a1, _ = generate(s, streams(5, 0))
    a2, _ = generate(s, streams(5, 0))
    b, _ = generate(s, streams(6, 0))
    np.testing.assert_array_equal(a1, a2)
    assert len(a1) != len(b) or not np.array_equal(a1, b)
