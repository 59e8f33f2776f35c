"""The attainment classification (resolvers/rollups/attainment.py), branch by branch."""

from __future__ import annotations

import math
from datetime import date

import pytest

from models.enums import IndicatorDirection, IndicatorKind
from resolvers.rollups.attainment import (
    AttainmentBasis,
    AttainmentStatus,
    Observed,
    TargetTerms,
    classify,
    first_open_month,
    period_ended,
)

LOWER = IndicatorDirection.LOWER_IS_BETTER
HIGHER = IndicatorDirection.HIGHER_IS_BETTER
MID_YEAR = date(2023, 6, 15)
NEXT_YEAR = date(2024, 1, 10)


def pm25(value: float | None = 36, month: int | None = None) -> TargetTerms:
    return TargetTerms(year=2023, month=month, value=value, direction=LOWER)


def water(value: float | None = 3, direction: IndicatorDirection = LOWER) -> TargetTerms:
    return TargetTerms(
        year=2023, month=None, value=value, direction=direction, kind=IndicatorKind.WATER_CLASS
    )


class TestPeriodEnded:
    def test_month_ends_on_its_last_day(self) -> None:
        assert not period_ended(2023, 6, date(2023, 6, 29))
        assert period_ended(2023, 6, date(2023, 6, 30))
        assert period_ended(2023, 2, date(2023, 2, 28))
        assert not period_ended(2024, 2, date(2024, 2, 28))  # leap year

    def test_year_ends_on_31_december(self) -> None:
        assert not period_ended(2023, None, date(2023, 12, 30))
        assert period_ended(2023, None, date(2023, 12, 31))
        assert period_ended(2023, 12, date(2023, 12, 31))

    def test_first_open_month_rolls_over_the_year(self) -> None:
        assert first_open_month(date(2023, 12, 31)) == 2024 * 12
        assert first_open_month(date(2023, 12, 30)) == 2023 * 12 + 11


class TestMonthlyTarget:
    def test_met_when_at_or_below_target(self) -> None:
        result = classify(pm25(40, month=5), Observed(month_value=40), MID_YEAR)
        assert result.status is AttainmentStatus.MET
        assert result.basis is AttainmentBasis.MONTHLY_VALUE
        assert (result.actual, result.target, result.gap) == (40, 40, 0)
        assert result.months_measured == 1

    def test_missed_when_above_target(self) -> None:
        result = classify(pm25(40, month=5), Observed(month_value=45), MID_YEAR)
        assert result.status is AttainmentStatus.MISSED
        assert result.gap == 5

    def test_no_measurement_is_no_data(self) -> None:
        result = classify(pm25(40, month=5), Observed(), MID_YEAR)
        assert result.status is AttainmentStatus.NO_DATA
        assert result.basis is AttainmentBasis.NONE
        assert (result.actual, result.gap, result.months_measured) == (None, None, 0)

    def test_month_not_ended_is_no_data(self) -> None:
        result = classify(pm25(40, month=6), Observed(month_value=30), MID_YEAR)
        assert result.status is AttainmentStatus.NO_DATA
        assert result.months_measured == 0

    def test_never_at_risk(self) -> None:
        # A month is measured once: there is no "year to date" to be at risk on.
        result = classify(pm25(40, month=1), Observed(month_value=41), date(2023, 2, 1))
        assert result.status is AttainmentStatus.MISSED

    def test_higher_is_better(self) -> None:
        terms = TargetTerms(year=2023, month=3, value=80, direction=HIGHER)
        assert classify(terms, Observed(month_value=80), MID_YEAR).status is AttainmentStatus.MET
        missed = classify(terms, Observed(month_value=79.5), MID_YEAR)
        assert missed.status is AttainmentStatus.MISSED
        assert missed.gap == -0.5


