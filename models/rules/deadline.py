"""Parser for 完成时限 / 整改期限 cells: free Chinese text to a DeadlineKind and dates.

The parser never raises. Text is normalised (NFKC, no whitespace, Chinese numerals for
months and days turned into digits), then scanned left to right for date fragments:

* a point: ``2023年4月底前``, ``2023年6月30日``, ``2023-06-30``, ``10月底前``, ``年底前``,
  ``2023年上半年``, ``2023年第三季度``, ``2023年采暖季前``, ``2023年4月1日起`` …;
* a month range: ``2023年5-9月``;
* two points joined by a range separator (``-``, ``—``, ``~``, ``至``, ``到``) form a period:
  ``2023年5月1日至9月30日``, ``2023年11月-2024年3月``.

A fragment without a year takes the year of the nearest earlier fragment that names one,
else ``default_year``; without either it is dropped. Impossible dates (``2023年2月30日``,
``13月``) are dropped too. One fragment gives its own kind (BY_DATE, FROM_DATE or PERIOD).
Several fragments (``2023年4月底前制定方案，2023年10月底前全面完成``) give BY_DATE with the
latest date found, because the task is done when its last milestone is; if every fragment
is a ``…起`` start, the result is FROM_DATE with the earliest start. Only when no date is
found do the recurring/long-term keywords (长期坚持, 常态化, 每月 …) give ONGOING.
"""

from __future__ import annotations

import calendar
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from enum import Enum

from models.enums import DeadlineKind

__all__ = ["HEATING_SEASON_START", "ParsedDeadline", "parse_deadline"]

# 晋城's heating season (采暖季) starts on 15 November, so "采暖季前" means "by 14 November".
HEATING_SEASON_START = (11, 15)


@dataclass(frozen=True, slots=True)
class ParsedDeadline:
    """A parsed 完成时限: its kind, the dates it implies and the original text."""

    kind: DeadlineKind
    start: date | None
    end: date | None
    text: str


class _Marker(Enum):
    """What a date fragment says about its date."""

    AT = "at"  # plain date or "…前/底": the work is due by it
    FROM = "from"  # "…起": the rule applies from it
    RANGE = "range"  # already a period (month range such as 5-9月)


# (first day, last day) covered by a fragment in a given year; None when impossible.
_Bounds = Callable[[int], tuple[date, date] | None]


@dataclass(frozen=True, slots=True)
class _Fragment:
    """One date expression found in the normalised text."""

    start: int
    end: int
    year: int | None
    marker: _Marker
    bounds: _Bounds | None  # None: the fragment only names a year (context for later ones)


@dataclass(frozen=True, slots=True)
class _Span:
    """A resolved fragment."""

    marker: _Marker
    first: date
    last: date


_ONGOING_WORDS = (
    "长期坚持",
    "长期执行",
    "长期",
    "持续推进",
    "持续",
    "常态化",
    "长效",
    "每日",
    "每周",
    "每旬",
    "每月",
    "每季度",
    "每季",
    "每半年",
    "每年",
)
_ONGOING_RE = re.compile("|".join(_ONGOING_WORDS))

_CN_DIGITS = {c: str(i) for i, c in enumerate("〇一二三四五六七八九")} | {"零": "0"}
_CN_YEAR_RE = re.compile("[〇零一二三四五六七八九]{4}(?=年)")
# Month and day numbers written in Chinese: 十二月, 三十日; the lookahead keeps 三季度 etc. alone.
_CN_NUMBER_RE = re.compile("[一二三四五六七八九十]{1,3}(?=[月日号])")
_WHITESPACE_RE = re.compile(r"\s+")

_YEAR = r"(?<![0-9])(?P<y>[0-9]{4})年度?"
_OPT_YEAR = rf"(?:{_YEAR})?"
_BEFORE = r"(?:前|之前|以前)"
_SEP = r"(?:[-‐‑‒–—―~〜]{1,2}|至|到)"
_FROM = r"(?:起|开始)"

