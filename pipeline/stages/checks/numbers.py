"""The number check: quantities that disagree after normalising units and scripts."""

from __future__ import annotations

import math
import re
from collections.abc import Iterator, Sequence

from pipeline.lang import numbers
from pipeline.models import Flag
from pipeline.stages.checks.registry import Facts, check
from pipeline.stages.checks.registry import flag as _flag


def open_classes(side: list[numbers.Quantity], other: list[numbers.Quantity]) -> frozenset[str]:
    """What `side` counts with a number that nothing on the other side of its value accounts for:
    where `십일 년` stands and the English has no eleven, a year was changed."""
    found: set[str] = set()
    for q in side:
        if q.units and not q.soft and not any(q.matches(o) and not q.counts_apart(o) for o in other):
            found |= q.units
    return frozenset(found)


def unmatched(
    side: list[numbers.Quantity],
    other: list[numbers.Quantity],
    open_here: frozenset[str] = frozenset(),
    open_there: frozenset[str] = frozenset(),
) -> list[numbers.Quantity]:
    """Quantities of `side` that nothing on the other side accounts for. `open_here` and
    `open_there`: the classes under which each side has a number the other lacks (open_classes)."""
    pool = list(other)
    out = []
    ranked_pairs = _ranks_paired(side, pool)
    for q in side:
        if q in ranked_pairs:
            continue
        # A spelled or ordinal number is soft evidence, unless the other side counts the same
        # thing with a number of its own that matches nothing ("third" where the Korean has 30위).
        if q.soft and not q.units & open_there:
            continue
        candidates = [o for o in pool if q.matches(o) and _may_stand_for(q, o, open_here, open_there)]
        # Digits pair with digits first: "2pm" is not accounted for by "두 명" when 2시 is there;
        # a name's number with the name's ("Llama 2" with 라마 2), a count with a count of the
        # same thing ("two years" with 2년 before 2주택자).
        match = min(
            candidates,
            key=lambda o: (not q.measures & o.measures, o.soft, o.name != q.name),
            default=None,
        )
        if match is None:
            out.append(q)
        else:
            pool.remove(match)
    return out


def _ranks_paired(side: list[numbers.Quantity], pool: list[numbers.Quantity]) -> list[numbers.Quantity]:
    """Ordinals pair with ordinals first, the soft ones too ("a second opens" with 두 번째), and take
    their twin out of `pool`, so that a cardinal of the same value ("two stores") is not accounted
    for by the other side's ordinal. Returns the quantities of `side` so paired."""
    paired = []
    for q in side:
        if numbers.RANK not in q.units:
            continue
        twin = next(
            (o for o in pool if numbers.RANK in o.units and q.matches(o) and not q.counts_apart(o)), None
        )
        if twin is not None:
            pool.remove(twin)
            paired.append(q)
    return paired


def _may_stand_for(
    q: numbers.Quantity, o: numbers.Quantity, open_here: frozenset[str], open_there: frozenset[str]
) -> bool:
    """Whether `o` (same value) can account for `q`: not when they count different things ("two
    years" and 2명); nor when one says what it counts, the other does not, and only the other's
    side has a number of that class that matches nothing, the likelier translation (`two years
    ago` ↔ `1가구 2주택자 … 십일 년 전`: 2주택자 does not hide the changed year). Where both sides
    have one ("three years" ↔ 십이 년), those two are the change, and "aged 14" is still 14세."""
    if q.counts_apart(o):
        return False
    if q.measures and not o.measures and q.measures & (open_there - open_here):
        return False
    return not (o.measures and not q.measures and o.measures & (open_here - open_there))


def _clock_and_money(
    missing: list[numbers.Quantity], extra: list[numbers.Quantity]
) -> tuple[list[numbers.Quantity], list[numbers.Quantity]]:
    """ "7.55pm" is 7시 55분 and "£4.40" is 4파운드 40펜스: a decimal read as two numbers."""
    for q in list(missing):
        m = re.fullmatch(r"(\d{1,2})[.:](\d{2})", q.text.strip().rstrip("%"))
        if not m:
            continue
        whole = next((e for e in extra if e.value == int(m[1])), None)
        part = next((e for e in extra if e.value == int(m[2]) and e is not whole), None)
        if whole and part:
            missing.remove(q)
            extra.remove(whole)
            extra.remove(part)
    return missing, extra


_ENUMERATION = re.compile(r"^\s*(?:\d{1,2}|[ivxIVX]{1,4})[.)]\s")


def _drop_enumeration(text: str) -> str:
    """A heading's or list item's own number ("1. Reinforcement …") is not a quantity."""
    return _ENUMERATION.sub(lambda m: " " * len(m.group(0)), text)


