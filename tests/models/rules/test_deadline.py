"""parse_deadline: every form of 完成时限, every deadline string of the seed documents."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from models.enums import DeadlineKind
from models.rules.deadline import HEATING_SEASON_START, ParsedDeadline, parse_deadline

BY = DeadlineKind.BY_DATE
FROM = DeadlineKind.FROM_DATE
PERIOD = DeadlineKind.PERIOD
ONGOING = DeadlineKind.ONGOING
NONE = DeadlineKind.UNSPECIFIED

D = date

# (text, default_year, kind, start, end)
Case = tuple[str, int | None, DeadlineKind, date | None, date | None]

# Every 完成时限 / 整改期限 string of the seed documents, copied as written (spaces included).
SEED_DOCUMENT_CASES: list[Case] = [
    # 城政办发〔2023〕20号, air plan ledger (附件 2), 完成时限 column.
    ("长期坚持", None, ONGOING, None, None),
    ("2024 年 12 月底前", None, BY, None, D(2024, 12, 31)),
    ("2023 年 4 月底前", None, BY, None, D(2023, 4, 30)),
    ("2023 年 9 月底前", None, BY, None, D(2023, 9, 30)),
    ("2023 年 2 月底前", None, BY, None, D(2023, 2, 28)),
    ("2023 年 5 月底前", None, BY, None, D(2023, 5, 31)),
    ("2023年5月底前", None, BY, None, D(2023, 5, 31)),
    ("2023年10月底前", None, BY, None, D(2023, 10, 31)),
    ("2023年4月底前", None, BY, None, D(2023, 4, 30)),
    ("2023年4月1日起", None, FROM, D(2023, 4, 1), None),
    ("2023年5月1日起", None, FROM, D(2023, 5, 1), None),
    ("2023年5-9月", None, PERIOD, D(2023, 5, 1), D(2023, 9, 30)),
    # Air plan body text.
    ("2023 年 5-9 月", None, PERIOD, D(2023, 5, 1), D(2023, 9, 30)),
    ("2023年采暖季前", None, BY, None, D(2023, 11, 14)),
    ("2025年1月1日起", None, FROM, D(2025, 1, 1), None),
    ("2023年9月1日起", None, FROM, D(2023, 9, 1), None),
    ("9月1日起", 2023, FROM, D(2023, 9, 1), None),
    (
        "2023年4月底前，制定优质型煤供应方案，细化供应措施，明确责任分工，2023年10月底前全面完成",
        None,
        BY,
        None,
        D(2023, 10, 31),
    ),
    (
        "2023年5月1日起，全区范围内的工业企业大宗物料运输车辆使用新能源车或国六排放标准车辆；"
        "2023年9月1日起，排灰、排渣车辆全部更换为国六排放标准车辆",
        None,
        FROM,
        D(2023, 5, 1),
        None,
    ),
    # Water plan, key projects (附件 2), 完成时限 column.
    ("2023 年 12 月", None, BY, None, D(2023, 12, 31)),
    ("2023 年 10 月", None, BY, None, D(2023, 10, 31)),
    ("2023 年 5 月", None, BY, None, D(2023, 5, 31)),
    # Soil plan: the year comes from the plan.
    ("10 月底前", 2023, BY, None, D(2023, 10, 31)),
    ("10 月底前", None, NONE, None, None),
    # Rectification plan (整改期限 and measures).
    ("2024年12月底", None, BY, None, D(2024, 12, 31)),
    ("2024年6月底", None, BY, None, D(2024, 6, 30)),
    ("2025年12月底", None, BY, None, D(2025, 12, 31)),
    ("12月底前", 2024, BY, None, D(2024, 12, 31)),
    (
        "2024年12月底治理完成21.6公顷；2025年12月底治理完成5.57公顷",
        None,
        BY,
        None,
        D(2025, 12, 31),
    ),
    # Proposal reply and news report.
    ("年底前", 2025, BY, None, D(2025, 12, 31)),
    ("今年 6 月底", 2024, BY, None, D(2024, 6, 30)),
    ("5 月底前", 2024, BY, None, D(2024, 5, 31)),
]

FORM_CASES: list[Case] = [
    # ONGOING
    ("长期", None, ONGOING, None, None),
    ("持续推进", None, ONGOING, None, None),
    ("常态化", None, ONGOING, None, None),
    ("长期执行", None, ONGOING, None, None),
    ("每月", None, ONGOING, None, None),
    ("每季度", None, ONGOING, None, None),
    ("每年", None, ONGOING, None, None),
    ("每月调度一次", 2023, ONGOING, None, None),
    # BY_DATE
    ("2023年12月底前", None, BY, None, D(2023, 12, 31)),
    ("2023 年 12 月底前", None, BY, None, D(2023, 12, 31)),
    ("２０２３年１２月底前", None, BY, None, D(2023, 12, 31)),
    ("2024年6月底", None, BY, None, D(2024, 6, 30)),
    ("2023年12月", None, BY, None, D(2023, 12, 31)),
    ("2024年2月", None, BY, None, D(2024, 2, 29)),
    ("2023年12月31日前", None, BY, None, D(2023, 12, 31)),
    ("2023年6月30日", None, BY, None, D(2023, 6, 30)),
    ("2023年6月30号前", None, BY, None, D(2023, 6, 30)),
    ("2023-06-30", None, BY, None, D(2023, 6, 30)),
    ("2023.6.30", None, BY, None, D(2023, 6, 30)),
    ("2023/6/30", None, BY, None, D(2023, 6, 30)),
    ("2023年十二月底前", None, BY, None, D(2023, 12, 31)),
    ("2023年十一月", None, BY, None, D(2023, 11, 30)),
    ("2023年三月三十一日前", None, BY, None, D(2023, 3, 31)),
    ("二〇二三年十月底前", None, BY, None, D(2023, 10, 31)),
    ("10月底前", 2023, BY, None, D(2023, 10, 31)),
    ("年底前", 2023, BY, None, D(2023, 12, 31)),
    ("年内", 2023, BY, None, D(2023, 12, 31)),
    ("年底", 2023, BY, None, D(2023, 12, 31)),
    ("年底前", None, NONE, None, None),
    ("2023年底前", None, BY, None, D(2023, 12, 31)),
    ("2023年年底", None, BY, None, D(2023, 12, 31)),
    ("2023年内", None, BY, None, D(2023, 12, 31)),
    ("2023年上半年", None, BY, None, D(2023, 6, 30)),
    ("2023年下半年", None, BY, None, D(2023, 12, 31)),
    ("上半年", 2024, BY, None, D(2024, 6, 30)),
    ("2023年第三季度", None, BY, None, D(2023, 9, 30)),
    ("2023年三季度末", None, BY, None, D(2023, 9, 30)),
    ("2023年第1季度", None, BY, None, D(2023, 3, 31)),
    ("三季度", 2023, BY, None, D(2023, 9, 30)),
    ("四季度", 2023, BY, None, D(2023, 12, 31)),
    ("采暖季前", 2024, BY, None, D(2024, 11, 14)),
    ("2023年6月中旬前", None, BY, None, D(2023, 6, 20)),
    # Composite: the latest date wins.
    ("2023年4月底前制定方案，2023年10月底前全面完成", None, BY, None, D(2023, 10, 31)),
    ("2023年4月底前制定方案，10月底前全面完成", None, BY, None, D(2023, 10, 31)),
    ("2023年5月底前启动，9月1日起全面执行", None, BY, None, D(2023, 9, 1)),
    ("2023年5-9月错时生产，2023年10月底前总结", None, BY, None, D(2023, 10, 31)),
    # FROM_DATE
    ("2023年4月1日起", None, FROM, D(2023, 4, 1), None),
    ("2025年1月1日起", None, FROM, D(2025, 1, 1), None),
    ("9月1日起", 2023, FROM, D(2023, 9, 1), None),
    ("2023年5月起", None, FROM, D(2023, 5, 1), None),
    ("2025年起", None, FROM, D(2025, 1, 1), None),
    ("2023-04-01起", None, FROM, D(2023, 4, 1), None),
    # PERIOD
    ("2023年5-9月", None, PERIOD, D(2023, 5, 1), D(2023, 9, 30)),
    ("2023年5—9月", None, PERIOD, D(2023, 5, 1), D(2023, 9, 30)),
    ("2023年5～9月", None, PERIOD, D(2023, 5, 1), D(2023, 9, 30)),
    ("2023年5月-9月", None, PERIOD, D(2023, 5, 1), D(2023, 9, 30)),
    ("2023年5月至9月", None, PERIOD, D(2023, 5, 1), D(2023, 9, 30)),
    ("2023年5月1日至9月30日", None, PERIOD, D(2023, 5, 1), D(2023, 9, 30)),
    ("2023年5月1日起至9月30日", None, PERIOD, D(2023, 5, 1), D(2023, 9, 30)),
    ("2023年4月-2023年6月", None, PERIOD, D(2023, 4, 1), D(2023, 6, 30)),
    ("2023年11月-2024年3月", None, PERIOD, D(2023, 11, 1), D(2024, 3, 31)),
    ("2023年11月至次年3月", None, PERIOD, D(2023, 11, 1), D(2024, 3, 31)),
    ("2023年11月15日至次年3月15日", None, PERIOD, D(2023, 11, 15), D(2024, 3, 15)),
    ("2023年11月-3月", None, PERIOD, D(2023, 11, 1), D(2024, 3, 31)),
    ("2023年11-3月", None, PERIOD, D(2023, 11, 1), D(2024, 3, 31)),
    ("5-9月", 2023, PERIOD, D(2023, 5, 1), D(2023, 9, 30)),
    ("5-9月", None, NONE, None, None),
    ("2023年5月至年底", None, PERIOD, D(2023, 5, 1), D(2023, 12, 31)),
    ("2023-05-01至2023-09-30", None, PERIOD, D(2023, 5, 1), D(2023, 9, 30)),
    ("2024年6月-2023年1月", None, NONE, None, None),
    # UNSPECIFIED
    ("", None, NONE, None, None),
    ("   ", 2023, NONE, None, None),
    ("即日起", 2023, NONE, None, None),
    ("2023年春节前", None, NONE, None, None),
    ("2023年", None, NONE, None, None),
    ("按上级要求", 2023, NONE, None, None),
    ("三年内", 2023, NONE, None, None),
    ("明年底前", 2023, NONE, None, None),
    ("2023年2月30日", None, NONE, None, None),
    ("2023年2月29日前", None, NONE, None, None),
    ("2023年13月", None, NONE, None, None),
    ("2023年0月底前", None, NONE, None, None),
    ("2023-13-01", None, NONE, None, None),
    ("0000年5月底前", None, NONE, None, None),
    ("GB34170-2017", None, NONE, None, None),
]


@pytest.mark.parametrize(
    ("text", "default_year", "kind", "start", "end"),
    SEED_DOCUMENT_CASES + FORM_CASES,
)
def test_parse_deadline(
    text: str,
    default_year: int | None,
    kind: DeadlineKind,
    start: date | None,
    end: date | None,
) -> None:
    parsed = parse_deadline(text, default_year=default_year)
    assert parsed == ParsedDeadline(kind, start, end, text.strip())


def test_none_is_unspecified() -> None:
    assert parse_deadline(None) == ParsedDeadline(NONE, None, None, "")


def test_text_is_kept_stripped_only() -> None:
    assert parse_deadline("  2023 年 4 月底前\n").text == "2023 年 4 月底前"


def test_heating_season_constant_drives_the_date() -> None:
    month, day = HEATING_SEASON_START
    assert parse_deadline("2023年采暖季前").end == date(2023, month, day - 1)


def test_explicit_year_beats_default_year() -> None:
    assert parse_deadline("2024年6月底", default_year=2023).end == date(2024, 6, 30)


def test_dates_beat_ongoing_keywords() -> None:
    parsed = parse_deadline("长期坚持，2023年10月底前完成第一批")
    assert (parsed.kind, parsed.end) == (BY, date(2023, 10, 31))


@given(st.text(), st.one_of(st.none(), st.integers()))
def test_never_raises(text: str, default_year: int | None) -> None:
    parsed = parse_deadline(text, default_year=default_year)
    assert parsed.text == text.strip()
    if parsed.kind in (ONGOING, NONE):
        assert parsed.start is None
        assert parsed.end is None


_DATEISH = st.lists(
    st.sampled_from(
        [
            "2023年",
            "2024年",
            "年",
            "月",
            "日",
            "号",
            "底",
            "前",
            "起",
            "至",
            "-",
            "—",
            "~",
            ".",
            "/",
            "，",
            " ",
            "上半年",
            "下半年",
            "季度",
            "第三",
            "采暖季",
            "年底",
            "年内",
            "长期坚持",
            "十二",
            "三十一",
        ]
    )
    | st.integers(0, 40).map(str),
    max_size=12,
).map("".join)


@given(_DATEISH, st.one_of(st.none(), st.integers(1, 9999)))
def test_dates_are_ordered(text: str, default_year: int | None) -> None:
    parsed = parse_deadline(text, default_year=default_year)
    if parsed.kind is BY:
        assert parsed.start is None
        assert parsed.end is not None
    if parsed.kind is FROM:
        assert parsed.start is not None
        assert parsed.end is None
    if parsed.kind is PERIOD:
        assert parsed.start is not None
        assert parsed.end is not None
        assert parsed.start <= parsed.end
