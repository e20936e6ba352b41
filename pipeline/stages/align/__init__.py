"""align: sentence alignment with n–m beads, omissions, additions and a score per bead.

Two passes, in the spirit of Bertalign (written from its paper, not its GPL code):

1. **Anchors** (:mod:`.anchors`). Sentences are reduced to features (:mod:`.features`: numbers
   normalised across scripts, Latin-script tokens and acronyms, English terms in Korean
   parentheses, structure marks, and whatever the optional scorers add). Pairs that share rare
   features are candidate anchors; the heaviest monotone chain of them is the corridor's skeleton.
2. **Corridor DP** (:mod:`.dp`). A dynamic program over beads 1-1, 1-2, 2-1, 2-2, 1-3, 3-1, 1-0 and
   0-1 runs in a band around that skeleton, one numpy-vectorised row per English sentence. Its cost
   (:mod:`.costs`, every tuning number in :class:`CostModel`) adds a length model (ratio and spread
   learned from the two texts), feature matches, bead-type priors, block structure (a bead never
   straddles a block; block starts on both sides are cheap boundaries) and, with an embedding
   scorer (:mod:`.embeddings`), the cosine of the bead's two sides.

A second round adds word pairs learned from the first (:mod:`.lexicon`); each bead then gets a
score (:mod:`.confidence`) and, with an embedding scorer, its cosine. Memory and time are linear
in the text length: the band has a fixed width, the pair features are sparse, and only a few DP
rows are kept besides the int8 back-pointers.

A long text (more than ``CostModel.encode_all_distinct`` distinct sentences) is aligned without
embeddings first; the encoder then embeds only the sentences of the beads that pass was unsure of
and their neighbours, and the corridor around the first path is searched again with their cosines
(``aligner.align_encoding_unsure``): on such a text the encoder is the slowest part by far. Beads
far from any doubt keep their model-free cost and carry no cosine.
"""

from pipeline.stages.align.aligner import (
    BYTES_PER_SENTENCE,
    Aligner,
    align,
    available_memory,
    check_size,
    presplit_sentences,
)
from pipeline.stages.align.costs import BEAD_TYPES, AlignmentError, CostModel
from pipeline.stages.align.features import (
    SCORERS,
    Features,
    Scorer,
    available_scorers,
    dictionary_scorer,
    semantic_scorer,
)

__all__ = [
    "BEAD_TYPES",
    "BYTES_PER_SENTENCE",
    "SCORERS",
    "Aligner",
    "AlignmentError",
    "CostModel",
    "Features",
    "Scorer",
    "align",
    "available_memory",
    "available_scorers",
    "check_size",
    "dictionary_scorer",
    "presplit_sentences",
    "semantic_scorer",
]
