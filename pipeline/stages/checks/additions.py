"""What the Korean says that the English does not: page chrome, Latin ids, and names, numbers or
dates with nothing behind them in the English. Helpers of the addition check (:mod:`.coverage`)."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache

from pipeline.lang import numbers
from pipeline.stages import paste
from pipeline.stages.checks.numbers import unaccounted

# --- page chrome -----------------------------------------------------------------------------

#: A count after a chrome line: "댓글 0", "댓글 3개", "Comments (12)".
_CHROME_COUNT = re.compile(r"[\s(\[]*\d+\s*(?:개|건)?[)\]]?\s*$")
#: Credit and copyright lines a Korean news page prints under a photo or at the end.
_KO_CREDITS = re.compile(
    r"^(?:사진|이미지|그래픽|영상|자료)\s*[:=|/ⓒ©]\s*\S.{0,40}$|^[ⓒ©].{0,40}$|무단\s*전재.{0,20}금지"
)


def _fold(text: str) -> str:
    return re.sub(r"[\W_]+", "", unicodedata.normalize("NFKC", text)).casefold()


#: Page furniture printed on one side only (the paste stage's list holds what both sides print).
ONE_SIDED_CHROME = {
    "en": ("Back to top", "Print", "Print this article", "Read the original article"),
    "ko": (
        "기사 원문 보기",
        "원문 보기",
        "맨 위로",
        "인쇄하기",
        "기사 스크랩",
        "이 기사를 추천합니다",
        "관련 기사 더보기",
    ),
}


@cache
def _chrome_forms() -> dict[str, frozenset[str]]:
    """lang → folded lines of page chrome, from the paste stage's list and the one-sided ones."""
    en = [form for forms, _ in paste.PAGE_CHROME for form in forms] + list(ONE_SIDED_CHROME["en"])
    ko = [form for _, forms in paste.PAGE_CHROME for form in forms] + list(ONE_SIDED_CHROME["ko"])
    return {"en": frozenset(map(_fold, en)), "ko": frozenset(map(_fold, ko))}


def is_chrome(text: str, lang: str) -> bool:
    """A line of page furniture (`댓글`, `공유하기`, "Subscribe", a photo credit), not article text."""
    line = _CHROME_COUNT.sub("", text.strip()).strip()
    if _fold(line) in _chrome_forms()[lang]:
        return True
    return lang == "ko" and bool(_KO_CREDITS.search(text.strip()))


# --- Latin ids -------------------------------------------------------------------------------

#: A Latin token, with the mark of a URL part it may start with (`#comment-12`, `?utm_source=…`).
_LATIN_TOKEN = re.compile(r"(?<![A-Za-z0-9])[#?/]?[A-Za-z0-9][A-Za-z0-9_\-./:#?=&%~+]*[A-Za-z0-9/]")
_FILE = re.compile(r"\.(?:png|jpe?g|gif|webp|svg|bmp|tiff?|pdf|html?|php|aspx?|mp[34]|mov)$", re.IGNORECASE)
_URL_MARKS = ("_", "/", "=", "#", "?", "www.", "://")
#: A hash or id written without marks: this many characters, with at least three digits.
MIN_HASH_LENGTH = 7
#: A line of one mixed-case token with a digit, this long, is an id (the paste stage's bound).
MIN_ID_LENGTH = paste.MIN_ID_LENGTH


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    text: str


def latin_ids(text: str) -> list[Span]:
    """Latin tokens that are ids rather than words or names: a file name (`IMG_2041.png`), a URL or
    a fragment of one, a hash or an image id (`ax2QJvy0thguMNZ`, `a9f3c21e`)."""
    out = []
    for m in _LATIN_TOKEN.finditer(text):
        token = m.group(0)
        letters = sum(c.isalpha() for c in token)
        digits = sum(c.isdigit() for c in token)
        if letters < 2:
            continue
        marked = any(mark in token for mark in _URL_MARKS) or bool(_FILE.search(token))
        hashed = len(token) >= MIN_HASH_LENGTH and digits >= 3 and "-" not in token
        # A line that is one mixed-case token with a digit: an image id the paste stage cut off.
        cased = any(c.isupper() for c in token) and any(c.islower() for c in token)
        alone = token == text.strip() and len(token) >= MIN_ID_LENGTH and digits > 0 and cased
        if marked or hashed or alone or paste.id_like(token):
            out.append(Span(m.start(), m.end(), token))
    return out


