"""User-facing messages (提示语): the one catalogue, zh-CN by default, English on request.

Every message a client reads (payload errors `errors { code message }`, top-level GraphQL
errors, HTTP refusals, ledger import problems, scalar validation) is a `Message`: a template
id from CATALOGUE and its named parameters, rendered at the error boundary in the request's
language (`negotiate`, from Accept-Language; api/errors.py). Codes (`extensions.code`, the
payload's `code`) never depend on the language: clients branch on codes, people read messages.

The templates are models/catalogue.py. A Message renders in Chinese wherever no request says
otherwise (`str(message)`: logs, the command line). A parameter may itself be a Message (a
noun), rendered in the same language. What stays English: graphql-core's own parse,
validation and variable-coercion messages (they quote the query; README, "Messages").
"""

from __future__ import annotations

import functools
import re
import string
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from models.catalogue import CATALOGUE, NOUNS

ZH, EN = "zh", "en"
LANGUAGES = (ZH, EN)
DEFAULT = ZH

_FIELDS = string.Formatter()


def parameters(template: str) -> frozenset[str]:
    """The named parameters of a template."""
    return frozenset(name for _, name, _, _ in _FIELDS.parse(template) if name)


@dataclass(frozen=True, slots=True)
class Message:
    """A catalogue message with its parameters, rendered late in the reader's language."""

    key: str
    params: tuple[tuple[str, Any], ...] = ()

    def render(self, language: str = DEFAULT) -> str:
        """The text in `language` (zh or en; anything else: the default)."""
        zh, en = CATALOGUE[self.key]
        template = en if language == EN else zh
        values = {
            name: value.render(language) if isinstance(value, Message) else value
            for name, value in self.params
        }
        return template.format_map(values)

    def __str__(self) -> str:
        return self.render(DEFAULT)


def message(key: str, /, **params: Any) -> Message:
    """The message `key` with its parameters (KeyError for an unknown key or a parameter the
    template does not name, so a typo fails its first test rather than a client)."""
    zh, _ = CATALOGUE[key]
    wanted = parameters(zh)
    if set(params) != wanted:
        raise KeyError(f"{key} takes {sorted(wanted)}, not {sorted(params)}")
    return Message(key, tuple(sorted(params.items())))


Text = str | Message


def text_of(error: BaseException) -> Text:
    """The catalogue message an exception carries (`message`, `text` or its argument), else
    its string."""
    for given in (getattr(error, "message", None), getattr(error, "text", None), *error.args[:1]):
        if isinstance(given, Message):
            return given
    return str(error)


def noun(name: str) -> Text:
    """The noun of a table or GraphQL type name (the name itself when it has none)."""
    key = NOUNS.get(name)
    return name if key is None else Message(key)


def render(text: Text | Mapping[str, Any], language: str = DEFAULT) -> str:
    """A message or a plain string (text not yet in the catalogue) in `language`."""
    return text.render(language) if isinstance(text, Message) else str(text)


_RANGE = re.compile(
    r"^\s*([A-Za-z]{1,8}(?:-[A-Za-z0-9]{1,8})*|\*)\s*(?:;\s*q\s*=\s*([0-9.]+))?\s*$"
)


@functools.lru_cache(maxsize=256)  # browsers repeat a few headers: ~0.1 µs instead of ~10
def negotiate(accept_language: str | None) -> str:
    """The language of the reply from an Accept-Language header (RFC 9110, 12.5.4): of zh and
    en, the one with the highest q (a range matches by its primary subtag: zh-CN, zh-Hans,
    en-GB; a language's own range beats `*`; q=0 refuses it), the header's order breaking
    ties; zh when the header is absent or malformed or accepts neither."""
    if not accept_language:
        return DEFAULT
    # language -> (specific, q, position) of the range that decides it
    decided: dict[str, tuple[bool, float, int]] = {}
    for position, part in enumerate(accept_language.split(",")[:32]):
        found = _RANGE.match(part)
        if found is None:
            continue
        try:
            q = 1.0 if found.group(2) is None else float(found.group(2))
        except ValueError:
            continue
        if not 0 <= q <= 1:
            continue
        primary = found.group(1).lower().split("-")[0]
        specific = primary != "*"
        for language in (primary,) if specific else LANGUAGES:
            if language not in LANGUAGES:
                continue
            known = decided.get(language)
            # The first specific range decides; `*` only where no specific range does.
            if known is None or (specific and not known[0]):
                decided[language] = (specific, q, position)
    ranked = sorted(
        (
            (q, -position, language == DEFAULT, language)
            for language, (_, q, position) in decided.items()
            if q > 0
        ),
        reverse=True,
    )
    return ranked[0][3] if ranked else DEFAULT