_POINT_RE = re.compile(
    rf"{_OPT_YEAR}(?<![0-9])(?P<m>[0-9]{{1,2}})月份?"
    r"(?:(?P<d>[0-9]{1,2})[日号]|(?P<xun>上旬|中旬|下旬))?"
    rf"(?:(?P<from>{_FROM})|(?:底|末)?{_BEFORE}?)"
)
_ISO_RE = re.compile(
    r"(?<![0-9])(?P<y>[0-9]{4})(?P<sep>[-./])(?P<m>[0-9]{1,2})(?P=sep)(?P<d>[0-9]{1,2})(?![0-9])"
    rf"(?:(?P<from>{_FROM})|{_BEFORE}?)"
)
_MONTH_RANGE_RE = re.compile(
    rf"{_OPT_YEAR}(?<![0-9])(?P<m1>[0-9]{{1,2}}){_SEP}(?P<m2>[0-9]{{1,2}})月份?(?:底|末)?{_BEFORE}?"
)
# "三年内" is a duration and "明年底" another year: a bare 年底/年内 must stand alone.
_YEAR_END_RE = re.compile(
    rf"(?:{_YEAR}(?:年底|年末|底|末|年内|内)|(?<![0-9一二三四五六七八九十两几半去明前后])(?:年底|年末|年内))"
    rf"{_BEFORE}?"
)
_HALF_RE = re.compile(rf"{_OPT_YEAR}(?P<half>上|下)半年(?:底|末)?{_BEFORE}?")
_QUARTER_RE = re.compile(rf"{_OPT_YEAR}第?(?P<q>[1-4一二三四])季度(?:末|底)?{_BEFORE}?")
_HEATING_RE = re.compile(rf"{_OPT_YEAR}(?:采暖季|供暖季|取暖季)(?:开始)?{_BEFORE}")
_BARE_YEAR_RE = re.compile(rf"{_YEAR}(?P<from>{_FROM})?")
_RANGE_JOIN_RE = re.compile(rf"{_FROM}?{_SEP}(?P<next>次年|翌年)?")

_QUARTERS = {"一": 1, "二": 2, "三": 3, "四": 4}
_XUN_DAY = {"上旬": 10, "中旬": 20}


def parse_deadline(text: str | None, *, default_year: int | None = None) -> ParsedDeadline:
    """Parse a 完成时限 cell; never raises, unknown text gives UNSPECIFIED."""
    original = (text or "").strip()
    normalised = _normalise(original)
    spans = _resolve(normalised, _scan(normalised), default_year)
    if spans:
        return _combine(spans, original)
    if _ONGOING_RE.search(normalised):
        return ParsedDeadline(DeadlineKind.ONGOING, None, None, original)
    return ParsedDeadline(DeadlineKind.UNSPECIFIED, None, None, original)


def _normalise(text: str) -> str:
    """NFKC, drop whitespace, write Chinese year/month/day numbers as digits."""
    text = _WHITESPACE_RE.sub("", unicodedata.normalize("NFKC", text))
    text = _CN_YEAR_RE.sub(lambda m: "".join(_CN_DIGITS[c] for c in m[0]), text)

    def number(match: re.Match[str]) -> str:
        value = _chinese_number(match[0])
        return match[0] if value is None else str(value)

    return _CN_NUMBER_RE.sub(number, text)


def _chinese_number(text: str) -> int | None:
    """Value of 一 … 九十九 written with 十; None for anything else."""
    digits = "一二三四五六七八九"
    if "十" not in text:
        return digits.index(text) + 1 if len(text) == 1 else None
    tens, _, ones = text.partition("十")
    if len(tens) > 1 or len(ones) > 1 or "十" in ones:
        return None
    return (digits.index(tens) + 1 if tens else 1) * 10 + (digits.index(ones) + 1 if ones else 0)


def _safe_date(year: int, month: int, day: int) -> date | None:
    """The date, or None when it does not exist (2月30日, 13月, year 0)."""
    try:
        return date(year, month, day)
    except (ValueError, OverflowError):
        return None


def _month_bounds(year: int, month: int) -> tuple[date, date] | None:
    """First and last day of a month, or None."""
    if not 1 <= month <= 12:
        return None
    first = _safe_date(year, month, 1)
    if first is None:
        return None
    last = _safe_date(year, month, calendar.monthrange(first.year, month)[1])
    return None if last is None else (first, last)


