"""English term matching: the token lookup (``lang.phrases``) against the regex alternation it
replaced, hit for hit, and the time per sentence of each.

Two matchers are compared, each with its reference implementation kept here verbatim:

- the term base's ``TermBase.find_english`` (bundled glossary; acronyms case-sensitively);
- the aligner's dictionary scorer's English side (glossary and sample word list, every form lower-cased).

The sentences are the NTREX dev English rows, each also upper-cased, lower-cased, title-cased,
case-swapped, with spaces doubled and lines broken, and with hyphens and spaces swapped, the Korean
rows (Latin terms next to Hangul), plus sentences built around every glossary form (plural, joined,
hyphenated, upper-case, next to Hangul or digits, inside a word). Without the NTREX data the bundled
sample's English stands in for it.

    python -m benchmarks.phrase_lookup
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from benchmarks.data import DEFAULT_PAIRS, REPO_ROOT, load_documents
from pipeline.lang.phrases import Phrase, PhraseIndex
from pipeline.stages import terms

SAMPLE_EN = REPO_ROOT / "raw" / "karpathy-2025.en.md"
SAMPLE_VOCAB = REPO_ROOT / "raw" / "karpathy-2025.vocab.md"

Hit = tuple[str, int, int]  # (what was found, start, end)

# --- the references: the regex alternations as they were -------------------------------------------

_BEFORE = r"(?<![A-Za-z0-9])"
_AFTER = r"(?![A-Za-z0-9])"


def _english_pattern(form: str) -> tuple[str, bool]:
    if terms.is_acronym(form):
        return re.escape(form) + "s?", True
    words = [w for w in re.split(r"[\s\-]+", form) if w]
    return r"[\s\-]*".join(re.escape(w) for w in words) + r"(?:s|es)?", False


def termbase_alternation(base: terms.TermBase) -> Callable[[str], list[Hit]]:
    """The term base's matcher before the token lookup: two alternations, then the longest wins."""
    matchers = []
    for sensitive in (True, False):
        alternatives = [
            (pattern, t)
            for t in base.terms
            for form in t.english_forms
            for pattern, case in [_english_pattern(form)]
            if case == sensitive
        ]
        if not alternatives:
            continue
        alternatives.sort(key=lambda a: -len(a[0]))
        body = "|".join(f"(?P<t{k}>{p})" for k, (p, _) in enumerate(alternatives))
        regex = re.compile(f"{_BEFORE}(?:{body}){_AFTER}", 0 if sensitive else re.IGNORECASE)
        matchers.append((regex, [t for _, t in alternatives]))

    def find(text: str) -> list[Hit]:
        hits = []
        for regex, owners in matchers:
            for m in regex.finditer(text):
                hits.append((owners[int(m.lastgroup[1:])], m.start(), m.end()))  # type: ignore[index]
        hits.sort(key=lambda h: (-(h[2] - h[1]), h[1]))
        kept: list[tuple[terms.Term, int, int]] = []
        for h in hits:
            if all(h[2] <= k[1] or h[1] >= k[2] for k in kept):
                kept.append(h)
        return [(t.key, s, e) for t, s, e in sorted(kept, key=lambda h: h[1])]

    return find


def termbase_lookup(base: terms.TermBase) -> Callable[[str], list[Hit]]:
    return lambda text: [(h.term.key, h.start, h.end) for h in base.find_english(text)]


def dictionary_forms(base: terms.TermBase) -> list[str]:
    """The aligner's English forms: glossary forms and word-list terms, as lower-case words."""
    from pipeline.stages import vocab

    english = [f for t in base for f in t.english_forms]
    english += [f for e in vocab.read_notes(SAMPLE_VOCAB).entries for f in (e.term.term, *e.term.aliases)]
    forms = (" ".join(re.findall(r"[a-z0-9]+", f.casefold())) for f in english)
    return list(dict.fromkeys(f for f in forms if f))


def dictionary_alternation(forms: Sequence[str]) -> Callable[[str], list[Hit]]:
    patterns = [r"[\s\-]*".join(map(re.escape, f.split())) + "(?:e?s)?" for f in forms]
    body = "|".join(sorted(patterns, key=len, reverse=True))
    regex = re.compile(rf"(?<![A-Za-z0-9])(?:{body})(?![A-Za-z0-9])", re.IGNORECASE)
    return lambda text: [(m.group(0), m.start(), m.end()) for m in regex.finditer(text)]


