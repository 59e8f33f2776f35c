"""A small hand-built city with targets and measurements, and a GraphQL client over it.

测试市 (CITY)
├── 东区 (DISTRICT): 东一镇, 东二镇, 东三街道 (TOWN); section 东河断面
├── 西区 (DISTRICT): 西一镇, 西二乡 (TOWN)
└── 南区 (DISTRICT)

PM25 (lower is better), 2023:
- 东区: annual target 40; months 1–12 measured 38 (June first recorded as 60, then corrected
  to 38); annual value 37.
- 西区: annual target 40; months 1–5 measured 45, June 42; no annual value. Monthly target
  for May: 44.
- 南区: annual target 40; nothing measured.
- Towns, June 2023 (and June 2022): 东一镇 30 (40), 东二镇 35 (none; its June target's
  baseline is 50), 东三街道 30 (none), 西一镇 32 (32), 西二乡 40 (36).
GOOD_DAYS_RATIO (higher is better), annual 2023 (2022): 东一镇 80 (70), 东二镇 90 (100).
WATER_QUALITY_CLASS at 东河断面, 2023: annual target 3 (III类); months 1–3 classes 3, 3, 4;
东区's own (sectionless) value for January is 1 and must not count for the section.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncConnection

from api.app import create_app
from api.settings import Settings
from models.enums import OrgUnitKind
from resolvers.common import global_id
from tests.conftest import GraphQLClient, TestDatabase
from tests.factories import create_indicator, create_unit, insert, table

EARLIER = datetime(2023, 7, 1, tzinfo=UTC)
LATER = datetime(2023, 7, 5, tzinfo=UTC)


@dataclass
class City:
    """Global ids of the hand-built city's units and targets, by name."""

    units: dict[str, str] = field(default_factory=dict)
    targets: dict[str, str] = field(default_factory=dict)


async def add_target(
    conn: AsyncConnection,
    indicator: dict[str, Any],
    year: int,
    value: float | None,
    *,
    unit: dict[str, Any] | None = None,
    section: dict[str, Any] | None = None,
    month: int | None = None,
    baseline: float | None = None,
    kind: str = "BINDING",
) -> dict[str, Any]:
    """A target row."""
    now = datetime.now(UTC)
    return await insert(
        conn,
        "target",
        id=uuid.uuid4(),
        indicator_id=indicator["id"],
        org_unit_id=unit["id"] if unit else None,
        section_id=section["id"] if section else None,
        year=year,
        month=month,
        kind=kind,
        value=value,
        value_text=None,
        baseline=baseline,
        baseline_year=year - 1 if baseline is not None else None,
        created_at=now,
        updated_at=now,
        version=1,
    )


async def add_measurement(
    conn: AsyncConnection,
    indicator: dict[str, Any],
    year: int,
    month: int | None,
    value: float,
    *,
    unit: dict[str, Any] | None = None,
    section: dict[str, Any] | None = None,
    recorded_at: datetime = EARLIER,
) -> dict[str, Any]:
    """A measurement row."""
    return await insert(
        conn,
        "measurement",
        id=uuid.uuid4(),
        indicator_id=indicator["id"],
        org_unit_id=unit["id"] if unit else None,
        section_id=section["id"] if section else None,
        year=year,
        month=month,
        value=value,
        recorded_at=recorded_at,
    )


async def build_city(conn: AsyncConnection) -> City:
    """Insert the city described in the module docstring."""
    city = City()
    units: dict[str, dict[str, Any]] = {}
    units["测试市"] = await create_unit(conn, "测试市", OrgUnitKind.CITY)
    for district in ("东区", "西区", "南区"):
        units[district] = await create_unit(
            conn, district, OrgUnitKind.DISTRICT, parent=units["测试市"]
        )
    for town, district in [
        ("东一镇", "东区"),
        ("东二镇", "东区"),
        ("东三街道", "东区"),
        ("西一镇", "西区"),
        ("西二乡", "西区"),
    ]:
        units[town] = await create_unit(conn, town, OrgUnitKind.TOWN, parent=units[district])
    city.units = {name: global_id("OrgUnit", row["id"]) for name, row in units.items()}

    pm25 = await create_indicator(conn, "PM25")
    good_days = await create_indicator(
        conn, "GOOD_DAYS_RATIO", direction="HIGHER_IS_BETTER", unit="%"
    )
    water = await create_indicator(conn, "WATER_QUALITY_CLASS", kind="WATER_CLASS", unit="类")
    now = datetime.now(UTC)
    section = await insert(
        conn,
        "monitoring_section",
        id=uuid.uuid4(),
        name="东河断面",
        org_unit_id=units["东区"]["id"],
        river="东河",
        assessment_level="MUNICIPAL",
        created_at=now,
        updated_at=now,
        version=1,
    )

    targets: dict[str, dict[str, Any]] = {}
    for district in ("东区", "西区", "南区"):
        targets[district] = await add_target(conn, pm25, 2023, 40, unit=units[district])
    targets["西区/5"] = await add_target(conn, pm25, 2023, 44, unit=units["西区"], month=5)
    targets["东河断面"] = await add_target(conn, water, 2023, 3, section=section)

    east, west = units["东区"], units["西区"]
    for month in range(1, 13):
        await add_measurement(conn, pm25, 2023, month, 60 if month == 6 else 38, unit=east)
    # June is first recorded wrongly, then corrected: one row per period (migration 0008).
    measurement = table("measurement")
    await conn.execute(
        measurement.update()
        .where(
            measurement.c.org_unit_id == east["id"],
            measurement.c.indicator_id == pm25["id"],
            measurement.c.month == 6,
        )
        .values(value=38, recorded_at=LATER)
    )
    await add_measurement(conn, pm25, 2023, None, 37, unit=east)
    for month in range(1, 6):
        await add_measurement(conn, pm25, 2023, month, 45, unit=west)
    await add_measurement(conn, pm25, 2023, 6, 42, unit=west)

    for town, value, previous in [
        ("东一镇", 30, 40),
        ("东二镇", 35, None),
        ("东三街道", 30, None),
        ("西一镇", 32, 32),
        ("西二乡", 40, 36),
    ]:
        await add_measurement(conn, pm25, 2023, 6, value, unit=units[town])
        if previous is not None:
            await add_measurement(conn, pm25, 2022, 6, previous, unit=units[town])
    await add_target(conn, pm25, 2023, 34, unit=units["东二镇"], month=6, baseline=50)

    for town, value, previous in [("东一镇", 80, 70), ("东二镇", 90, 100)]:
        await add_measurement(conn, good_days, 2023, None, value, unit=units[town])
        await add_measurement(conn, good_days, 2022, None, previous, unit=units[town])

    for month, water_class in [(1, 3), (2, 3), (3, 4)]:
        await add_measurement(conn, water, 2023, month, water_class, section=section)
    await add_measurement(conn, water, 2023, 1, 1, unit=east)

    city.targets = {name: global_id("Target", row["id"]) for name, row in targets.items()}
    return city


@pytest.fixture
async def city(empty_db: TestDatabase) -> City:
    """The hand-built city, committed to a private empty database."""
    async with empty_db.engine.begin() as conn:
        return await build_city(conn)


@pytest.fixture
async def city_client(empty_db: TestDatabase, city: City) -> AsyncIterator[GraphQLClient]:
    """A GraphQL client over the hand-built city (debug on), as the `client` fixture builds it."""
    app = create_app(
        Settings(database_url=empty_db.url, debug=True, anonymous=True), engine=empty_db.engine
    )
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
        yield GraphQLClient(http)
