"""terms.harvest: candidate term pairs found in a Korean text, classified against the term base."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from pipeline.stages.segment import split_korean_text
from pipeline.stages.terms.base import Term, TermBase, acronym_key, is_acronym, term_key
from pipeline.stages.terms.expansions import english_expansions
from pipeline.stages.terms.gloss_span import NAME_READING, gloss_span, noun_readings, reading_similarity
from pipeline.stages.terms.korean import Parenthetical, korean_index, korean_parentheticals, squash

if TYPE_CHECKING:
    from pipeline.models import Article

# ---------------------------------------------------------------------------------------------
# Harvesting candidate pairs for the user to confirm
# ---------------------------------------------------------------------------------------------

#: Candidates at or above this confidence are added by `--all`; the others are only listed.
CONFIDENT = 0.75
#: Confidence of a span cut short because the noun phrase went on past what the English accounts for.
CUT_CONFIDENCE = 0.8
#: A capitalised English whose span sounds this much like it may be a name read aloud after all.
NEAR_READING = 0.6
NEAR_READING_CONFIDENCE = 0.5
#: Confidence of a span that accounts for fewer words than the English has (정도 for degree of
#: dissimilarity, when 틀린 cannot join): the translator's words for the rest are somewhere before it.
SHORT_CONFIDENCE = 0.5
#: Confidence of a span that took a genitive or a modifier although its nouns might account for all
#: of the English alone (한국의 중앙은행 for central bank: 중앙은행 may be two words in one).
JOINED_GUESS_CONFIDENCE = 0.5


@dataclass
class Candidate:
    """A term pair found in a text, with how it relates to the term base."""

    english: str
    korean: str
    acronym: str = ""
    context: str = ""  # the sentence it came from
    status: str = "new"  # "new", "known" (already accepted), "conflict" (forbidden, or contradicts)
    reason: str = ""
    confidence: float = 1.0  # that the Korean is exactly the words the English names
    doubt: str = ""  # why the confidence is low

    @property
    def confident(self) -> bool:
        """Sure enough to add without asking (`terms harvest --all`)."""
        return self.confidence >= CONFIDENT

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
        return _classify_parts(candidate, base)
    ko = squash(candidate.korean)
    if any(squash(f) == ko for f in entry.forbidden):
        candidate.status, candidate.reason = "conflict", f"forbidden for {entry.label()}"
    elif any(squash(a) == ko or ko.endswith(squash(a)) for a in entry.accepted):
        candidate.status, candidate.reason = "known", f"already accepted for {entry.label()}"
    elif entry.accepted:
        candidate.status = "conflict"
        candidate.reason = f"{entry.label()} is rendered {' / '.join(entry.accepted[:3])}"
    return candidate


def _classify_parts(candidate: Candidate, base: TermBase) -> Candidate:
    """A new English phrase that contains a known term (model *post-training*) conflicts when its
    Korean has none of that term's accepted renderings (모델 후처리 학습, not 사후 학습), or has a
    forbidden one. Terms with everyday senses are left out: their Korean varies with the sense."""
    korean = korean_index(candidate.korean)
    for hit in base.find_english(candidate.english):
        known = hit.term
        if known.ambiguous or not known.accepted:
            continue
        forbidden = [f for f in known.forbidden if korean.contains(f)]
        if forbidden or not any(korean.contains(a) for a in known.accepted):
            candidate.status = "conflict"
            candidate.reason = (
                f"{forbidden[0]!r} is forbidden for {known.label()}"
                if forbidden
                else f"contains {known.label()}, rendered {' / '.join(known.accepted[:3])}"
            )
            break
    return candidate


def _pair(
    sentence: str,
    p: Parenthetical,
    definitions: dict[str, str],
    read_as_noun: Callable[[str], bool] | None = None,
) -> Candidate | None:
    """The candidate a parenthetical makes, with the Korean narrowed to what the English names;
    None for a name read aloud (트럼프(Trump)) or when no Korean noun phrase is named."""
    if p.is_acronym:
        acronym = acronym_key(p.latin)
        english = definitions.get(acronym, acronym)
    else:
        acronym, english = "", p.latin
    candidate = Candidate(english, p.korean, acronym, sentence.strip())
    if p.kind in ("acronym-gloss", "en-ko"):  # the Korean is the whole parenthesis
        if (
            not is_acronym(english)
            and english[:1].isupper()
            and reading_similarity(english, p.korean) >= NAME_READING
        ):
            return None  # Dustin Lance Black(더스틴 랜스 블랙)
        return candidate
    span = gloss_span(sentence, sentence.rindex("(", 0, p.end), p.latin, p.is_acronym, read_as_noun)
    if span is None or span.read_aloud:
        return None
    candidate.korean = span.text
    if span.cut:
        candidate.confidence *= CUT_CONFIDENCE
        candidate.doubt = "the Korean noun phrase goes on before it"
    if span.short:
        candidate.confidence *= SHORT_CONFIDENCE
        candidate.doubt = "the English has words the Korean does not account for"
    if span.guess:
        candidate.confidence *= JOINED_GUESS_CONFIDENCE
        candidate.doubt = "the words before the noun phrase may not be the term's"
    if span.reading >= NEAR_READING:
        candidate.confidence *= NEAR_READING_CONFIDENCE
        candidate.doubt = "may be a name read aloud"
    return candidate


def harvest_text(text: str, base: TermBase, definitions: dict[str, str] | None = None) -> list[Candidate]:
    """Candidate pairs from Korean text written as 한국어(English), English(한국어), 한국어(ACR), ACR(한국어),
    once each (the same English with the same Korean), in text order.

    `definitions` maps an acronym to its English long form (from the English article), so that
    ``검증 가능한 보상 기반 강화 학습(RLVR)`` pairs with "Reinforcement Learning from Verifiable Rewards".
    """
    definitions = definitions or {}
    out: list[Candidate] = []
    seen: set[tuple[str, str]] = set()
    sentences = [block[s:e] for block in re.split(r"\n\s*\n", text) for s, e in split_korean_text(block)]
    read_as_noun = noun_readings(sentences)
    for sentence in sentences:
        for p in korean_parentheticals(sentence):
            candidate = _pair(sentence, p, definitions, read_as_noun)
            if candidate is None:
                continue
            key = (term_key(candidate.english), squash(candidate.korean))
            if key in seen:
                continue
            seen.add(key)
            out.append(_classify(candidate, base))
    return out


def article_definitions(article: Article) -> dict[str, str]:
    """Acronym → English long form, from the article's own definitions: the same expansions the
    acronym-gloss check reads ("proximal policy optimization (PPO)" → all three words)."""
    out: dict[str, str] = {}
    for s in article.en_sentences:
        for acronym, long_form in english_expansions(s.text).items():
            out.setdefault(acronym, long_form)
    return out


def harvest_article(article: Article, base: TermBase) -> list[Candidate]:
    text = "\n\n".join(s.text for s in article.ko_sentences)
    return harvest_text(text, base, article_definitions(article))
