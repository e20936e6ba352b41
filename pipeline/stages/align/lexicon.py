"""The learned lexicon: English words and Korean stems that co-occur in the first round's confident
1-1 beads, added as features for a second round (as hunalign's realign does)."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence

from pipeline.models import Sentence
from pipeline.stages.align.costs import CostModel, Span
from pipeline.stages.align.features import STOPWORDS, Features

_EN_WORD = re.compile(r"[a-z]{3,}")
_KO_WORD = re.compile(r"[\uac00-\ud7a3]{2,}")
LEXICON_PREFIX = "lx:"


def content_words(text: str) -> set[str]:
    return {w for w in _EN_WORD.findall(text.lower()) if w not in STOPWORDS}


def korean_stems(text: str) -> set[str]:
    """A crude stem: the first two syllables of each Hangul word (말했다, 말했습니다 → 말했).
    Kiwi's morphemes would be exact but cost seconds on a long text; the lexicon only needs a key."""
    return {w[:2] for w in _KO_WORD.findall(text)}


def learn_lexicon(
    en: Sequence[Sentence],
    ko: Sequence[Sentence],
    path: list[Span],
    step_costs: list[float],
    model: CostModel,
) -> dict[str, set[str]]:
    """English word → Korean stems that co-occur in confident 1-1 beads (Dice association)."""
    ones = [
        (cost, i0, j0)
        for (i0, i1, j0, j1), cost in zip(path, step_costs, strict=True)
        if i1 - i0 == 1 and j1 - j0 == 1
    ]
    if len(ones) < model.lexicon_min_pairs:
        return {}
    ones.sort()
    pair_count: dict[tuple[str, str], int] = defaultdict(int)
    en_count: dict[str, int] = defaultdict(int)
    ko_count: dict[str, int] = defaultdict(int)
    for _, i, j in ones[: model.lexicon_sample]:
        words = content_words(en[i].text)
        stems = korean_stems(ko[j].text)
        for w in words:
            en_count[w] += 1
        for k in stems:
            ko_count[k] += 1
        for w in words:
            for k in stems:
                pair_count[(w, k)] += 1
    scored: list[tuple[float, str, str]] = []
    for (w, k), c in pair_count.items():
        dice = 2 * c / (en_count[w] + ko_count[k])
        if c >= model.lexicon_min_count and dice >= model.lexicon_min_dice:
            scored.append((dice, w, k))
    # The best few partners of each word and each stem: a stem such as 그는 co-occurs with half the
    # vocabulary, and keeping all of it would only add noise (and memory) to the second round.
    scored.sort(reverse=True)
    lexicon: dict[str, set[str]] = defaultdict(set)
    per_stem: dict[str, int] = defaultdict(int)
    for _, w, k in scored:
        if len(lexicon[w]) < model.lexicon_max_partners and per_stem[k] < model.lexicon_max_partners:
            lexicon[w].add(k)
            per_stem[k] += 1
    return {w: stems for w, stems in lexicon.items() if stems}


def add_lexicon_features(
    lexicon: dict[str, set[str]],
    en: Sequence[Sentence],
    ko: Sequence[Sentence],
    feats_en: list[Features],
    feats_ko: list[Features],
    weight: float,
) -> tuple[list[Features], list[Features]]:
    """Add a feature per learned word pair to the sentences carrying it (in place); returns the
    features added to each English and each Korean sentence."""
    by_stem: dict[str, list[str]] = defaultdict(list)
    for en_word, stems in lexicon.items():
        for stem in stems:
            by_stem[stem].append(en_word)
    added_en: list[Features] = []
    added_ko: list[Features] = []
    for f, sentence in zip(feats_en, en, strict=True):
        new = {
            LEXICON_PREFIX + w: weight
            for w in content_words(sentence.text)
            if w in lexicon and LEXICON_PREFIX + w not in f
        }
        f.update(new)
        added_en.append(new)
    keys_by_stem = {stem: [LEXICON_PREFIX + w for w in words] for stem, words in by_stem.items()}
    for f, sentence in zip(feats_ko, ko, strict=True):
        new = {
            key: weight
            for stem in korean_stems(sentence.text) & keys_by_stem.keys()
            for key in keys_by_stem[stem]
            if key not in f
        }
        f.update(new)
        added_ko.append(new)
    return added_en, added_ko
