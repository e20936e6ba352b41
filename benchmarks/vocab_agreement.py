"""Vocabulary hits without spaCy: where ``pipeline.stages.vocab.Tagger`` (regex tokens, lemma lookups)
finds other hits than the spaCy tagger it replaced (``benchmarks.vocab_spacy_tagger``: spaCy's
tokenizer, PhraseMatcher and Matcher over the same patterns and lemmas).

Texts: the NTREX dev English (``--part report``: the second half of the documents, the default;
``--part calibrate``: the first half) and the bundled sample article. Word lists, each tagged on
its own:

- ``notes``: the reader's sample notes (aliases included: BPE, the TL;DR expansion);
- ``built``: a list built from the text itself, so that every kind of entry has hits: frequent
  lemmas (one-word terms, some written inflected), frequent word pairs and "X of Y" (contiguous
  phrases), a verb and its particle or "verb the noun" (separable), hyphenated words and
  acronyms, phrases that open with a subject pronoun ("we found", dropped to "find").

A hit is (term, sentence, start, end). Hits found by both are identical; every other hit is a
difference, listed with the span each tokenizer makes of that stretch of text so its cause shows.

    python -m benchmarks.vocab_agreement
    python -m benchmarks.vocab_agreement --part calibrate --show 30
    python -m benchmarks.vocab_agreement --synthetic 10000 5000
"""

from __future__ import annotations

import argparse
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from benchmarks.data import DEFAULT_PAIRS, REPO_ROOT, load_documents

SAMPLE_EN = REPO_ROOT / "raw" / "karpathy-2025.en.md"
SAMPLE_NOTES = REPO_ROOT / "raw" / "karpathy-2025.vocab.md"
PARTICLES = ("up", "out", "off", "down", "away", "back", "over", "on", "in")
#: Words split off by white space, with the punctuation around them stripped; a pair of words
#: counts only when nothing but a space stands between them.
_WORD = re.compile(r"^[\"'“‘(\[]*([A-Za-z][A-Za-z'’-]*[A-Za-z]|[A-Za-z])([\"'”’)\].,;:!?]*)$")

Hit = tuple[str, int, int, int]  # term, sentence, start, end


@dataclass
class Comparison:
    name: str
    terms: int
    identical: int
    only_spacy: list[Hit]
    only_lookup: list[Hit]


def texts_for(part: str, pairs: Path) -> dict[str, list[str]]:
    """The English sentences of one half of the dev documents, and of the sample article."""
    from pipeline.stages import ingest, segment

    docs = load_documents(pairs)
    half = len(docs) // 2
    chosen = docs[:half] if part == "calibrate" else docs[half:]
    sample = [s.text for s in segment.split_english(ingest.read_document(SAMPLE_EN, "en"))]
    return {f"NTREX dev ({part} half)": [r for d in chosen for r in d.en_rows], "sample article": sample}


def _runs(texts: list[str]) -> list[list[str]]:
    """Runs of words with only spaces between them (a punctuation mark ends a run)."""
    runs: list[list[str]] = []
    for text in texts:
        run: list[str] = []
        for piece in text.split():
            m = _WORD.match(piece)
            if m is None:
                if run:
                    runs.append(run)
                run = []
                continue
            run.append(m.group(1))
            if m.group(2) or piece[0] in "\"'“‘([":
                runs.append(run)
                run = []
        if run:
            runs.append(run)
    return runs


def built_terms(texts: list[str], per_kind: int = 400) -> dict[str, list[str]]:
    """A word list made from the texts: kind of entry → its most frequent terms."""
    from pipeline.lang import en

    lem, classes = en.lemmatizer(), en.word_classes()
    stop = classes["function"] | classes["determiner"] | classes["subject"]
    runs = _runs(texts)
    words = Counter(w for run in runs for w in run)
    lower = Counter(w.lower() for run in runs for w in run)
    kinds: dict[str, Counter[str]] = {k: Counter() for k in ("word", "inflected", "pair", "of", "verb")}
    kinds.update({"particle": Counter(), "hyphen": Counter(), "acronym": Counter(), "subject": Counter()})
    for w, n in lower.items():
        if w not in stop and "-" not in w:
            kinds["word" if lem(w) == w else "inflected"][w] += n
    for w, n in words.items():
        if "-" in w.strip("-"):
            kinds["hyphen"][w] += n
        elif w.isupper() and len(w) > 1:
            kinds["acronym"][w] += n
    for run in runs:
        low = [w.lower() for w in run]
        for a, b, c in zip(low, low[1:], [*low[2:], ""], strict=False):
            if a not in stop and b not in stop:
                kinds["pair"][f"{a} {b}"] += 1
            if b == "of" and a not in stop and c and c not in stop:
                kinds["of"][f"{a} of {c}"] += 1
            if lem(a) in lem.verbs and a not in stop:
                if b in PARTICLES:
                    kinds["particle"][f"{a} {b}"] += 1
                if b in classes["determiner"] and c and c not in stop:
                    kinds["verb"][f"{a} {b} {c}"] += 1
            if a in classes["subject"] and lem(b) in lem.verbs and b not in stop:
                kinds["subject"][f"{a} {b}" + (f" {c}" if c and c not in stop else "")] += 1
    return {
        kind: [term for term, _ in sorted(counter.items(), key=lambda kv: (-kv[1], kv[0]))[:per_kind]]
        for kind, counter in kinds.items()
    }


