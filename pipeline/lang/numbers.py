"""Numbers in English and Korean text, normalised to comparable values.

80억 = 8 billion = 8B; 15조 = 15 trillion; 3천 = 3,000; 2025년 = 2025; 58% = 58 percent. Used by
the aligner (shared numbers are anchors) and by the number check. The unit tables are data, in
``pipeline/data/number_units.tsv``; what a number counts ("two years", 3명, $2,000, 5층), for the
number check, in ``pipeline/data/number_counters.tsv``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
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
    name: bool = False  # part of a name ("Llama 2", "GPT-4o", "COVID-19"), not a count
    # What it counts, by the classes of number_counters.tsv ("two years", 십일 년: {"year"}; 세 분:
    # {"person", "minute"}); empty when nothing known is said with it. Set by mentions() only.
    units: frozenset[str] = frozenset()

    def matches(self, other: Quantity) -> bool:
        """Same value under some reading, and compatible kinds (a plain number matches any kind)."""
        if self.kind != other.kind and "n" not in (self.kind, other.kind):
            return False
        return any(_close(a, b) for a in (self.value, *self.alts) for b in (other.value, *other.alts))

    @property
    def measures(self) -> frozenset[str]:
        """Its classes less rank, which goes with any of them ("third year" is 3년째)."""
        return self.units - {RANK}

    def counts_apart(self, other: Quantity) -> bool:
        """Both say what they count, and it is not the same thing ("two years" and 2명, 40% and 40달러)."""
        return bool(self.measures and other.measures and not self.measures & other.measures)

    @property
    def key(self) -> str:
        return f"{self.kind}:{canonical(self.value)}"


#: The class of ordinals (number_counters.tsv): "third", 3rd, 30위, 다섯 번째.
RANK = "rank"


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
    tables = word_tables()
    words = sorted([*tables["en"], *tables["en-soft"], *tables["en-ordinal"]], key=len, reverse=True)
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
    tables = word_tables()
    cardinals = {k.lower(): v for k, v in tables["en"].items()}
    words = cardinals | {k.lower(): v for k, v in (tables["en-soft"] | tables["en-ordinal"]).items()}
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


def _native_korean(word: str, words: dict[str, float]) -> float | None:
    """A native numeral as Kiwi writes it, one word or tens + units run together: 다섯, 스물한 = 21,
    열두 = 12; None when it is not one."""
    if word in words:
        return words[word]
    for cut in range(len(word) - 1, 0, -1):
        tens, units = word[:cut], word[cut:]
        if tens in words and units in words and words[tens] % 10 == 0 and words[units] < 10:
            return words[tens] + words[units]
    return None


def _sino_korean(word: str, digits: dict[str, float]) -> float | None:
    """A Sino-Korean numeral: 이십삼 = 23, 삼천오백 = 3500, 십이만 = 120000; None when it is not one
    (a stray syllable that is no digit, or two digits in a row)."""
    total = section = 0.0
    digit: float | None = None
    for ch in word:
        value = digits.get(ch)
        if value is None:
            return None
        if value < 10:
            if digit is not None:
                return None
            digit = value
        elif value < 10_000:
            section += (digit or 1) * value
            digit = None
        else:
            total += (section + (digit or 0) or 1) * value
            section, digit = 0.0, None
    return total + section + (digit or 0)


@dataclass(frozen=True)
class _Numeral:
    value: float
    start: int
    end: int
    syllables: int
    ordinal: bool


def _korean_numerals(text: str) -> list[tuple[_Numeral, str, str]]:
    """Kiwi's numerals (NR, MM), with adjacent ones joined (열 두 → 12, 스물 세 → 23), each with
    the tag and form of the token after it."""
    native, sino = word_tables()["ko"], word_tables()["ko-sino"]
    toks = ko.analyse(text)
    out: list[tuple[_Numeral, str, str]] = []
    k = 0
    while k < len(toks):
        tok = toks[k]
        form = tok.form[:-1] if tok.form.endswith("째") and len(tok.form) > 1 else tok.form
        value = _native_korean(form, native) if tok.tag in ("MM", "NR") else None
        start, end, ordinal = tok.start, tok.end, form != tok.form
        if value is None and tok.tag == "NR":
            value = _sino_korean(form, sino)
            # Kiwi cuts 삼천오백 into 삼/천/오/백: read the run written together as one.
            while value is not None and k + 1 < len(toks) and toks[k + 1].tag == "NR":
                longer = _sino_korean(text[start : toks[k + 1].end], sino)
                if toks[k + 1].start != end or longer is None:
                    break
                value, end, k = longer, toks[k + 1].end, k + 1
        if value is None:
            k += 1
            continue
        nxt = toks[k + 1] if k + 1 < len(toks) else None
        # 열 두, 스물 세: tens then units, written together or apart.
        if nxt is not None and nxt.start - end <= 1 and value % 10 == 0 and value < 100:
            units = _native_korean(nxt.form, native) if nxt.tag in ("MM", "NR") else None
            if units is not None and units < 10:
                value, end, k = value + units, nxt.end, k + 1
                nxt = toks[k + 1] if k + 1 < len(toks) else None
        after_tag, after_form = (nxt.tag, nxt.form) if nxt is not None and nxt.start - end <= 1 else ("", "")
        ordinal = ordinal or after_form in ("째", "번째")
        out.append((_Numeral(value, start, end, end - start, ordinal), after_tag, after_form))
        k += 1
    return out


def korean_spelled(text: str) -> list[Quantity]:
    """Korean number words: native (두 명, 열두 개, 스무 살, 세 번째) and Sino-Korean (삼십 년, 이백 명).

    A numeral next to a counter (a bound noun such as 가지, 개, 명, 번째, or a counting noun such as
    시간, 단계) counts like digits; otherwise it is soft evidence, and a single syllable (이 "this",
    한 "a", 사 "company") counts only next to a noun at all. 한/첫/일 (one, first) stay soft: Korean
    writes "a" with them."""
    counters = word_tables()["ko-counter"]
    found = _korean_numerals(text)
    # 두세 명, 서너 개: two numerals in a row are a rough count ("two or three"), soft both.
    rough: set[int] = set()
    for k in range(len(found) - 1):
        if found[k + 1][0].start - found[k][0].end <= 1:
            rough |= {k, k + 1}
    out = []
    for k, (numeral, after_tag, after_form) in enumerate(found):
        counted = after_tag == "NNB" or after_form in counters or numeral.ordinal
        noun = counted or after_tag.startswith("NN") or k in rough
        if numeral.syllables == 1 and not noun:
            continue
        soft = not counted or numeral.value == 1 or k in rough
        word = text[numeral.start : numeral.end]
        out.append(Quantity(numeral.value, "n", numeral.start, numeral.end, word, soft=soft))
    return out


#: What a version or model number follows: a name it is hyphenated to ("GPT-4o", "COVID-19", not
#: "6-foot-6" or a score's "2-2") or a capitalised or camel-case word ("Llama 2", "Windows 11",
#: "iPhone 15", "Software 3.0").
_NAME_BEFORE = re.compile(
    r"(?:\b(?:[A-Z][A-Za-z0-9]*|[a-z]+[A-Z0-9][A-Za-z0-9]*)-"
    r"|\b(?P<word>[A-Z][a-z]+|[a-z]+[A-Z]\w*|[A-Z]{2,}\w*)\s)$"
)
_NAME_NUMBER = re.compile(r"\d{1,4}(?:\.\d{1,2})?")
#: Capitalised words a count follows at the start of a sentence ("About 50 people", "In 2019").
_NOT_NAMES = frozenset(
    "a an the in on at by for from of to and or but about around over under nearly almost only just "
    "some all another top up down since until after before between than more less at least".split()
)


def _in_name(text: str, q: Quantity) -> bool:
    """The number is a name's version or model number, not a count."""
    if q.kind != "n" or not _NAME_NUMBER.fullmatch(q.text.strip()):
        return False
    m = _NAME_BEFORE.search(text, 0, q.start)
    if m is None:
        return False
    word = m["word"] or ""
    return word.lower() not in _NOT_NAMES and word not in word_tables()["month"]


