"""考核 queries: rubrics, a unit's score with its breakdown, and rankings by score."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated

import sqlalchemy as sa
import strawberry

from models import OrgUnitClosure, enums
from models.messages import message
from resolvers.common import Connection, Info, decode_global_id, paginate
from resolvers.errors import InvalidArgument
from resolvers.indicator.rankings import RankingOrder
from resolvers.org_unit.types import OrgUnit
from resolvers.pagination import PaginationError, page_size
from resolvers.scope import in_subtree
from resolvers.score import service
from resolvers.score.types import (
    ScoreLine,
    ScoreRankingEntry,
    ScoreRubric,
    ScoreRule,
    UnitScore,
    _rules,
    unit_t,
)

closure_t: sa.Table = OrgUnitClosure.__table__  # type: ignore[attr-defined]

From = Annotated[date, strawberry.argument(name="from", description="First day of the period.")]
To = Annotated[date, strawberry.argument(name="to", description="Last day of the period.")]
AsOf = Annotated[
    date | None, strawberry.argument(description="Judged as of this day (default today).")
]
Descendants = Annotated[
    bool, strawberry.argument(description="Count the units below each unit too.")
]


async def _rubric(info: Info, rubric: strawberry.ID) -> ScoreRubric:
    row = await info.context.db.fetch_one(
        sa.select(service.rubric_t).where(
            service.rubric_t.c.id == decode_global_id(rubric, "ScoreRubric")
        )
    )
    if row is None:
        raise InvalidArgument(message("NOT_FOUND_ID", noun=message("NOUN_RUBRIC")))
    return ScoreRubric.from_row(row)


@strawberry.type
class ScoreQuery:
    @strawberry.field(description="考核 rubrics, by name.")
    async def score_rubrics(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> Connection[ScoreRubric]:
        r = service.rubric_t
        return await paginate(
            info, sa.select(r), [r.c.name, r.c.id], ScoreRubric.from_row, first=first, after=after
        )

    @strawberry.field(
        description=(
            "A unit's 考核 score under a rubric for a period, as of a date, with every line's"
            " count and points; `items` lists what scored (null: the unit is not visible)."
        )
    )
    async def unit_score(
        self,
        info: Info,
        unit: Annotated[strawberry.ID, strawberry.argument(description="The unit.")],
        rubric: Annotated[strawberry.ID, strawberry.argument(description="The rubric.")],
        start: From,
        end: To,
        as_of: AsOf = None,
        include_descendants: Descendants = False,
    ) -> UnitScore | None:
        period = service.check_period(start, end, as_of)
        the_rubric = await _rubric(info, rubric)
        unit_row = await info.context.loaders.org_unit_by_id.load(decode_global_id(unit, "OrgUnit"))
        if unit_row is None:
            return None
        db = info.context.db
        await service.prepare(await db.connection())
        items = service.items_statement(
            db.dialect, uuid.UUID(the_rubric.id), [unit_row["id"]], include_descendants, period
        )
        totals = {r["rule_id"]: r for r in await db.fetch_all(service.totals_statement(items))}
        lines = []
        for rule in await _rules(info, uuid.UUID(the_rubric.id)):
            total = totals.get(rule.row_id)
            lines.append(
                ScoreLine(
                    rule=rule,
                    count=int(total["count"]) if total else 0,
                    points=float(total["points"]) if total else 0.0,
                )
            )
        return UnitScore(
            unit=OrgUnit.from_row(unit_row),
            rubric=the_rubric,
            start=period.start,
            end=period.end,
            as_of=period.as_of,
            include_descendants=include_descendants,
            total=sum(line.points for line in lines),
            lines=lines,
        )

    @strawberry.field(
        description=(
            "Units of a kind ranked by their 考核 score (best first: highest score), within a"
            " unit's subtree; units with nothing scored rank with 0. Only visible units."
        )
    )
    async def score_ranking(
        self,
        info: Info,
        rubric: Annotated[strawberry.ID, strawberry.argument(description="The rubric.")],
        kind: Annotated[enums.OrgUnitKind, strawberry.argument(description="Which units to rank.")],
        start: From,
        end: To,
        within: Annotated[
            strawberry.ID | None, strawberry.argument(description="Only units in this subtree.")
        ] = None,
        as_of: AsOf = None,
        include_descendants: Descendants = False,
        order: Annotated[
            RankingOrder, strawberry.argument(description="Best or worst first.")
        ] = RankingOrder.BEST_FIRST,
        first: Annotated[
            int | None, strawberry.argument(description="How many entries (at most 100).")
        ] = 20,
    ) -> list[ScoreRankingEntry]:
        try:
            limit = page_size(first)
        except PaginationError as exc:
            raise InvalidArgument(exc.message) from exc
        period = service.check_period(start, end, as_of)
        the_rubric = await _rubric(info, rubric)
        if limit == 0:
            return []
        roots = sa.select(unit_t.c.id).where(
            unit_t.c.kind == kind.value, in_subtree(info.context.scope, unit_t.c.id)
        )
        if within is not None:
            roots = roots.where(
                unit_t.c.id.in_(
                    sa.select(closure_t.c.descendant_id).where(
                        closure_t.c.ancestor_id == decode_global_id(within, "OrgUnit")
                    )
                )
            )
        roots_cte = roots.cte("ranked_units")
        db = info.context.db
        await service.prepare(await db.connection())
        items = service.items_statement(
            db.dialect,
            uuid.UUID(the_rubric.id),
            sa.select(roots_cte.c.id),
            include_descendants,
            period,
        )
        ranked = service.ranking_statement(
            items, roots_cte, order is RankingOrder.BEST_FIRST
        ).subquery("ranked")
        statement = (
            sa.select(ranked.c.rank, ranked.c.total, unit_t)
            .join(unit_t, unit_t.c.id == ranked.c.root_id)
            .order_by(ranked.c.rank, unit_t.c.name, unit_t.c.id)
            .limit(limit)
        )
        return [
            ScoreRankingEntry(
                rank=int(r["rank"]), unit=OrgUnit.from_row(r), total=float(r["total"])
            )
            for r in await db.fetch_all(statement)
        ]


__all__ = ["ScoreQuery", "ScoreRule"]
