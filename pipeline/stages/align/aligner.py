"""The aligner's settings and its two passes put together: features and costs, anchors and corridor,
the DP, a ratio re-estimate, the learned-lexicon round, and the beads with their scores."""

from __future__ import annotations

import math
import os
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

import numpy as np

from pipeline.models import Bead, Sentence
from pipeline.stages.align.confidence import bead_evidence, bead_scores, calibration
from pipeline.stages.align.costs import AlignmentError, BeadCosts, CostModel, Span
from pipeline.stages.align.dp import around, search
from pipeline.stages.align.embeddings import Embeddings
from pipeline.stages.align.features import SCORERS, Scorer, semantic_scorer
from pipeline.stages.align.lexicon import add_lexicon_features, learn_lexicon

if TYPE_CHECKING:
    from pipeline.stages.semantic import Encoder


@dataclass
class Aligner:
    """Settings of the two-pass aligner; calling it aligns two sentence lists.

    ``scorers`` names model-free scorers of ``SCORERS``; ``extra_scorers`` adds others, such as a
    dictionary scorer (the term base) or the embedding scorer (:meth:`with_encoder`)."""

    scorers: tuple[str, ...] = ("numbers", "latin", "translit", "structure")
    extra_scorers: list[Scorer] = field(default_factory=list)
    cost: CostModel = CostModel()
    # Both sides together; beyond this, refuse rather than risk memory and minutes (100,000 a side
    # align in under a minute and 1 GB: benchmarks/README-speed.md, "Scale").
    max_sentences: int = 250_000

    def __call__(self, en: Sequence[Sentence], ko: Sequence[Sentence]) -> list[Bead]:
        return align(en, ko, self)

    @property
    def encoder(self) -> Encoder | None:
        """The embedding scorer's encoder, if the aligner has one."""
        return next((s.encoder for s in self.extra_scorers if s.encoder is not None), None)

    def with_encoder(self, encoder: Encoder | None) -> Aligner:
        """These settings with sentence embeddings from ``encoder`` as a scorer (replacing any
        other embedding scorer); None: unchanged."""
        if encoder is None:
            return self
        others = [s for s in self.extra_scorers if s.encoder is None]
        return replace(self, extra_scorers=[*others, semantic_scorer(encoder)])


def align(en: Sequence[Sentence], ko: Sequence[Sentence], aligner: Aligner | None = None) -> list[Bead]:
    """Align English and Korean sentences into beads covering every sentence once, in order."""
    aligner = aligner or Aligner()
    n, m = len(en), len(ko)
    check_size(n, m, aligner)
    if n == 0 or m == 0:
        # With one side empty, leaving every sentence of the other unpaired is certainly right.
        unpaired = [Bead([s.index], [], 1.0, s.text, "") for s in en]
        return unpaired + [Bead([], [s.index], 1.0, "", s.text) for s in ko]
    if aligner.encoder is not None and distinct_sentences(en, ko) > aligner.cost.encode_all_distinct:
        costs, path, step_costs = align_encoding_unsure(en, ko, aligner)
    else:
        costs = bead_costs(en, ko, aligner)
        path, step_costs = best_path(en, ko, costs)
    return beads(en, ko, costs, path, step_costs)


def distinct_sentences(en: Sequence[Sentence], ko: Sequence[Sentence]) -> int:
    """Distinct texts of both sides: what encoding them all costs, the encoders caching by text."""
    return len({s.text for s in en}) + len({s.text for s in ko})


def align_encoding_unsure(
    en: Sequence[Sentence], ko: Sequence[Sentence], aligner: Aligner
) -> tuple[BeadCosts, list[Span], list[float]]:
    """Align a long text encoding only where the model-free pass is unsure: the encoder embeds
    some 900 sentences a second, so encoding 200,000 would take minutes where the rest takes
    seconds. Align without embeddings; encode the sentences of unsure beads and their neighbours;
    search the corridor around the first path again, the embedding term counted for beads whose
    sentences all have vectors (benchmarks/README-speed.md, "Encoding only the unsure stretches")."""
    model = aligner.cost
    encoding = [s for s in aligner.extra_scorers if s.encoder is not None]
    plain = replace(aligner, extra_scorers=[s for s in aligner.extra_scorers if s.encoder is None])
    costs = bead_costs(en, ko, plain)
    path, step_costs = best_path(en, ko, costs)
    wanted_en, wanted_ko = unsure_sentences(path, one_to_one_scores(costs, path, step_costs), costs)
    costs.embeddings = [Embeddings.build(en, ko, s, model, wanted_en, wanted_ko) for s in encoding]
    path, step_costs = search(costs, around(path, model.lexicon_band, costs))
    return costs, path, step_costs


def one_to_one_scores(costs: BeadCosts, path: list[Span], step_costs: list[float]) -> list[float | None]:
    """The calibrated score of every 1-1 bead of the path, None for the others. Only 1-1 beads are
    scored: the others are encoded whatever their score, and scoring a 1-0 or 0-1 bead costs a
    fold into each neighbour."""
    ones = [k for k, (i0, i1, j0, j1) in enumerate(path) if (i1 - i0, j1 - j0) == (1, 1)]
    evidence = bead_evidence(costs, [path[k] for k in ones], [step_costs[k] for k in ones])
    scores: list[float | None] = [None] * len(path)
    for k, e in zip(ones, evidence, strict=True):
        scores[k] = calibration().probability(e, with_embeddings=False)
    return scores


