"""vocab.korean: a hit term's gloss located in the aligned Korean sentence.

Glosses are compared by Kiwi morpheme lemmas, so inflected forms (자랐다 for 자라다) count.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Sequence

from pipeline.lang import Token, ko
from pipeline.models import Article, VocabHit
from pipeline.stages.vocab.tagging import Tagger

#: Content morphemes allowed between two gloss morphemes in the sentence (용어를 처음 만들었다).
MAX_KOREAN_GAP = 2


def _content(morphemes: Sequence[Token]) -> list[int]:
    return [i for i, m in enumerate(morphemes) if ko.base_tag(m.tag) in ko.GLOSS_CONTENT_TAGS]


@functools.lru_cache(maxsize=4096)
def _gloss_lemmas(alternative: str) -> tuple[str, ...]:
    morphemes = ko.morphemes(alternative)
    return tuple(morphemes[i].lemma for i in _content(morphemes))


def gloss_alternatives(glosses: Iterable[str]) -> list[str]:
    """ "허겁지겁 먹어치우다, 게걸스럽게 먹다" → each comma-, slash- or semicolon-separated part."""
    parts = [p.strip() for g in glosses for p in re.split(r"[,/;·]", g)]
    return [p for p in dict.fromkeys(parts) if ko.HANGUL_ANY.search(p)]


def korean_spans(glosses: Iterable[str], morphemes: Sequence[Token]) -> list[tuple[int, int]]:
    """Character spans where a gloss (by morpheme lemmas, so any inflection) occurs."""
    content = _content(morphemes)
    lemmas = [morphemes[i].lemma for i in content]
    spans: list[tuple[int, int]] = []
    for alternative in gloss_alternatives(glosses):
        wanted = _gloss_lemmas(alternative)
        if not wanted:
            continue
        for first in (k for k, lemma in enumerate(lemmas) if lemma == wanted[0]):
            positions = [first]
            for lemma in wanted[1:]:
                window = lemmas[positions[-1] + 1 : positions[-1] + 2 + MAX_KOREAN_GAP]
                if lemma not in window:
                    break
                positions.append(positions[-1] + 1 + window.index(lemma))
            else:
                start_m, end_m = content[positions[0]], content[positions[-1]]
                end = morphemes[end_m].end
                for m in morphemes[end_m + 1 :]:
                    if not m.tag.startswith(ko.ATTACHED_TAG_PREFIXES) or m.start > end:
                        break
                    end = max(end, m.end)
                spans.append((morphemes[start_m].start, end))
    return sorted(set(spans))


def tag_article(article: Article, tagger: Tagger) -> list[VocabHit]:
    """English hits in every sentence, plus each hit term's gloss in the paired Korean sentences."""
    en_hits = tagger(article.en_sentences)
    ko_of: dict[int, list[int]] = {}
    for bead in article.beads:
        for i in bead.en:
            ko_of[i] = bead.ko
    ko_text = {s.index: s.text for s in article.ko_sentences}
    morphemes: dict[int, Sequence[Token]] = {}
    ko_hits: dict[tuple[str, int, int], VocabHit] = {}
    by_term = {t.term: t for t in tagger.terms.values()}
    for hit in en_hits:
        term = by_term[hit.term]
        if not term.glosses:
            continue
        for j in ko_of.get(hit.sentence, []):
            if j not in morphemes:
                morphemes[j] = ko.morphemes(ko_text[j])
            for start, end in korean_spans(term.glosses, morphemes[j]):
                surface = ko_text[j][start:end]
                ko_hits[(term.term, j, start)] = VocabHit(term.term, "ko", j, start, end, surface)
    return en_hits + sorted(ko_hits.values(), key=lambda h: (h.sentence, h.start, h.term))
