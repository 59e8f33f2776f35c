"""Target.attainment over HTTP, on the seed data and on the hand-built city (conftest.py)."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from tests.conftest import GraphQLClient
from tests.resolvers.indicator.conftest import City

ATTAINMENT = """
query ($id: ID!, $asOf: Date) {
  node(id: $id) { ... on Target {
    attainment(asOf: $asOf) { asOf status basis actual target monthsMeasured gap }
  } }
}
"""


async def attainment(
    client: GraphQLClient, target: str, as_of: str | None = None
) -> dict[str, Any]:
    data = await client.query(ATTAINMENT, {"id": target, "asOf": as_of})
    result: dict[str, Any] = data["node"]["attainment"]
    return result


class TestAttainmentOnSeedData:
    async def test_chengqu_2023_monthly_pm25_targets_have_no_data(
        self, client: GraphQLClient
    ) -> None:
        data = await client.query(
            """{ targets(filter: {indicator: "PM25", year: 2023, kind: [PRE_CONTROL]}, first: 50) {
                  edges { node { month value orgUnit { name }
                    attainment(asOf: "2024-01-10") { status basis actual target gap } } } } }"""
        )
        nodes = [edge["node"] for edge in data["targets"]["edges"]]
        monthly = [node for node in nodes if node["month"] is not None]
        assert [node["month"] for node in monthly] == list(range(1, 13))
        for node in nodes:
            assert node["orgUnit"]["name"] == "城区"
            assert node["attainment"] == {
                "status": "NO_DATA",
                "basis": "NONE",
                "actual": None,
                "target": node["value"],
                "gap": None,
            }

    async def test_worded_section_target_has_no_data(self, client: GraphQLClient) -> None:
        data = await client.query(
            """{ targets(filter: {indicator: "WATER_QUALITY_CLASS", year: 2023}) {
                  edges { node { value valueText section { name }
                    attainment(asOf: "2024-01-10") { status target } } } } }"""
        )
        by_section = {e["node"]["section"]["name"]: e["node"] for e in data["targets"]["edges"]}
        assert by_section["白水河"]["value"] is None
        assert by_section["白水河"]["attainment"] == {"status": "NO_DATA", "target": None}


class TestAnnualTarget:
    async def test_on_track_mid_year_counts_only_ended_months(
        self, city_client: GraphQLClient, city: City
    ) -> None:
        # The annual value (37) is not used before the year has ended; June has not ended.
        assert await attainment(city_client, city.targets["东区"], "2023-06-15") == {
            "asOf": "2023-06-15",
            "status": "MET",
            "basis": "YEAR_TO_DATE_MEAN",
            "actual": 38,
            "target": 40,
            "monthsMeasured": 5,
            "gap": -2,
        }

    async def test_latest_recorded_value_of_a_month_counts(
        self, city_client: GraphQLClient, city: City
    ) -> None:
        # June was recorded as 60, then corrected to 38: one month, the corrected value.
        result = await attainment(city_client, city.targets["东区"], "2023-06-30")
        assert (result["actual"], result["monthsMeasured"]) == (38, 6)

    async def test_annual_value_after_year_end(
        self, city_client: GraphQLClient, city: City
    ) -> None:
        assert await attainment(city_client, city.targets["东区"], "2024-01-10") == {
            "asOf": "2024-01-10",
            "status": "MET",
            "basis": "ANNUAL_VALUE",
            "actual": 37,
            "target": 40,
            "monthsMeasured": 12,
            "gap": -3,
        }

    async def test_worse_year_to_date_is_at_risk_before_year_end(
        self, city_client: GraphQLClient, city: City
    ) -> None:
        result = await attainment(city_client, city.targets["西区"], "2023-06-15")
        assert result == {
            "asOf": "2023-06-15",
            "status": "AT_RISK",
            "basis": "YEAR_TO_DATE_MEAN",
            "actual": 45,
            "target": 40,
            "monthsMeasured": 5,
            "gap": 5,
        }

    async def test_worse_year_to_date_is_missed_after_year_end(
        self, city_client: GraphQLClient, city: City
    ) -> None:
        result = await attainment(city_client, city.targets["西区"], "2024-01-10")
        assert (result["status"], result["basis"]) == ("MISSED", "YEAR_TO_DATE_MEAN")
        assert (result["actual"], result["monthsMeasured"], result["gap"]) == (44.5, 6, 4.5)

    async def test_unmeasured_unit_has_no_data(
        self, city_client: GraphQLClient, city: City
    ) -> None:
        for as_of in ("2023-06-15", "2024-01-10"):
            result = await attainment(city_client, city.targets["南区"], as_of)
            assert result == {
                "asOf": as_of,
                "status": "NO_DATA",
                "basis": "NONE",
                "actual": None,
                "target": 40,
                "monthsMeasured": 0,
                "gap": None,
            }

    async def test_before_the_year_starts_there_is_no_data(
        self, city_client: GraphQLClient, city: City
    ) -> None:
        result = await attainment(city_client, city.targets["西区"], "2022-12-31")
        assert (result["status"], result["monthsMeasured"]) == ("NO_DATA", 0)

    async def test_default_as_of_is_today_in_shanghai(
        self, city_client: GraphQLClient, city: City
    ) -> None:
        today = datetime.now(ZoneInfo("Asia/Shanghai")).date().isoformat()
        result = await attainment(city_client, city.targets["东区"])
        assert result["asOf"] == today
        assert (result["status"], result["basis"]) == ("MET", "ANNUAL_VALUE")


class TestMonthlyTarget:
    @pytest.mark.parametrize(
        ("as_of", "status", "basis", "actual"),
        [
            ("2023-05-30", "NO_DATA", "NONE", None),
            ("2023-05-31", "MISSED", "MONTHLY_VALUE", 45),
            ("2024-01-10", "MISSED", "MONTHLY_VALUE", 45),
        ],
    )
    async def test_month_counts_from_its_last_day(
        self,
        city_client: GraphQLClient,
        city: City,
        as_of: str,
        status: str,
        basis: str,
        actual: float | None,
    ) -> None:
        result = await attainment(city_client, city.targets["西区/5"], as_of)
        assert (result["status"], result["basis"], result["actual"]) == (status, basis, actual)
        assert result["monthsMeasured"] == (0 if actual is None else 1)


class TestSectionTarget:
    async def test_water_class_mean_rounds_up_and_ignores_the_units_own_value(
        self, city_client: GraphQLClient, city: City
    ) -> None:
        # Classes III, III, IV at the section: mean 3.33, i.e. class IV against a III target.
        mid_year = await attainment(city_client, city.targets["东河断面"], "2023-04-15")
        assert (mid_year["status"], mid_year["monthsMeasured"]) == ("AT_RISK", 3)
        assert mid_year["actual"] == pytest.approx(10 / 3)
        after = await attainment(city_client, city.targets["东河断面"], "2024-01-10")
        assert after["status"] == "MISSED"


class TestBatching:
    async def test_one_statement_per_date_for_a_page_of_targets(
        self, city_client: GraphQLClient, city: City
    ) -> None:
        plain = await city_client.execute("{ targets(first: 50) { edges { node { id } } } }")
        body = await city_client.execute(
            """{ targets(first: 50) { edges { node {
                  mid: attainment(asOf: "2023-06-15") { status }
                  end: attainment(asOf: "2024-01-10") { status } } } } }"""
        )
        assert "errors" not in body, body
        assert len(body["data"]["targets"]["edges"]) == 6
        statements = body["extensions"]["sql"]["statements"]
        if body["extensions"]["sql"].get("compiled"):  # PostgreSQL: the page and both dates
            assert statements == 1
        else:  # the resolvers: the page, then one attainment batch per date
            assert statements == plain["extensions"]["sql"]["statements"] + 2

    async def test_statement_count_does_not_grow_with_the_page(self, client: GraphQLClient) -> None:
        counts = []
        for size in (5, 50):
            body = await client.execute(
                """query ($n: Int) {
                  targets(first: $n) { edges { node { attainment { status } } } } }""",
                {"n": size},
            )
            assert "errors" not in body, body
            assert len(body["data"]["targets"]["edges"]) == size
            counts.append(body["extensions"]["sql"]["statements"])
        assert counts[0] == counts[1]