def _day_bounds(year: int, month: int, day: int) -> tuple[date, date] | None:
    """A single day as bounds, or None."""
    value = _safe_date(year, month, day)
    return None if value is None else (value, value)


def _year_of(match: re.Match[str]) -> int | None:
    """The explicit year of a match, if it has one."""
    value = match.groupdict().get("y")
    return int(value) if value else None


def _point(match: re.Match[str]) -> _Fragment:
    """A month, day or 旬 point: 2023年4月底前, 6月30日, 2023年5月1日起."""
    month = int(match["m"])
    day = match["d"]
    xun = match["xun"]

    def bounds(year: int) -> tuple[date, date] | None:
        if day is not None:
            return _day_bounds(year, month, int(day))
        whole = _month_bounds(year, month)
        if whole is None or xun is None or xun == "下旬":
            return whole
        return whole[0], whole[0].replace(day=_XUN_DAY[xun])

    marker = _Marker.FROM if match["from"] else _Marker.AT
    return _Fragment(match.start(), match.end(), _year_of(match), marker, bounds)


def _iso(match: re.Match[str]) -> _Fragment:
    """A numeric date: 2023-06-30, 2023.6.30, 2023/6/30."""
    month, day = int(match["m"]), int(match["d"])
    marker = _Marker.FROM if match["from"] else _Marker.AT
    return _Fragment(
        match.start(),
        match.end(),
        _year_of(match),
        marker,
        lambda year: _day_bounds(year, month, day),
    )


def _month_range(match: re.Match[str]) -> _Fragment:
    """A month range sharing one 月: 2023年5-9月."""
    first_month, last_month = int(match["m1"]), int(match["m2"])

    def bounds(year: int) -> tuple[date, date] | None:
        first = _month_bounds(year, first_month)
        # 11-3月 crosses the new year.
        last_year = year + 1 if last_month < first_month else year
        last = _month_bounds(last_year, last_month)
        return None if first is None or last is None else (first[0], last[1])

    return _Fragment(match.start(), match.end(), _year_of(match), _Marker.RANGE, bounds)


def _year_end(match: re.Match[str]) -> _Fragment:
    """年底前 / 2023年底 / 年内: the last day of the year."""
    return _Fragment(
        match.start(),
        match.end(),
        _year_of(match),
        _Marker.AT,
        lambda year: _day_bounds(year, 12, 31),
    )


def _half(match: re.Match[str]) -> _Fragment:
    """上半年 ends on 30 June, 下半年 on 31 December."""
    first_month = 1 if match["half"] == "上" else 7

    def bounds(year: int) -> tuple[date, date] | None:
        first = _month_bounds(year, first_month)
        last = _month_bounds(year, first_month + 5)
        return None if first is None or last is None else (first[0], last[1])

    return _Fragment(match.start(), match.end(), _year_of(match), _Marker.AT, bounds)


def _quarter(match: re.Match[str]) -> _Fragment:
    """第三季度 / 三季度末: the quarter's months."""
    raw = match["q"]
    quarter = _QUARTERS[raw] if raw in _QUARTERS else int(raw)

    def bounds(year: int) -> tuple[date, date] | None:
        first = _month_bounds(year, quarter * 3 - 2)
        last = _month_bounds(year, quarter * 3)
        return None if first is None or last is None else (first[0], last[1])

    return _Fragment(match.start(), match.end(), _year_of(match), _Marker.AT, bounds)


def _heating(match: re.Match[str]) -> _Fragment:
    """采暖季前: the day before the heating season starts."""

    def bounds(year: int) -> tuple[date, date] | None:
        start = _safe_date(year, *HEATING_SEASON_START)
        if start is None:
            return None
        last = start - timedelta(days=1)
        return last, last

    return _Fragment(match.start(), match.end(), _year_of(match), _Marker.AT, bounds)