def dictionary_lookup(forms: Sequence[str]) -> Callable[[str], list[Hit]]:
    index = PhraseIndex([Phrase(tuple(f.split()), ("es", "s"), f) for f in forms])
    return lambda text: [(text[m.start : m.end], m.start, m.end) for m in index.find(text)]


# --- the sentences ---------------------------------------------------------------------------------


def base_sentences(pairs: Path) -> list[str]:
    if pairs.exists():
        return [row for doc in load_documents(pairs) for row in doc.en_rows]
    from pipeline.stages import ingest

    return [b.text for b in ingest.read_document(SAMPLE_EN, "en").blocks if b.alignable]


def variants(sentence: str) -> list[str]:
    return [
        sentence,
        sentence.upper(),
        sentence.lower(),
        sentence.title(),
        sentence.swapcase(),
        re.sub(r" ", "  ", sentence).replace(". ", ".\n"),
        sentence.replace("-", " "),
        re.sub(r"(?<=[a-z]) (?=[a-z])", "-", sentence),
    ]


def form_sentences(base: terms.TermBase) -> list[str]:
    """Each glossary form in the places a boundary or an ending decides."""
    out = []
    for form in dict.fromkeys(f for t in base for f in t.english_forms):
        joined, hyphened = form.replace(" ", ""), form.replace(" ", "-")
        out += [
            f"We trained {form} models, then {form}s and {form}es.",
            f"{form.upper()} ({form.lower()}) beat {hyphened} and {joined}.",
            f"{form}을 쓴다; 4{form} and {form}2 and x{form}y are not it; “{form}”.",
            f"The {form.title()}-based pipeline, a non-{form} one, {form}'s score - {form} -- {form}.",
        ]
    return out


def compare(
    name: str, old: Callable[[str], list[Hit]], new: Callable[[str], list[Hit]], sentences: list[str]
) -> bool:
    def run(find: Callable[[str], list[Hit]]) -> tuple[list[list[Hit]], float]:
        find(sentences[0])  # warm-up: the compiled regex or the index, built lazily
        start = time.perf_counter()
        hits = [find(s) for s in sentences]
        return hits, time.perf_counter() - start

    old_hits, old_s = run(old)
    new_hits, new_s = run(new)
    differ = [i for i, (a, b) in enumerate(zip(old_hits, new_hits, strict=True)) if a != b]
    n = len(sentences)
    print(
        f"| {name} | {n:,} | {sum(map(len, old_hits)):,} | {sum(map(len, new_hits)):,} | {len(differ)} | "
        f"{1e6 * old_s / n:.0f} | {1e6 * new_s / n:.0f} | {old_s / new_s:.1f} |"
    )
    for i in differ[:5]:
        print(f"  differs: {sentences[i]!r}\n    alternation {old_hits[i]}\n    lookup      {new_hits[i]}")
    return not differ


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pairs", type=Path, default=DEFAULT_PAIRS, help="NTREX dev pairs.tsv")
    args = parser.parse_args(argv)
    base = terms.bundled()
    natural = [v for s in base_sentences(args.pairs) for v in variants(s)]
    if args.pairs.exists():  # Latin next to Hangul: the Korean side keeps terms in English (LLM을)
        natural += [row for doc in load_documents(args.pairs) for row in doc.ko_rows]
    built = form_sentences(base)
    forms = dictionary_forms(base)
    print("| matcher | sentences | hits, alternation | hits, lookup | sentences differing | "
          "µs/sentence, alternation | µs/sentence, lookup | speed-up |")  # fmt: skip
    print("| --- | --- | --- | --- | --- | --- | --- | --- |")
    matchers = {
        "term base": (termbase_alternation(base), termbase_lookup(base)),
        "aligner dictionary": (dictionary_alternation(forms), dictionary_lookup(forms)),
    }
    same = [
        compare(f"{name}, {label}", old, new, sentences)
        for name, (old, new) in matchers.items()
        for label, sentences in (("NTREX variants", natural), ("built around forms", built))
    ]
    return 0 if all(same) else 1


if __name__ == "__main__":
    sys.exit(main())
