"""terms: the term base (English term → accepted and forbidden Korean renderings) and term extraction.

- ``base``: the entries, their TSV form, the English matcher and the pure edits the store persists;
- ``korean``: renderings found in Korean after Kiwi analysis, and ``한국어(ACR)``-style glosses;
- ``definitions``: ``Long Form (ACR)`` definitions in English (Schwartz & Hearst 2003);
- ``expansions``: the article's expansion of an acronym, and whether a Korean gloss renders it;
- ``gloss_span``: exactly which Korean words a parenthesised English names, and names read aloud;
- ``harvest``: candidate pairs from a Korean text, with a confidence, classified against the term base.

Everything is pure: the store reads and writes the user's entries. Whether a Hangul word is the
sound of a Latin one (트럼프 = Trump) is ``pipeline.lang.translit.transliterates``.
"""

from pipeline.lang.translit import transliterates
from pipeline.stages.terms.base import (
    LIST_SEP,
    TSV_COLUMNS,
    Term,
    TermBase,
    TermEditError,
    TermError,
    TermFileError,
    TermHit,
    acronym_key,
    bundled,
    is_acronym,
    latin_forms_in,
    merged_entry,
    parse_tsv,
    promoted_entry,
    term_key,
    to_tsv,
)
from pipeline.stages.terms.definitions import (
    Definition,
    english_definitions,
    english_supports,
    initials_spell,
    schwartz_hearst,
)
from pipeline.stages.terms.expansions import (
    GlossVerdict,
    english_expansions,
    gloss_verdict,
    reads_acronym,
    spelled_out,
)
from pipeline.stages.terms.gloss_span import GlossSpan, gloss_span, reading_similarity
from pipeline.stages.terms.harvest import Candidate, article_definitions, harvest_article, harvest_text
from pipeline.stages.terms.korean import (
    KoreanIndex,
    Parenthetical,
    korean_index,
    korean_parentheticals,
    preceding_noun_phrase,
    squash,
)

__all__ = [
    "LIST_SEP",
    "TSV_COLUMNS",
    "Candidate",
    "Definition",
    "GlossVerdict",
    "GlossSpan",
    "KoreanIndex",
    "Parenthetical",
    "Term",
    "TermBase",
    "TermEditError",
    "TermError",
    "TermFileError",
    "TermHit",
    "acronym_key",
    "article_definitions",
    "bundled",
    "english_definitions",
    "english_expansions",
    "english_supports",
    "gloss_span",
    "gloss_verdict",
    "harvest_article",
    "harvest_text",
    "initials_spell",
    "is_acronym",
    "korean_index",
    "korean_parentheticals",
    "latin_forms_in",
    "merged_entry",
    "parse_tsv",
    "preceding_noun_phrase",
    "promoted_entry",
    "reads_acronym",
    "reading_similarity",
    "schwartz_hearst",
    "spelled_out",
    "squash",
    "term_key",
    "to_tsv",
    "transliterates",
]
