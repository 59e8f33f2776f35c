"""models/rules/report_review.py: which reports wait for review, which count; the SQL twin
agrees with the Python rule."""

from __future__ import annotations

import sqlalchemy as sa

from models.enums import ReportReviewDecision, ReportReviewPolicy, ReportReviewState, TaskStatus
from models.rules import report_review as rules


def test_policies() -> None:
    for status in TaskStatus:
        assert rules.initial_state(ReportReviewPolicy.NONE, status) is (
            ReportReviewState.NOT_REQUIRED
        )
        assert rules.initial_state(ReportReviewPolicy.ALL, status) is ReportReviewState.SUBMITTED
        final = rules.initial_state(ReportReviewPolicy.FINAL, status)
        assert final is (
            ReportReviewState.SUBMITTED
            if status is TaskStatus.COMPLETED
            else ReportReviewState.NOT_REQUIRED
        )


def test_decisions() -> None:
    assert rules.decided(ReportReviewDecision.ACCEPT) is ReportReviewState.ACCEPTED
    assert rules.decided(ReportReviewDecision.RETURN) is ReportReviewState.RETURNED
    assert rules.needs_reason(ReportReviewDecision.RETURN)
    assert not rules.needs_reason(ReportReviewDecision.ACCEPT)


def test_the_sql_twin_counts_the_same_reports() -> None:
    report = sa.table("report", sa.column("id"), sa.column("review_state"))
    engine = sa.create_engine("sqlite://")
    with engine.connect() as conn:
        conn.execute(sa.text("CREATE TABLE report (id INTEGER, review_state TEXT)"))
        for i, state in enumerate(ReportReviewState):
            conn.execute(report.insert().values(id=i, review_state=state.value))
        counted = {
            row.review_state
            for row in conn.execute(sa.select(report).where(rules.counting(report)))
        }
    assert counted == {s.value for s in ReportReviewState if rules.counts(s)}
    assert counted == {"NOT_REQUIRED", "ACCEPTED"}