def _bare_year(match: re.Match[str]) -> _Fragment:
    """A year alone: context for later fragments, or a start with 起 (2025年起)."""
    if not match["from"]:
        return _Fragment(match.start(), match.end(), _year_of(match), _Marker.AT, None)
    return _Fragment(
        match.start(),
        match.end(),
        _year_of(match),
        _Marker.FROM,
        lambda year: _day_bounds(year, 1, 1),
    )


_PATTERNS: tuple[tuple[re.Pattern[str], Callable[[re.Match[str]], _Fragment]], ...] = (
    (_ISO_RE, _iso),
    (_MONTH_RANGE_RE, _month_range),
    (_POINT_RE, _point),
    (_YEAR_END_RE, _year_end),
    (_HALF_RE, _half),
    (_QUARTER_RE, _quarter),
    (_HEATING_RE, _heating),
    (_BARE_YEAR_RE, _bare_year),
)


def _scan(text: str) -> list[_Fragment]:
    """Date fragments in order; at each position the longest match wins."""
    fragments: list[_Fragment] = []
    position = 0
    while position < len(text):
        best: re.Match[str] | None = None
        best_build: Callable[[re.Match[str]], _Fragment] | None = None
        for pattern, build in _PATTERNS:
            match = pattern.match(text, position)
            if match and match.end() > position and (best is None or match.end() > best.end()):
                best, best_build = match, build
        if best is None or best_build is None:
            position += 1
            continue
        fragments.append(best_build(best))
        position = best.end()
    return fragments


def _resolve(text: str, fragments: list[_Fragment], default_year: int | None) -> list[_Span]:
    """Give every fragment a year, join ranges, drop impossible ones."""
    spans: list[_Span] = []
    context_year = default_year
    index = 0
    while index < len(fragments):
        fragment = fragments[index]
        index += 1
        year = fragment.year if fragment.year is not None else context_year
        if fragment.year is not None:
            context_year = fragment.year
        if fragment.bounds is None or year is None:
            continue
        bounds = fragment.bounds(year)
        if bounds is None:
            continue
        following = fragments[index] if index < len(fragments) else None
        join = (
            _RANGE_JOIN_RE.fullmatch(text, fragment.end, following.start)
            if following is not None
            and following.bounds is not None
            and fragment.marker is not _Marker.RANGE
            and following.marker is _Marker.AT
            else None
        )
        if following is not None and join is not None:
            index += 1
            # "2023年11月至次年3月": the end lies in the following year.
            period = _join(bounds, following, year + 1 if join["next"] else year)
            if following.year is not None:
                context_year = following.year
            if period is not None:
                spans.append(_Span(_Marker.RANGE, *period))
            continue
        spans.append(_Span(fragment.marker, *bounds))
    return spans


def _join(bounds: tuple[date, date], following: _Fragment, year: int) -> tuple[date, date] | None:
    """Period from a start point to the following end point; None when it runs backwards."""
    if following.bounds is None:
        return None
    end_bounds = following.bounds(following.year if following.year is not None else year)
    # "2023年11月至3月" crosses the new year when the end carries no year of its own.
    if following.year is None and (end_bounds is None or end_bounds[1] < bounds[0]):
        end_bounds = following.bounds(year + 1)
    if end_bounds is None or end_bounds[1] < bounds[0]:
        return None
    return bounds[0], end_bounds[1]


def _combine(spans: list[_Span], original: str) -> ParsedDeadline:
    """One span keeps its kind; several give the latest date (or the earliest 起)."""
    if len(spans) == 1:
        (span,) = spans
        if span.marker is _Marker.FROM:
            return ParsedDeadline(DeadlineKind.FROM_DATE, span.first, None, original)
        if span.marker is _Marker.RANGE:
            return ParsedDeadline(DeadlineKind.PERIOD, span.first, span.last, original)
        return ParsedDeadline(DeadlineKind.BY_DATE, None, span.last, original)
    if all(span.marker is _Marker.FROM for span in spans):
        return ParsedDeadline(
            DeadlineKind.FROM_DATE, min(span.first for span in spans), None, original
        )
    latest = max(span.first if span.marker is _Marker.FROM else span.last for span in spans)
    return ParsedDeadline(DeadlineKind.BY_DATE, None, latest, original)
