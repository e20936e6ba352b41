"""terms.definitions: acronyms defined in English (Schwartz & Hearst 2003) and spelled out by initials.

"Reinforcement Learning from Human Feedback (RLHF)" and "RLHF (Reinforcement Learning from Human
Feedback)" define RLHF; "Federation of German Industries (BDI)" spells BDI out in another order.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from pipeline.lang import en
from pipeline.stages.terms.base import acronym_key, is_acronym

# ---------------------------------------------------------------------------------------------
# Acronym definitions in English, and parentheticals in Korean
# ---------------------------------------------------------------------------------------------

ACRONYM_TOKEN = r"[A-Za-z0-9][A-Za-z0-9\-\.&]*[A-Za-z0-9]s?|[A-Z]{2,}"


def _acronym_letters(acronym: str) -> str:
    return "".join(c for c in acronym_key(acronym) if c.isalnum())


def schwartz_hearst(short: str, long: str) -> str | None:
    """The shortest end of `long` that spells `short` (letters in order, the first at a word start),
    after Schwartz & Hearst (2003); None if there is none."""
    chars = [c.lower() for c in _acronym_letters(short)]
    if len(chars) < 2:
        return None
    li = len(long) - 1
    for si in range(len(chars) - 1, -1, -1):
        c = chars[si]
        while li >= 0 and (long[li].lower() != c or (si == 0 and li > 0 and long[li - 1].isalnum())):
            li -= 1
        if li < 0:
            return None
        li -= 1
    start = max(long.rfind(" ", 0, li + 1), long.rfind("-", 0, li + 1)) + 1
    found = long[start:].strip()
    words = found.split()
    if len(words) > min(len(chars) + 5, 2 * len(chars)) or len(found) <= len(short):
        return None
    return found


def initials_spell(acronym: str, words: Sequence[str]) -> bool:
    """Do the words' initials (stop words skipped, hyphenated parts counted) spell the acronym?"""
    letters = _acronym_letters(acronym).lower()
    skip = en.word_class("acronym_skip")
    initials = ""
    for w in words:
        for part in re.split(r"-", w):
            if part and part.lower() not in skip:
                initials += part[0].lower()
    return initials == letters


@dataclass(frozen=True)
class Definition:
    """An acronym defined in English: "Reinforcement Learning from Human Feedback (RLHF)"."""

    acronym: str
    long_form: str
    start: int
    end: int


def english_definitions(text: str) -> list[Definition]:
    """``Long Form (ACR …)`` and ``ACR (Long Form)`` in an English text."""
    out: list[Definition] = []
    for m in re.finditer(r"\(([^()]*)\)", text):
        inner = m.group(1).strip()
        first = re.match(rf"(?:{ACRONYM_TOKEN})(?=$|[\s,;:~])", inner)
        before = text[: m.start()].rstrip()
        if first and is_acronym(first.group(0)):
            acronym = first.group(0)
            window = " ".join(before.split()[-(2 * len(acronym) + 2) :])
            long = schwartz_hearst(acronym, window)
            if long:
                out.append(Definition(acronym_key(acronym), long, m.start() - len(long) - 1, m.end()))
            continue
        prev = re.search(rf"({ACRONYM_TOKEN})$", before)
        if prev and is_acronym(prev.group(1)) and re.match(r"[A-Za-z]", inner):
            long = schwartz_hearst(prev.group(1), inner.split(",")[0])
            if long:
                out.append(Definition(acronym_key(prev.group(1)), long, prev.start(1), m.end()))
    return out


def english_supports(acronym: str, text: str) -> bool:
    """Does this English text spell the acronym out (a definition, or words whose initials spell it)?"""
    key = acronym_key(acronym)
    if any(d.acronym == key for d in english_definitions(text)):
        return True
    # "Federation of German Industries (BDI)": spelled out next to it, even in another language's order.
    escaped = re.escape(acronym)
    if re.search(rf"\w[^()]*\(\s*{escaped}s?\b|\b{escaped}s?\s*\([^()]*[a-z]", text):
        return True
    words = re.findall(r"[A-Za-z][A-Za-z'\-]*", text)
    skip = en.word_class("acronym_skip")
    n = len(_acronym_letters(acronym))
    if n < 3:  # any two words spell a two-letter acronym: only Capitalised Ones count
        words = [w for w in words if w[0].isupper() or w.lower() in skip]
    for i in range(len(words)):
        if words[i].lower() in skip:
            continue
        window: list[str] = []
        for w in words[i : i + 3 * n]:
            window.append(w)
            if initials_spell(acronym, window):
                return True
    return False
