"""terms.harvest: candidate term pairs found in a Korean text, classified against the term base."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from pipeline.lang.translit import transliterates
from pipeline.stages.segment import split_korean_text
from pipeline.stages.terms.base import Term, TermBase, acronym_key, is_acronym, term_key
from pipeline.stages.terms.definitions import english_definitions
from pipeline.stages.terms.korean import korean_parentheticals, squash

if TYPE_CHECKING:
    from pipeline.models import Article

# ---------------------------------------------------------------------------------------------
# Harvesting candidate pairs for the user to confirm
# ---------------------------------------------------------------------------------------------


@dataclass
class Candidate:
    """A term pair found in a text, with how it relates to the term base."""

    english: str
    korean: str
    acronym: str = ""
    context: str = ""  # the sentence it came from
    status: str = "new"  # "new", "known" (already accepted), "conflict" (forbidden, or contradicts)
    reason: str = ""

    def to_term(self, source: str = "harvest") -> Term:
        return Term(
            term=self.english,
            acronym=self.acronym,
            accepted=[self.korean],
            source=source,
            aliases=[],
        )


def _classify(candidate: Candidate, base: TermBase) -> Candidate:
    entry = base.get(candidate.english) or (base.get(candidate.acronym) if candidate.acronym else None)
    if entry is None:
        return candidate
    ko = squash(candidate.korean)
    if any(squash(f) == ko for f in entry.forbidden):
        candidate.status, candidate.reason = "conflict", f"forbidden for {entry.label()}"
    elif any(squash(a) == ko or ko.endswith(squash(a)) for a in entry.accepted):
        candidate.status, candidate.reason = "known", f"already accepted for {entry.label()}"
    elif entry.accepted:
        candidate.status = "conflict"
        candidate.reason = f"{entry.label()} is rendered {' / '.join(entry.accepted[:3])}"
    return candidate


def harvest_text(text: str, base: TermBase, definitions: dict[str, str] | None = None) -> list[Candidate]:
    """Candidate pairs from Korean text written as 한국어(English), English(한국어), 한국어(ACR), ACR(한국어).

    `definitions` maps an acronym to its English long form (from the English article), so that
    ``검증 가능한 보상 기반 강화 학습(RLVR)`` pairs with "Reinforcement Learning from Verifiable Rewards".
    """
    definitions = definitions or {}
    out: list[Candidate] = []
    seen: set[tuple[str, str]] = set()
    for block in re.split(r"\n\s*\n", text):
        for s, e in split_korean_text(block):
            sentence = block[s:e]
            for p in korean_parentheticals(sentence):
                if p.is_acronym:
                    acronym = acronym_key(p.latin)
                    english = definitions.get(acronym, acronym)
                else:
                    acronym, english = "", p.latin
                key = (term_key(english), squash(p.korean))
                if key in seen or (english[:1].isupper() and not is_acronym(english)
                                   and transliterates(english, p.korean)):  # fmt: skip
                    continue  # a name read aloud (트럼프(Trump)) is not a term pair
                seen.add(key)
                out.append(_classify(Candidate(english, p.korean, acronym, sentence.strip()), base))
    return out


def article_definitions(article: Article) -> dict[str, str]:
    """Acronym → English long form, from the article's own definitions."""
    out: dict[str, str] = {}
    for s in article.en_sentences:
        for d in english_definitions(s.text):
            out.setdefault(d.acronym, d.long_form)
    return out


def harvest_article(article: Article, base: TermBase) -> list[Candidate]:
    text = "\n\n".join(s.text for s in article.ko_sentences)
    return harvest_text(text, base, article_definitions(article))
