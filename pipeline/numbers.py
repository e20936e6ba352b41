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


@dataclass(frozen=True)
class Quantity:
    """A number found in text: its value, its kind (plain, percent, times, year) and its span."""

    value: float
    kind: str
    start: int
    end: int
    text: str

    @property
    def key(self) -> str:
        return f"{self.kind}:{canonical(self.value)}"


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
        kind = "percent" if m["pct"] else "times" if m["times"] else "n"
        out.append(Quantity(value, kind, m.start(), m.end(), m.group(0)))
    return out


def korean_quantities(text: str) -> list[Quantity]:
    units = unit_tables()["ko"]
    unit_re = "|".join(re.escape(u) for u in sorted(units, key=len, reverse=True))
    group_re = re.compile(rf"({_NUM})\s*({unit_re})?")
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