def unsure_sentences(
    path: list[Span], scores: Sequence[float | None], costs: BeadCosts
) -> tuple[np.ndarray, np.ndarray]:
    """Boolean masks of the English and Korean sentences to encode: those of every bead that is not
    a confident 1-1 (score below ``encode_below``, or another type: the omission and addition
    checks read the cosines of merged beads) and of ``encode_context`` beads either side of it."""
    model = costs.model
    unsure = np.array([score is None or score < model.encode_below for score in scores], dtype=bool)
    context = model.encode_context
    window = np.ones(2 * context + 1, dtype=np.int64)
    # The full convolution, cut to the path: mode="same" returns the window's length when the path
    # is shorter than it.
    near = np.convolve(unsure.astype(np.int64), window)[context : context + len(unsure)] > 0
    wanted_en = np.zeros(costs.n, dtype=bool)
    wanted_ko = np.zeros(costs.m, dtype=bool)
    for k in np.flatnonzero(near).tolist():
        i0, i1, j0, j1 = path[k]
        wanted_en[i0:i1] = True
        wanted_ko[j0:j1] = True
    return wanted_en, wanted_ko


def check_size(n: int, m: int, aligner: Aligner) -> None:
    """Refuse ``n`` English and ``m`` Korean sentences past the aligner's limit, or whose alignment
    would not fit in the memory free now. Cheap: callers with a sentence count in hand (a line
    count of presplit files) call it before reading, loading models or checking anything."""
    if n + m > aligner.max_sentences:
        raise AlignmentError(
            f"{n:,} English and {m:,} Korean sentences exceed the limit of {aligner.max_sentences:,}; "
            "split the text into smaller articles"
        )
    needed, free = (n + m) * BYTES_PER_SENTENCE, available_memory()
    if free is not None and needed > 0.8 * free:
        # Refuse up front rather than be killed by the OOM killer halfway through.
        raise AlignmentError(
            f"aligning {n:,} English and {m:,} Korean sentences needs about {needed / 2**20:,.0f} MB, "
            f"and only {free / 2**20:,.0f} MB of memory is free; split the text into smaller articles "
            "or free some memory"
        )


#: Peak memory of `readnotes align` per sentence (both sides), the whole process with reading and
#: writing: 99,693 + 98,703 sentences peaked at 502 MB, 2.5 KB a sentence (benchmarks/README-speed.md,
#: "Scale"); 3 KB leaves a margin, and the guard asks for it within 80% of the free memory.
BYTES_PER_SENTENCE = 3 * 1024


def available_memory() -> int | None:
    """Bytes of physical memory free now, where the system says (Linux, macOS); else None."""
    try:
        return os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (AttributeError, ValueError, OSError):
        return None


def bead_costs(en: Sequence[Sentence], ko: Sequence[Sentence], aligner: Aligner) -> BeadCosts:
    """The costs of the two texts under the aligner's scorers: feature scorers (document-aware
    ones prepared for this English) and embedding scorers, whose sentences are encoded once."""
    scorers = [SCORERS[name] for name in aligner.scorers if name in SCORERS] + list(aligner.extra_scorers)
    english = [s.text for s in en]
    featured = [replace(s, features=s.prepare(english)) if s.prepare else s for s in scorers if s.features]
    embedded = [Embeddings.build(en, ko, s, aligner.cost) for s in scorers if s.encoder is not None]
    return BeadCosts.build(en, ko, featured, aligner.cost, embedded)


def best_path(
    en: Sequence[Sentence], ko: Sequence[Sentence], costs: BeadCosts
) -> tuple[list[Span], list[float]]:
    """Search; re-estimate the length ratio from the 1-1 pairs found and search again if it moved;
    then, with word pairs learned from the confident ones, search a narrow corridor again."""
    model = costs.model
    path, step_costs = search(costs)
    ones = [
        (costs.len_ko[j1] - costs.len_ko[j0]) / max(costs.len_en[i1] - costs.len_en[i0], 1.0)
        for i0, i1, j0, j1 in path
        if i1 - i0 == 1 and j1 - j0 == 1
    ]
    if len(ones) >= model.ratio_min_pairs:
        observed = float(np.median(ones))
        if abs(math.log(observed / costs.ratio)) > model.ratio_update:
            costs.ratio = observed
            path, step_costs = search(costs)
    if model.learn_lexicon:
        learned = learn_lexicon(en, ko, path, step_costs, model)
        if learned:
            # Not kept in a local: the added features would stay alive through the search below.
            costs.add_features(
                *add_lexicon_features(learned, en, ko, costs.feats_en, costs.feats_ko, model.lexicon_weight)
            )
            # The first path is nearly right: search a narrow corridor around it.
            path, step_costs = search(costs, around(path, model.lexicon_band, costs))
    return path, step_costs


def beads(
    en: Sequence[Sentence],
    ko: Sequence[Sentence],
    costs: BeadCosts,
    path: list[Span],
    step_costs: list[float],
) -> list[Bead]:
    """The path as beads with their scores and, with an embedding scorer, their cosines."""
    scores = bead_scores(costs, path, step_costs)
    return [
        Bead(
            [en[i].index for i in range(i0, i1)],
            [ko[j].index for j in range(j0, j1)],
            float(score),
            " ".join(en[i].text for i in range(i0, i1)),
            " ".join(ko[j].text for j in range(j0, j1)),
            cosine=costs.cosine(i0, i1, j0, j1),
        )
        for (i0, i1, j0, j1), score in zip(path, scores, strict=True)
    ]


def presplit_sentences(text: str) -> list[Sentence]:
    """Presplit text: one sentence per line, blank lines between paragraphs (the stateless interface)."""
    sentences: list[Sentence] = []
    block = 0
    seen_in_block = False
    for line in text.split("\n"):
        stripped = line.strip()
        if not stripped:
            if seen_in_block:
                block += 1
                seen_in_block = False
            continue
        sentences.append(Sentence(len(sentences), block, stripped, 0, len(stripped)))
        seen_in_block = True
    return sentences
