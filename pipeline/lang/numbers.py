"""Numbers in English and Korean text, normalised to comparable values.

80억 = 8 billion = 8B; 15조 = 15 trillion; 3천 = 3,000; 2025년 = 2025; 58% = 58 percent. Used by
the aligner (shared numbers are anchors) and by the number check. The unit tables are data, in
``pipeline/data/number_units.tsv``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from importlib.resources import files

from pipeline.lang import ko


@dataclass(frozen=True)
class Quantity:
    """A number found in text: its value, its kind (plain, percent, times, year) and its span."""

    value: float
    kind: str
    start: int
    end: int
    text: str
    alts: tuple[float, ...] = ()  # other readings of the same text: "100m" is 100 million or 100 metres
    soft: bool = False  # spelled out ("two", 두): weaker evidence than digits

    def matches(self, other: Quantity) -> bool:
        """Same value under some reading, and compatible kinds (a plain number matches any kind)."""
        if self.kind != other.kind and "n" not in (self.kind, other.kind):
            return False
        return any(_close(a, b) for a in (self.value, *self.alts) for b in (other.value, *other.alts))

    @property
    def key(self) -> str:
        return f"{self.kind}:{canonical(self.value)}"


def _close(a: float, b: float) -> bool:
    return abs(a - b) <= 1e-9 * max(abs(a), abs(b), 1.0)


def canonical(value: float) -> str:
    """A stable textual form: 8000000000.0 → '8e+09', 9.11 → '9.11', 2025.0 → '2025'."""
    return f"{value:.6g}"


@cache
def unit_tables() -> dict[str, dict[str, float]]:
    """lang → {unit word or suffix: multiplier}, read from the package data file."""
    tables: dict[str, dict[str, float]] = {}
    text = files("pipeline.data").joinpath("number_units.tsv").read_text("utf-8")
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        lang, unit, multiplier = line.split("\t")
        tables.setdefault(lang, {})[unit] = float(multiplier)
    return tables


_NUM = r"\d+(?:,\d{3})*(?:\.\d+)?"


@cache
def _english_pattern() -> re.Pattern[str]:
    units = sorted(unit_tables()["en"], key=len, reverse=True)
    words = "|".join(re.escape(u) for u in units if len(u) > 1)
    suffixes = "".join(re.escape(u) for u in units if len(u) == 1)
    return re.compile(
        rf"(?<![\w.])(?P<num>{_NUM})(?:\s*(?P<word>{words})\b|(?P<suffix>[{suffixes}])(?![A-Za-z]))?"
        rf"(?:\s*(?P<pct>%|percent\b|per cent\b)|(?P<times>x\b|×|-fold\b))?",
        re.IGNORECASE,
    )


@cache
def _korean_pattern() -> re.Pattern[str]:
    units = sorted(unit_tables()["ko"], key=len, reverse=True)
    alternatives = "|".join(re.escape(u) for u in units)
    # A compound such as 1조 5천억 is several (number, unit) groups in a row.
    group = rf"{_NUM}\s*(?:{alternatives})?"
    return re.compile(
        rf"(?<![\w.])(?P<body>{group}(?:\s*{_NUM}\s*(?:{alternatives}))*)"
        rf"(?:\s*(?P<pct>%|퍼센트|프로)|(?P<times>배)|(?P<year>년(?!대)))?"
    )


def _to_float(num: str) -> float:
    return float(num.replace(",", ""))


def english_quantities(text: str) -> list[Quantity]:
    units = {k.lower(): v for k, v in unit_tables()["en"].items()}
    out = []
    for m in _english_pattern().finditer(text):
        value = _to_float(m["num"])
        unit = m["word"] or m["suffix"]
        if unit:
            value *= units.get(unit.lower(), 1.0)
        # A one-letter suffix may be a unit of measure instead: 100m is also 100 metres, 5K a 5 km race.
        alts = (_to_float(m["num"]),) if m["suffix"] else ()
        kind = "percent" if m["pct"] else "times" if m["times"] else "n"
        out.append(Quantity(value, kind, m.start(), m.end(), m.group(0), alts))
    return out


@cache
def _korean_group_pattern() -> re.Pattern[str]:
    units = unit_tables()["ko"]
    unit_re = "|".join(re.escape(u) for u in sorted(units, key=len, reverse=True))
    return re.compile(rf"({_NUM})\s*({unit_re})?")


def korean_quantities(text: str) -> list[Quantity]:
    units = unit_tables()["ko"]
    group_re = _korean_group_pattern()
    out = []
    for m in _korean_pattern().finditer(text):
        total = 0.0
        for num, unit in group_re.findall(m["body"]):
            total += _to_float(num) * _korean_multiplier(unit, units)
        kind = "percent" if m["pct"] else "times" if m["times"] else "n"
        out.append(Quantity(total, kind, m.start(), m.end(), m.group(0)))
    return out


def _korean_multiplier(unit: str, units: dict[str, float]) -> float:
    if not unit:
        return 1.0
    if unit in units:
        return units[unit]
    # 천억 = 천 × 억: multiply the parts of a compound unit.
    value = 1.0
    for ch in unit:
        value *= units.get(ch, 1.0)
    return value


def quantities(text: str, lang: str) -> list[Quantity]:
    return english_quantities(text) if lang == "en" else korean_quantities(text)


# ---------------------------------------------------------------------------------------------
# Numbers written without digits: month names, English number words, Korean native numerals.
# Used by the number check, not the aligner (whose anchors are digits only).
# ---------------------------------------------------------------------------------------------


@cache
def word_tables() -> dict[str, dict[str, float]]:
    """lang → {number word: value}, from ``pipeline/data/number_words.tsv`` (kind "month" for months)."""
    tables: dict[str, dict[str, float]] = {}
    text = files("pipeline.data").joinpath("number_words.tsv").read_text("utf-8")
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        lang, word, value = line.split("\t")
        tables.setdefault(lang, {})[word] = float(value)
    return tables


@cache
def _english_word_pattern() -> re.Pattern[str]:
    words = sorted([*word_tables()["en"], *word_tables()["en-soft"]], key=len, reverse=True)
    alt = "|".join(re.escape(w) for w in words)
    return re.compile(rf"\b(?:{alt})(?:[\s-]+(?:and[\s-]+)?(?:{alt}))*\b", re.IGNORECASE)


@cache
def _month_pattern() -> re.Pattern[str]:
    months = sorted(word_tables()["month"], key=len, reverse=True)
    alt = "|".join(re.escape(m) for m in months)
    # "May" is also a verb: a month name counts only next to a day or a year ("May 5", "5 May 2019").
    return re.compile(rf"(?<![A-Za-z])(?P<month>{alt})(?![A-Za-z])(?P<dot>\.)?")


def _compose(words: list[float]) -> float:
    total, current = 0.0, 0.0
    for v in words:
        if v == 100:
            current = max(current, 1.0) * 100
        elif v >= 1000:
            total += max(current, 1.0) * v
            current = 0.0
        else:
            current += v
    return total + current


def _word_groups(m: re.Match[str], words: dict[str, float]) -> list[tuple[int, int, list[str]]]:
    """Split a run of number words into numbers: "twenty-five" is one, "one, two" are two."""
    groups: list[tuple[int, int, list[str]]] = []
    previous = None
    for w in re.finditer(r"[A-Za-z]+", m.group(0)):
        word = w.group(0).lower()
        if word not in words:
            continue
        value = words[word]
        start, end = m.start() + w.start(), m.start() + w.end()
        joins = previous is not None and (
            value >= 100 or (previous in range(20, 100, 10) and value < 10) or (previous >= 100 > value)
        )
        if groups and joins:
            groups[-1] = (groups[-1][0], end, [*groups[-1][2], word])
        else:
            groups.append((start, end, [word]))
        previous = value
    return groups


def english_spelled(text: str) -> list[Quantity]:
    """Month names ("Sept. 21" → 9) and number words: cardinals ("two million" → 2e6) count like
    digits; ordinals and multipliers ("second", "twice") are soft."""
    cardinals = {k.lower(): v for k, v in word_tables()["en"].items()}
    words = cardinals | {k.lower(): v for k, v in word_tables()["en-soft"].items()}
    out = []
    for m in _english_word_pattern().finditer(text):
        for start, end, parts in _word_groups(m, words):
            value = _compose([words[p] for p in parts])
            soft = not all(p in cardinals for p in parts)
            # "two decades" is 20년 in Korean.
            alts = (value * 10,) if re.match(r"\s*decades?\b", text[end:], re.IGNORECASE) else ()
            out.append(Quantity(value, "n", start, end, text[start:end], alts, soft))
    months = word_tables()["month"]
    for m in _month_pattern().finditer(text):
        near = text[max(0, m.start() - 4) : m.end() + 5]
        if m["month"] == "May" and not re.search(r"\d", near):
            continue
        out.append(Quantity(months[m["month"]], "n", m.start(), m.end(), m.group(0)))
    return sorted(out, key=lambda q: q.start)


def korean_spelled(text: str) -> list[Quantity]:
    """Native Korean numerals (두 명, 다섯 개, 스무 살), found by Kiwi's numeral tags; soft."""
    words = word_tables()["ko"]
    out = []
    for tok in ko.analyse(text):
        if tok.tag in ("MM", "NR") and tok.form in words:
            out.append(Quantity(words[tok.form], "n", tok.start, tok.end, tok.form, soft=True))
    return out


def mentions(text: str, lang: str) -> list[Quantity]:
    """Every number in the text, digits and spelled out, in order; the number check compares these."""
    digits = quantities(text, lang)
    spelled = english_spelled(text) if lang == "en" else korean_spelled(text)
    # "20.4 million": the word is part of a number already read.
    spelled = [q for q in spelled if all(q.end <= d.start or q.start >= d.end for d in digits)]
    return sorted(digits + spelled, key=lambda q: q.start)