class TestAnnualTarget:
    def test_annual_value_after_year_end(self) -> None:
        observed = Observed(annual_value=35, year_to_date_mean=40, months_measured=12)
        result = classify(pm25(36), observed, NEXT_YEAR)
        assert result.status is AttainmentStatus.MET
        assert result.basis is AttainmentBasis.ANNUAL_VALUE
        assert result.actual == 35
        assert result.months_measured == 12

    def test_annual_value_missed(self) -> None:
        result = classify(pm25(36), Observed(annual_value=38), NEXT_YEAR)
        assert result.status is AttainmentStatus.MISSED
        assert result.gap == 2

    def test_annual_value_ignored_before_year_end(self) -> None:
        observed = Observed(annual_value=30, year_to_date_mean=40, months_measured=5)
        result = classify(pm25(36), observed, MID_YEAR)
        assert result.basis is AttainmentBasis.YEAR_TO_DATE_MEAN
        assert result.status is AttainmentStatus.AT_RISK
        assert result.actual == 40

    def test_year_to_date_worse_before_year_end_is_at_risk(self) -> None:
        result = classify(pm25(36), Observed(year_to_date_mean=36.5, months_measured=3), MID_YEAR)
        assert result.status is AttainmentStatus.AT_RISK
        assert result.basis is AttainmentBasis.YEAR_TO_DATE_MEAN
        assert result.months_measured == 3

    def test_year_to_date_worse_after_year_end_is_missed(self) -> None:
        observed = Observed(year_to_date_mean=36.5, months_measured=12)
        result = classify(pm25(36), observed, NEXT_YEAR)
        assert result.status is AttainmentStatus.MISSED
        assert result.basis is AttainmentBasis.YEAR_TO_DATE_MEAN

    def test_on_track_before_year_end_is_met(self) -> None:
        result = classify(pm25(36), Observed(year_to_date_mean=36, months_measured=5), MID_YEAR)
        assert result.status is AttainmentStatus.MET

    def test_met_year_to_date_after_year_end(self) -> None:
        observed = Observed(year_to_date_mean=30, months_measured=11)
        assert classify(pm25(36), observed, NEXT_YEAR).status is AttainmentStatus.MET

    def test_on_31_december_the_year_has_ended(self) -> None:
        observed = Observed(annual_value=40, year_to_date_mean=30, months_measured=12)
        result = classify(pm25(36), observed, date(2023, 12, 31))
        assert (result.status, result.basis) == (
            AttainmentStatus.MISSED,
            AttainmentBasis.ANNUAL_VALUE,
        )

    def test_no_measurements_is_no_data(self) -> None:
        for as_of in (MID_YEAR, NEXT_YEAR):
            result = classify(pm25(36), Observed(), as_of)
            assert result.status is AttainmentStatus.NO_DATA
            assert result.basis is AttainmentBasis.NONE
            assert result.target == 36
            assert result.gap is None

    def test_higher_is_better_at_risk(self) -> None:
        terms = TargetTerms(year=2023, month=None, value=90, direction=HIGHER)
        at_risk = classify(terms, Observed(year_to_date_mean=85, months_measured=4), MID_YEAR)
        assert at_risk.status is AttainmentStatus.AT_RISK
        assert at_risk.gap == -5
        met = classify(terms, Observed(annual_value=92), NEXT_YEAR)
        assert met.status is AttainmentStatus.MET


class TestNullTargetValue:
    @pytest.mark.parametrize(
        ("month", "observed"),
        [
            (None, Observed(annual_value=3, year_to_date_mean=3, months_measured=12)),
            (5, Observed(month_value=3)),
        ],
    )
    def test_worded_target_is_no_data(self, month: int | None, observed: Observed) -> None:
        terms = TargetTerms(
            year=2023,
            month=month,
            value=None,
            direction=LOWER,
            kind=IndicatorKind.WATER_CLASS,
        )
        result = classify(terms, observed, NEXT_YEAR)
        assert result.status is AttainmentStatus.NO_DATA
        assert result.basis is AttainmentBasis.NONE
        assert (result.actual, result.target, result.gap) == (None, None, None)


class TestWaterClass:
    def test_same_class_is_met(self) -> None:
        assert classify(water(3), Observed(annual_value=3), NEXT_YEAR).status is (
            AttainmentStatus.MET
        )

    def test_worse_class_is_missed(self) -> None:
        result = classify(water(5), Observed(annual_value=6), NEXT_YEAR)  # 劣V against V
        assert result.status is AttainmentStatus.MISSED
        assert result.gap == 1

    def test_worse_than_v_target_met_by_class_v(self) -> None:
        assert classify(water(6), Observed(annual_value=5), NEXT_YEAR).status is (
            AttainmentStatus.MET
        )

    def test_mean_rounds_up_to_the_worse_class(self) -> None:
        # Classes III, III, IV: mean 3.33 is class IV, not class III; the target is III.
        observed = Observed(year_to_date_mean=10 / 3, months_measured=3)
        assert classify(water(3), observed, MID_YEAR).status is AttainmentStatus.AT_RISK
        assert classify(water(3), observed, NEXT_YEAR).status is AttainmentStatus.MISSED
        # ... and that mean meets a class IV target.
        assert classify(water(4), observed, MID_YEAR).status is AttainmentStatus.MET

    def test_float_noise_above_a_whole_class_is_not_rounded_up(self) -> None:
        observed = Observed(year_to_date_mean=math.nextafter(3.0, 4.0), months_measured=3)
        assert classify(water(3), observed, MID_YEAR).status is AttainmentStatus.MET

    def test_lower_class_is_better_whatever_direction_is_stored(self) -> None:
        terms = water(3, direction=HIGHER)
        assert classify(terms, Observed(annual_value=2), NEXT_YEAR).status is (AttainmentStatus.MET)
        assert classify(terms, Observed(annual_value=4), NEXT_YEAR).status is (
            AttainmentStatus.MISSED
        )

    def test_monthly_class(self) -> None:
        terms = TargetTerms(
            year=2023, month=4, value=5, direction=LOWER, kind=IndicatorKind.WATER_CLASS
        )
        assert classify(terms, Observed(month_value=6), MID_YEAR).status is (
            AttainmentStatus.MISSED
        )