def mentions(text: str, lang: str) -> list[Quantity]:
    """Every number in the text, digits and spelled out, in order; the number check compares these.
    A number inside a name ("Llama 2", "GPT-4o") is marked as such."""
    digits = quantities(text, lang)
    digits = [replace(q, name=True) if _in_name(text, q) else q for q in digits]
    # "1.7 million four years ago": "million" belongs to the digits, "four" is a number of its own.
    # (Zeros, not spaces: "May 30" stays a month next to digits.)
    blanked = text
    for d in digits:
        blanked = blanked[: d.start] + "0" * (d.end - d.start) + blanked[d.end :]
    spelled = english_spelled(blanked) if lang == "en" else korean_spelled(text)
    spelled = [replace(q, text=text[q.start : q.end]) for q in spelled]
    # "20.4 million": the word is part of a number already read.
    spelled = [q for q in spelled if all(q.end <= d.start or q.start >= d.end for d in digits)]
    if lang == "en":
        spelled += _indefinite_counts(blanked)
    found = sorted(digits + spelled, key=lambda q: q.start)
    if lang == "en":
        return [q if q.units else replace(q, units=_english_units(text, q)) for q in found]
    tokens = ko.analyse(text) if found else ()
    return [replace(q, units=_korean_units(text, q, tokens)) for q in found]