def _hits(tagger, texts: list[str]) -> set[Hit]:
    return {(h.term, h.sentence, h.start, h.end) for h in tagger.tag_texts(texts)}


def compare(name: str, entries: list, texts: list[str]) -> Comparison:
    from benchmarks.vocab_spacy_tagger import Tagger as SpacyTagger
    from pipeline.stages.vocab import Tagger

    old, new = _hits(SpacyTagger(entries), texts), _hits(Tagger(entries), texts)
    return Comparison(name, len(entries), len(old & new), sorted(old - new), sorted(new - old))


def spacy_cut(text: str) -> list[str]:
    from pipeline.lang import en

    return [t.text for t in en.tokenizer()(text) if not t.is_space]


def regex_cut(text: str) -> list[str]:
    from pipeline.lang import en

    return [t for t, _, _ in en.token_spans(text)]


def explain(hit: Hit, texts: list[str]) -> str:
    """The hit's text with a few characters around it, and how each tokenizer cuts that stretch."""
    term, sentence, start, end = hit
    text = texts[sentence]
    lo, hi = max(0, start - 12), min(len(text), end + 12)
    around = text[lo:hi]
    return (
        f"{term!r} in …{around}… [{text[start:end]!r}]\n"
        f"        spaCy: {' '.join(spacy_cut(around))}\n"
        f"        regex: {' '.join(regex_cut(around))}"
    )


def main(argv: list[str] | None = None) -> int:
    from pipeline.stages import vocab

    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--pairs", default=str(DEFAULT_PAIRS))
    parser.add_argument("--part", choices=("calibrate", "report"), default="report")
    parser.add_argument("--per-kind", type=int, default=400, help="Built-list terms of each kind.")
    parser.add_argument("--show", type=int, default=12, help="Kinds of difference listed per text and list.")
    parser.add_argument(
        "--synthetic",
        type=int,
        nargs=2,
        metavar=("TERMS", "SENTENCES"),
        help="Also compare on benchmarks.vocab_tagging's synthetic terms and text of this size.",
    )
    args = parser.parse_args(argv)
    corpora = texts_for(args.part, Path(args.pairs))
    notes = [e.term for e in vocab.read_notes(SAMPLE_NOTES).entries]
    built_from = [t for texts in corpora.values() for t in texts]
    by_kind = built_terms(built_from, args.per_kind)
    print("built list: " + ", ".join(f"{len(terms)} {kind}" for kind, terms in by_kind.items()))
    built = list(
        {t.key: t for t in (vocab.new_term(t) for terms in by_kind.values() for t in terms)}.values()
    )
    total = Counter()
    runs = [(corpus, texts, [("notes", notes), ("built", built)]) for corpus, texts in corpora.items()]
    if args.synthetic:
        from benchmarks.vocab_tagging import make_corpus

        synthetic = make_corpus(args.synthetic[0], args.synthetic[1])
        terms = [vocab.VocabTerm(term=t) for t in synthetic.terms]
        runs.append(("synthetic (vocab_tagging's corpus)", synthetic.sentences, [("synthetic", terms)]))
    for corpus, texts, lists in runs:
        for list_name, entries in lists:
            result = compare(list_name, entries, texts)
            differing = len(result.only_spacy) + len(result.only_lookup)
            all_hits = result.identical + differing
            total.update(identical=result.identical, differing=differing)
            print(
                f"{corpus}, {list_name} list ({result.terms} terms), {len(texts)} sentences: "
                f"{result.identical} hits identical, {len(result.only_spacy)} only spaCy's, "
                f"{len(result.only_lookup)} only the lookup's ({differing / max(all_hits, 1):.2%} differ)"
            )
            # Grouped by side, term and surface: one example of each, most frequent first.
            groups: dict[tuple[str, str, str], list[Hit]] = {}
            for label, hits in (("only spaCy", result.only_spacy), ("only lookup", result.only_lookup)):
                for hit in hits:
                    surface = texts[hit[1]][hit[2] : hit[3]].lower()
                    groups.setdefault((label, hit[0], surface), []).append(hit)
            for (label, _, _), hits in sorted(groups.items(), key=lambda kv: -len(kv[1]))[: args.show]:
                print(f"  {len(hits):4d} × {label}: {explain(hits[0], texts)}")
    share = total["differing"] / max(total["identical"] + total["differing"], 1)
    print(f"all: {total['identical']} identical, {total['differing']} differing ({share:.2%})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
