"""Can a Korean search skip Kiwi? What a query-side shortcut would change, measured on the index.

``readnotes search`` analyses the query with Kiwi (연구소의 → 연구소) and then every matching
sentence again, to mark where the query's terms are. Two shortcuts would avoid the analyzer:

- query: take a one-word Hangul query as its own search term, unanalysed. This is right when Kiwi
  analyses each index term, alone, back to itself;
- spans: mark the query term's occurrences in the text. This is right when those are exactly the
  spans of the morphemes the sentence was indexed under.

For every pure-Hangul search term of every Korean sentence (the NTREX dev Korean and the bundled
sample, or the sample alone), both are checked against Kiwi, in all and for nouns of two syllables
or more (the "noun-like" queries such as 연구소).

    python -m benchmarks.search_query
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

from benchmarks.data import DEFAULT_PAIRS, REPO_ROOT, load_documents

SAMPLE_KO = REPO_ROOT / "raw" / "karpathy-2025.ko.md"
_HANGUL_WORD = re.compile(r"[\uac00-\ud7a3]+")


def korean_sentences(pairs: Path) -> list[str]:
    from pipeline.stages import ingest

    rows = [r for doc in load_documents(pairs) for r in doc.ko_rows] if pairs.exists() else []
    return rows + [b.text for b in ingest.read_document(SAMPLE_KO, "ko").blocks if b.alignable]


def main(argv: list[str] | None = None) -> int:
    from pipeline.lang import ko
    from pipeline.stages import search

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pairs", type=Path, default=DEFAULT_PAIRS, help="NTREX dev pairs.tsv")
    args = parser.parse_args(argv)

    tags: dict[str, set[str]] = {}  # search term → the tags it was indexed under
    spans = {"all": [0, 0], "nouns": [0, 0]}  # [agreeing, total] sentence–term pairs
    for text in korean_sentences(args.pairs):
        found = search.terms_with_spans(text, "ko")
        tag_at = {(m.start, m.end): m.tag for m in ko.morphemes(text)}
        for term in {t for t, _, _ in found if _HANGUL_WORD.fullmatch(t)}:
            morpheme_spans = sorted({(s, e) for t, s, e in found if t == term})
            tags.setdefault(term, set()).update(tag_at.get(span, "") for span in morpheme_spans)
            occurrences = [m.span() for m in re.finditer(re.escape(term), text)]
            noun = len(term) >= 2 and all(tag_at.get(span, "").startswith("NN") for span in morpheme_spans)
            for kind in ("all", "nouns") if noun else ("all",):
                spans[kind][0] += occurrences == morpheme_spans
                spans[kind][1] += 1

    queries = {"all": [0, 0], "nouns": [0, 0]}
    examples: list[str] = []
    for term, term_tags in tags.items():
        try:
            analysed = search.query_terms(term)
        except search.EmptyQuery:
            analysed = []
        noun = len(term) >= 2 and all(t.startswith("NN") for t in term_tags)
        for kind in ("all", "nouns") if noun else ("all",):
            queries[kind][0] += analysed == [term]
            queries[kind][1] += 1
        if noun and analysed != [term] and len(examples) < 10:
            examples.append(f"{term} → {' '.join(analysed) or '(nothing)'}")

    print("| shortcut | search terms | agrees with Kiwi | nouns of 2+ syllables | agrees with Kiwi |")
    print("| --- | --- | --- | --- | --- |")
    for name, counts in (
        ("query unanalysed (distinct terms)", queries),
        ("spans by text (sentence, term)", spans),
    ):
        (a, n), (na, nn) = counts["all"], counts["nouns"]
        print(f"| {name} | {n:,} | {a:,} ({a / n:.1%}) | {nn:,} | {na:,} ({na / nn:.1%}) |")
    print("\nNouns that Kiwi does not analyse back to themselves:", "; ".join(examples))
    return 0


if __name__ == "__main__":
    sys.exit(main())
