"""Query.rankings over HTTP, on the seed data and on the hand-built city (conftest.py)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import GraphQLClient
from tests.resolvers.indicator.conftest import City

RANKINGS = """
query ($indicator: String!, $year: Int!, $month: Int, $kind: RankingKind!, $within: ID,
       $by: RankingBasis! = VALUE, $order: RankingOrder! = BEST_FIRST, $first: Int = 20) {
  rankings(indicator: $indicator, year: $year, month: $month, kind: $kind, within: $within,
           by: $by, order: $order, first: $first) {
    rank unit { name kind } value baseline change changeRate
  }
}
"""


async def rank(client: GraphQLClient, **variables: Any) -> list[dict[str, Any]]:
    data = await client.query(RANKINGS, variables)
    entries: list[dict[str, Any]] = data["rankings"]
    return entries


def places(entries: list[dict[str, Any]]) -> list[tuple[int, str, float]]:
    return [(e["rank"], e["unit"]["name"], e["value"]) for e in entries]


JUNE_TOWNS: dict[str, Any] = {"indicator": "PM25", "year": 2023, "month": 6, "kind": "TOWN"}


class TestRankingsOnSeedData:
    async def test_pm25_2024_districts(self, client: GraphQLClient) -> None:
        entries = await rank(client, indicator="PM25", year=2024, kind="DISTRICT")
        assert entries == [
            {
                "rank": 1,
                "unit": {"name": "阳城县", "kind": "DISTRICT"},
                "value": 38,
                "baseline": None,
                "change": None,
                "changeRate": None,
            }
        ]

    async def test_without_a_baseline_there_is_no_improvement(self, client: GraphQLClient) -> None:
        entries = await rank(client, indicator="PM25", year=2024, kind="DISTRICT", by="IMPROVEMENT")
        assert entries == []

    async def test_no_towns_measured(self, client: GraphQLClient) -> None:
        assert await rank(client, indicator="PM25", year=2024, kind="TOWN") == []


class TestValueRanking:
    async def test_best_first_ties_share_a_rank_and_the_next_skips(
        self, city_client: GraphQLClient, city: City
    ) -> None:
        assert places(await rank(city_client, **JUNE_TOWNS)) == [
            (1, "东一镇", 30),
            (1, "东三街道", 30),
            (3, "西一镇", 32),
            (4, "东二镇", 35),
            (5, "西二乡", 40),
        ]

    async def test_worst_first_ranks_from_the_worst(
        self, city_client: GraphQLClient, city: City
    ) -> None:
        assert places(await rank(city_client, **JUNE_TOWNS, order="WORST_FIRST")) == [
            (1, "西二乡", 40),
            (2, "东二镇", 35),
            (3, "西一镇", 32),
            (4, "东一镇", 30),
            (4, "东三街道", 30),
        ]

    async def test_baseline_and_change_are_reported(
        self, city_client: GraphQLClient, city: City
    ) -> None:
        entries = {e["unit"]["name"]: e for e in await rank(city_client, **JUNE_TOWNS)}
        assert (entries["东一镇"]["baseline"], entries["东一镇"]["change"]) == (40, -10)
        assert entries["东一镇"]["changeRate"] == pytest.approx(-0.25)
        assert entries["东三街道"]["baseline"] is None
        assert entries["东三街道"]["changeRate"] is None

    async def test_higher_is_better_puts_the_highest_first(
        self, city_client: GraphQLClient, city: City
    ) -> None:
        entries = await rank(city_client, indicator="GOOD_DAYS_RATIO", year=2023, kind="TOWN")
        assert places(entries) == [(1, "东二镇", 90), (2, "东一镇", 80)]

    async def test_first_limits_after_ranking(self, city_client: GraphQLClient, city: City) -> None:
        entries = await rank(city_client, **JUNE_TOWNS, order="WORST_FIRST", first=2)
        assert places(entries) == [(1, "西二乡", 40), (2, "东二镇", 35)]
        assert await rank(city_client, **JUNE_TOWNS, first=0) == []


class TestImprovementRanking:
    async def test_baselines_from_last_year_or_the_target(
        self, city_client: GraphQLClient, city: City
    ) -> None:
        entries = await rank(city_client, **JUNE_TOWNS, by="IMPROVEMENT")
        # 东二镇 has no June 2022 value: its June target's baseline (50) stands in.
        # 东三街道 has neither and is left out.
        assert [
            (e["rank"], e["unit"]["name"], e["value"], e["baseline"], e["change"]) for e in entries
        ] == [
            (1, "东二镇", 35, 50, -15),
            (2, "东一镇", 30, 40, -10),
            (3, "西一镇", 32, 32, 0),
            (4, "西二乡", 40, 36, 4),
        ]
        assert [e["changeRate"] for e in entries] == pytest.approx([-0.3, -0.25, 0, 4 / 36])

    async def test_worst_first(self, city_client: GraphQLClient, city: City) -> None:
        entries = await rank(city_client, **JUNE_TOWNS, by="IMPROVEMENT", order="WORST_FIRST")
        assert [(e["rank"], e["unit"]["name"]) for e in entries] == [
            (1, "西二乡"),
            (2, "西一镇"),
            (3, "东一镇"),
            (4, "东二镇"),
        ]

    async def test_higher_is_better(self, city_client: GraphQLClient, city: City) -> None:
        entries = await rank(
            city_client, indicator="GOOD_DAYS_RATIO", year=2023, kind="TOWN", by="IMPROVEMENT"
        )
        assert [(e["rank"], e["unit"]["name"]) for e in entries] == [(1, "东一镇"), (2, "东二镇")]
        assert [e["changeRate"] for e in entries] == pytest.approx([10 / 70, -0.1])


class TestScopeAndKind:
    async def test_within_limits_to_the_subtree(
        self, city_client: GraphQLClient, city: City
    ) -> None:
        west = await rank(city_client, **JUNE_TOWNS, within=city.units["西区"])
        assert places(west) == [(1, "西一镇", 32), (2, "西二乡", 40)]
        whole_city = await rank(city_client, **JUNE_TOWNS, within=city.units["测试市"])
        assert len(whole_city) == 5
        itself = await rank(city_client, **JUNE_TOWNS, within=city.units["东二镇"])
        assert places(itself) == [(1, "东二镇", 35)]

    async def test_districts(self, city_client: GraphQLClient, city: City) -> None:
        june = await rank(city_client, indicator="PM25", year=2023, month=6, kind="DISTRICT")
        assert places(june) == [(1, "东区", 38), (2, "西区", 42)]
        assert {e["unit"]["kind"] for e in june} == {"DISTRICT"}
        annual = await rank(city_client, indicator="PM25", year=2023, kind="DISTRICT")
        assert places(annual) == [(1, "东区", 37)]

    async def test_statements_do_not_grow_with_the_entries(
        self, city_client: GraphQLClient, city: City
    ) -> None:
        counts = []
        for kind in ("TOWN", "DISTRICT"):
            body = await city_client.execute(RANKINGS, {**JUNE_TOWNS, "kind": kind})
            assert "errors" not in body, body
            counts.append(body["extensions"]["sql"]["statements"])
        assert counts[0] == counts[1]


class TestArguments:
    @pytest.mark.parametrize(
        ("variables", "message"),
        [
            ({**JUNE_TOWNS, "first": 101}, "`first` 最大为 100"),
            ({**JUNE_TOWNS, "first": -1}, "`first` 不能为负数"),
            ({**JUNE_TOWNS, "month": 13}, "`month` 须在 1 至 12 之间"),
            ({**JUNE_TOWNS, "indicator": "NOPE"}, "未知指标：NOPE"),
            ({**JUNE_TOWNS, "within": "not-an-id"}, "不是有效的 OrgUnit 编号"),
        ],
    )
    async def test_bad_arguments_are_errors(
        self, city_client: GraphQLClient, city: City, variables: dict[str, Any], message: str
    ) -> None:
        body = await city_client.execute(RANKINGS, variables)
        assert body["data"] is None
        assert [error["message"] for error in body["errors"]] == [message]