def unsaid_ids(korean: str, english: str) -> list[Span]:
    """The Korean's Latin ids that the English does not write (compared without case or marks)."""
    said = _fold(english)
    return [s for s in latin_ids(korean) if _fold(s.text) not in said]


# --- names, numbers and dates ------------------------------------------------------------------

_LATIN_NAME = re.compile(r"(?<![A-Za-z0-9])[A-Za-z][A-Za-z0-9]*(?:[-.][A-Za-z0-9]+)*")


@dataclass(frozen=True)
class Unsaid:
    """Facts of a Korean sentence with no counterpart in the English: numbers (dates too) and
    Latin-script names."""

    numbers: list[str]
    names: list[str]
    said_numbers: int  # the sentence's numbers the English does have

    @property
    def count(self) -> int:
        return len(self.numbers) + len(self.names)

    @property
    def said(self) -> str:
        return ", ".join([*self.numbers, *self.names])


def unsaid(korean: str, english: str, names_from: str | None = None) -> Unsaid:
    """What of the Korean's digits the English says nothing of, and of its Latin names what
    `names_from` (the English, by default) does not write."""
    # A name's number ("Orion-7B") goes with its name, not with the numbers.
    mentioned = numbers.mentions(korean, "ko")
    written = [q for q in mentioned if not q.soft and not q.name and re.search(r"\d", q.text)]
    _, missing = unaccounted(numbers.mentions(english, "en"), written, english, korean)
    said = _fold(english if names_from is None else names_from)
    names = [m.group(0) for m in _LATIN_NAME.finditer(korean) if len(m.group(0)) >= 2]
    return Unsaid(
        [q.text.strip() for q in missing],
        [n for n in names if _fold(n) not in said],
        len(written) - len(missing),
    )


#: Where a Korean sentence divides into clauses: after a comma or a connective ending (…했으며,
#: …했고) followed by a space.
_CLAUSE_END = re.compile(r"(?<=[,;])\s+|(?<=[가-힣](?:며|고))\s+")


def clauses(korean: str) -> list[tuple[int, int]]:
    """Spans of the sentence's clauses."""
    spans, pos = [], 0
    for m in _CLAUSE_END.finditer(korean):
        spans.append((pos, m.start()))
        pos = m.end()
    spans.append((pos, len(korean)))
    return [(a, b) for a, b in spans if korean[a:b].strip()]


def _qualifies(facts: Unsaid) -> bool:
    return bool(facts.numbers) and facts.count >= 2 and facts.said_numbers == 0


def invented(korean: str, english: str, names_from: str | None = None) -> tuple[str, Unsaid] | None:
    """The Korean sentence, or the clauses of it that hold them, carry a number the English lacks,
    with another number, a date or a name the English lacks too, and none of their numbers is in
    the English: a fact the Korean made up (a model "released in April 2025 with 400 billion
    parameters" that the English never mentions, as a sentence of its own or as a clause added to
    a translated one). Numbers are compared with `english` (the sentence's own English, or the
    English around a Korean sentence that has none), names with `names_from` (all of the English,
    say). Returns that part of the sentence and its facts."""
    parts = clauses(korean)
    holding = [(a, b) for a, b in parts if unsaid(korean[a:b], english, names_from).count]
    if not holding:
        return None
    # All of them together, else one clause alone (a clause added to a sentence whose other
    # clauses translate numbers the English has).
    for a, b in [(holding[0][0], holding[-1][1]), *holding]:
        facts = unsaid(korean[a:b], english, names_from)
        if _qualifies(facts):
            return korean[a:b], facts
    return None