# ---------------------------------------------------------------------------------------------
# What a number counts: the word, sign or counter said with it, classed by number_counters.tsv.
# ---------------------------------------------------------------------------------------------


@cache
def counter_tables() -> dict[str, dict[str, frozenset[str]]]:
    """lang → {word, sign or counter: the classes it counts}, from ``pipeline/data/number_counters.tsv``."""
    tables: dict[str, dict[str, set[str]]] = {}
    text = files("pipeline.data").joinpath("number_counters.tsv").read_text("utf-8")
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        unit_class, lang, word = line.split("\t")
        tables.setdefault(lang, {}).setdefault(word, set()).add(unit_class)
    return {lang: {w: frozenset(c) for w, c in words.items()} for lang, words in tables.items()}


_WORDS_AFTER = re.compile(r"\s*-?\s*([A-Za-z]+)(?:[\s-]+([A-Za-z]+))?")


def _english_units(text: str, q: Quantity) -> frozenset[str]:
    """What the English counts: its percent sign or word, the word after it ("two years",
    "five-year", "3rd", "fifth floor"), a currency sign before it ("$2,000"); an ordinal is a rank."""
    table = counter_tables()["en"]
    found: set[str] = set()
    if q.kind == "percent":
        found |= table.get("%", frozenset())
    after = _WORDS_AFTER.match(text, q.end)
    if after:  # two words first: "three per cent"
        two, one = f"{after[1]} {after[2]}".lower(), after[1].lower()
        found |= table.get(two, table.get(one, frozenset()))
    before = text[: q.start].rstrip()[-1:]
    if before and not before.isalnum():
        found |= table.get(before, frozenset())
    words = re.findall(r"[A-Za-z]+", q.text)
    if words and words[-1].lower() in word_tables()["en-ordinal"]:
        found.add(RANK)
    return frozenset(found)


def _indefinite_counts(text: str) -> list[Quantity]:
    """ "a year", "an hour": one of something counted, soft (1년 may say it; "a year" says "a"
    as much as "one"); "a decade" is also 10년."""
    articles = word_tables()["en-article"]
    table = counter_tables()["en"]
    out = []
    for m in re.finditer(rf"\b({'|'.join(articles)})\s+([A-Za-z]+)\b", text, re.IGNORECASE):
        units = table.get(m[2].lower())
        if units:
            alts = (10.0,) if m[2].lower() == "decade" else ()
            value = articles[m[1].lower()]
            out.append(Quantity(value, "n", m.start(), m.end(), m.group(0), alts, soft=True, units=units))
    return out


def _korean_units(text: str, q: Quantity, tokens: tuple) -> frozenset[str]:
    """What the Korean counts: its own % or 년 (40%, 10년), else the counter Kiwi cuts right after
    the number (3명, 2,000달러, 1만 명, 십일 년; two tokens joined first: 번+째, 차+전)."""
    table = counter_tables()["ko"]
    end = q.end
    if re.search(r"\d", q.text):
        m = _korean_pattern().match(text, q.start)
        own = m and (m["pct"] or m["year"])
        if own:
            return table.get(own.strip(), frozenset())
        end = m.end("body") if m else end
    elif q.text.endswith("째"):  # 둘째: the ordinal is in the word
        return table.get("째", frozenset())
    following = [k for k, t in enumerate(tokens) if end <= t.start <= end + 1]
    if not following:
        return frozenset()
    k = following[0]
    forms = [tokens[k].form]
    if k + 1 < len(tokens) and tokens[k + 1].start == tokens[k].end:
        forms.insert(0, tokens[k].form + tokens[k + 1].form)
    return next((table[f] for f in forms if f in table), frozenset())
