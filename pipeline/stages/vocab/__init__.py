"""vocab: the reader's word list — import it from loose notes, tag every hit, track learning.

Notes are a loose Markdown list, one entry (or two, split by `` / ``) a line::

    - vicinity : 부근                       term, separator, Korean gloss
    - polymath 박식가                        no separator: split where Latin script turns to Hangul
    - jailbreak 탈옥 / exfiltrate : 유출     two entries on one line
    - 'Gobbled up'은 '허겁지겁 …'라는 뜻으로, …   quoted Korean is the gloss; the line is the note
    * Byte-Pair Encoding (BPE) 토크나이저.    an abbreviation in parentheses is an alias
    * TL;DR은 "Too Long; Didn't Read"의 …    a quoted expansion whose initials match is an alias
    - i coined the term : …                  "i" dropped, head verb cited as "coin the term"
    seconds away from … a jailbreak …        English line after an entry: its example

- ``entries``: ``VocabTerm``, its key and citation form, and merging an import into the list;
- ``notes``: reading the notes into entries;
- ``tagging``: the ``Tagger`` that finds terms in English sentences (lemma lookups over regex tokens);
- ``korean``: the gloss of a hit located in the aligned Korean sentence (Kiwi lemmas).
"""

from pipeline.lang.spans import highlight_html as highlight
from pipeline.stages.vocab.entries import (
    STATUSES,
    Action,
    BadStatus,
    Change,
    ImportReport,
    NoteEntry,
    ParsedNotes,
    SkippedLine,
    UnknownTerm,
    VocabError,
    VocabTerm,
    check_status,
    citation_form,
    find_term,
    initials,
    is_abbreviation_of,
    merge_terms,
    term_key,
)
from pipeline.stages.vocab.korean import MAX_KOREAN_GAP, gloss_alternatives, korean_spans, tag_article
from pipeline.stages.vocab.notes import (
    MAX_TERM_WORDS,
    NotATerm,
    new_term,
    parse_notes,
    read_notes,
)
from pipeline.stages.vocab.tagging import MAX_GAP, Tagger

__all__ = [
    "MAX_GAP",
    "MAX_KOREAN_GAP",
    "MAX_TERM_WORDS",
    "STATUSES",
    "Action",
    "BadStatus",
    "Change",
    "ImportReport",
    "NotATerm",
    "NoteEntry",
    "ParsedNotes",
    "SkippedLine",
    "Tagger",
    "UnknownTerm",
    "VocabError",
    "VocabTerm",
    "check_status",
    "citation_form",
    "find_term",
    "gloss_alternatives",
    "highlight",
    "initials",
    "is_abbreviation_of",
    "korean_spans",
    "merge_terms",
    "new_term",
    "parse_notes",
    "read_notes",
    "tag_article",
    "term_key",
]
