"""English search words without spaCy: where ``lang.en.tokens`` (one regular expression) cuts a
sentence differently from spaCy's English tokenizer, which the search index used before.

Only words holding a letter or a digit count (search drops the rest). The rules were written on
the first half of the NTREX dev documents (``--part calibrate``) and are reported on the second
(``--part report``, the default): sentences whose (word, start, end) lists differ, and the most
frequent differences.

    python -m benchmarks.english_tokens
    python -m benchmarks.english_tokens --part calibrate
"""

from __future__ import annotations

import argparse
import time
from collections import Counter

from benchmarks.data import DEFAULT_PAIRS, load_documents


def spacy_words(text: str) -> list[tuple[str, int, int]]:
    from pipeline.lang import en

    return [
        (t.text, t.idx, t.idx + len(t.text)) for t in en.tokenizer()(text) if any(c.isalnum() for c in t.text)
    ]


def main(argv: list[str] | None = None) -> int:
    from pipeline.lang import en

    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--pairs", default=str(DEFAULT_PAIRS))
    parser.add_argument("--part", choices=("calibrate", "report"), default="report")
    parser.add_argument("--show", type=int, default=15, help="How many kinds of difference to list.")
    args = parser.parse_args(argv)
    docs = load_documents(args.pairs)
    half = len(docs) // 2
    texts = [row for doc in (docs[:half] if args.part == "calibrate" else docs[half:]) for row in doc.en_rows]
    differing, kinds = 0, Counter()
    spacy_words("warm up")  # building spaCy is timed by cli_latency, not here
    started = time.perf_counter()
    theirs = [spacy_words(t) for t in texts]
    spacy_seconds, started = time.perf_counter() - started, time.perf_counter()
    ours = [en.word_spans(t) for t in texts]
    regex_seconds = time.perf_counter() - started
    for a, b in zip(theirs, ours, strict=True):
        if a != b:
            differing += 1
            only_a = tuple(w for w, _, _ in sorted(set(a) - set(b), key=lambda x: x[1]))
            only_b = tuple(w for w, _, _ in sorted(set(b) - set(a), key=lambda x: x[1]))
            kinds[(only_a, only_b)] += 1
    words = sum(len(a) for a in theirs)
    print(f"{args.part} half: {len(texts)} sentences, {words} words (spaCy)")
    print(f"sentences cut differently: {differing} ({differing / max(len(texts), 1):.1%})")
    per_sentence = [seconds / len(texts) * 1e6 for seconds in (spacy_seconds, regex_seconds)]
    print("µs per sentence: spaCy tokenizer {:.0f}, regex {:.0f}".format(*per_sentence))
    print("most frequent differences (spaCy → regex):")
    for (a, b), n in kinds.most_common(args.show):
        print(f"  {n:3d}  {' '.join(a) or '–'}  →  {' '.join(b) or '–'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