#: How far before a parenthesis a number may stand and still be the one the gloss repeats
#: (`소프트웨어 3.0(Software 3.0)`: the name between them).
_GLOSS_REACH = 24


def _without_glossed_repeats(found: list[numbers.Quantity], text: str) -> list[numbers.Quantity]:
    """The Korean's numbers, less those a parenthetical gloss repeats: in `라마 2(Llama 2)` or
    `소프트웨어 3.0(Software 3.0)` the number is said once, and twice in the text."""
    out: list[numbers.Quantity] = []
    for q in found:
        opening = text.rfind("(", 0, q.start)
        inside = opening >= 0 and text.find(")", opening) >= q.end
        if inside and any(
            p.matches(q) and opening - _GLOSS_REACH <= p.start and p.end <= opening for p in out
        ):
            continue
        out.append(q)
    return out


def _named_elsewhere(unmatched: list[numbers.Quantity], other: str) -> list[numbers.Quantity]:
    """Less the names' numbers that the other side writes inside a word: "COVID-19" is 코로나19,
    "iPhone 15" 아이폰15, which the other side's number reader does not take apart."""
    return [
        q
        for q in unmatched
        if not (q.name and re.search(rf"(?<![\d.]){re.escape(q.text.strip())}(?![\d]|\.\d)", other))
    ]


def unaccounted(
    en: list[numbers.Quantity],
    ko: list[numbers.Quantity],
    en_text: str,
    ko_text: str,
    pair: bool = False,
) -> tuple[list[numbers.Quantity], list[numbers.Quantity]]:
    """(the English's numbers the Korean does not account for, the Korean's the English does not).

    `pair`: the Korean translates the whole English (a bead), so an English number it lacks is
    evidence of what a Korean number replaced. Otherwise (a Korean clause against its English
    sentence) the English says more than the clause, and only the Korean's unmatched numbers are."""
    open_ko = open_classes(ko, en)
    open_en = open_classes(en, ko) if pair else frozenset()
    missing = _named_elsewhere(unmatched(en, ko, open_en, open_ko), ko_text)
    extra = _named_elsewhere(unmatched(ko, en, open_ko, open_en), en_text)
    return _clock_and_money(missing, extra)


def _show(q: numbers.Quantity) -> str:
    return q.text.strip()


def _evidence(found: list[numbers.Quantity], instead_of: Sequence[numbers.Quantity] = ()) -> str:
    """The number to show: the one likeliest to stand for a number it replaces (one counting the
    same thing, then the most leading digits in common, then the nearest in size: "20천" for
    "$2,000" rather than the 1 of 1일), and of equals the first written in digits."""

    def rank(q: numbers.Quantity) -> tuple[bool, int, float, bool]:
        written = re.sub(r"\D", "", q.text)
        same_thing = any(q.measures & o.measures for o in instead_of)
        common = max((_common_prefix(written, _digits(o.value)) for o in instead_of), default=0)
        distance = min(
            (abs(math.log((abs(q.value) + 1) / (abs(o.value) + 1))) for o in instead_of), default=0.0
        )
        return not same_thing, -common, round(distance, 6), not written

    return _show(min(found, key=rank))


def _digits(value: float) -> str:
    return re.sub(r"\D", "", f"{value:f}".rstrip("0").rstrip("."))


def _common_prefix(a: str, b: str) -> int:
    n = 0
    while n < min(len(a), len(b)) and a[n] == b[n]:
        n += 1
    return n


@check("number")
def number_check(facts: Facts) -> Iterator[Flag]:
    """Numbers disagree after normalising units (80억 = 8B, 58% = 58 percent, 9월 = September): a
    number changed is a warning; one dropped or added is info."""
    for bead in facts.article.beads:
        if not bead.en or not bead.ko:
            continue
        en = numbers.mentions(_drop_enumeration(bead.en_text), "en")
        ko = _without_glossed_repeats(numbers.mentions(_drop_enumeration(bead.ko_text), "ko"), bead.ko_text)
        if not en and not ko:
            continue
        missing, extra = unaccounted(en, ko, bead.en_text, bead.ko_text, pair=True)
        if missing and extra:
            shown_en = ", ".join(_show(q) for q in missing)
            yield _flag(
                "number",
                "warning",
                bead,
                _evidence(extra, missing),
                f"the English has {shown_en} but the Korean has {', '.join(_show(q) for q in extra)}",
            )
        elif missing:
            yield _flag(
                "number",
                "info",
                bead,
                _evidence(missing),
                f"{', '.join(_show(q) for q in missing)} of the English is not in the Korean",
            )
        elif extra:
            yield _flag(
                "number",
                "info",
                bead,
                _evidence(extra),
                f"{', '.join(_show(q) for q in extra)} in the Korean is not in the English",
            )
