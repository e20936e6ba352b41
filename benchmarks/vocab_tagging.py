"""Time vocabulary tagging: a 10,000-term list over a 5,000-sentence English text (target: < 5 s).

Terms and text are synthetic but made of real English words, drawn by a seeded generator so every
run sees the same input: the 50,000 most frequent lower-case words of spacy-lookups-data's
``lexeme_prob`` table, sampled by their probability (a natural, Zipf-like text), and terms built
from the base forms in its lemma index that rank below the 3,000 most frequent words.

- terms: 70 % single words, 15 % contiguous phrases ("noun of noun", "adjective noun"),
  15 % verb phrases, which are separable ("verb particle", "verb the noun");
- text: sentences of 12-30 words; 30 % of them carry one term, inflected where the lookup table
  knows a form ("gobbled" for "gobble"), separable phrases with 0-3 words between their parts.

Timed: building the tagger (its patterns, filed by first lemma) and tagging (tokenising,
lemmatising and matching every sentence). Loading the lemma tables is excluded (done once per
process; printed separately). Korean gloss spans are not part of this figure. ``--tagger spacy``
times the spaCy tagger it replaced (``benchmarks.vocab_spacy_tagger``; loading spaCy excluded);
``benchmarks.vocab_agreement`` compares the two taggers' hits.

Run from the repository root::

    python -m benchmarks.vocab_tagging
    python -m benchmarks.vocab_tagging --tagger spacy
    python -m benchmarks.vocab_tagging --terms 10000 --sentences 5000 --json
"""

from __future__ import annotations

import argparse
import itertools
import json
import random
import sys
import time
from dataclasses import dataclass

TARGET_SECONDS = 5.0
#: Terms are drawn from words below this frequency rank: nobody notes "time" or "make".
RAREST_COMMON_RANK = 3_000
PARTICLES = ("up", "out", "off", "down", "away", "back", "over")
FILLERS = ("it", "them", "the", "whole", "thing", "all", "of", "new", "big")


@dataclass
class Corpus:
    terms: list[str]
    sentences: list[str]
    planted: int  # sentences that carry a term on purpose


def real_words(
    size: int = 50_000,
) -> tuple[dict[str, list[str]], list[tuple[str, float]], dict[str, list[str]]]:
    """Real English from spacy-lookups-data: base forms by part of speech (lemma index), the
    ``size`` most frequent lower-case words with their probabilities (lexeme_prob, so the text has
    a natural word distribution), and inflected forms by lemma (lemma lookup)."""
    import math

    from pipeline.lang import en

    probs = en._lookup_table("lexeme_prob")
    frequent = sorted(
        ((w, p) for w, p in probs.items() if w.isalpha() and w.islower()), key=lambda wp: -wp[1]
    )[:size]
    common = {w for w, _ in frequent}
    rarer = {w for w, _ in frequent[RAREST_COMMON_RANK:]}  # what a reader notes: not "time" or "good"
    index = en._lookup_table("lemma_index")
    words = {pos: sorted(w for w in index[pos] if w in rarer) for pos in index}
    forms: dict[str, list[str]] = {}
    for form, lemma in sorted(en.lemmatizer().lookup.items()):
        if form in common:
            forms.setdefault(lemma, []).append(form)
    return words, [(w, math.exp(p)) for w, p in frequent], forms


def make_corpus(n_terms: int, n_sentences: int, seed: int = 4) -> Corpus:
    rng = random.Random(seed)
    words, frequent, forms = real_words()
    nouns, verbs, adjs = words["noun"], words["verb"], words["adj"]
    terms: dict[str, None] = {}
    while len(terms) < n_terms:
        roll = rng.random()
        if roll < 0.70:
            term = rng.choice(nouns + adjs)
        elif roll < 0.85:
            term = (
                f"{rng.choice(nouns)} of {rng.choice(nouns)}"
                if rng.random() < 0.5
                else f"{rng.choice(adjs)} {rng.choice(nouns)}"
            )
        else:
            verb = rng.choice(verbs)
            term = (
                f"{verb} {rng.choice(PARTICLES)}" if rng.random() < 0.5 else f"{verb} the {rng.choice(nouns)}"
            )
        terms[term] = None
    term_list = list(terms)
    population = [w for w, _ in frequent]
    cumulative = list(itertools.accumulate(p for _, p in frequent))
    sentences, planted = [], 0
    for _ in range(n_sentences):
        body = rng.choices(population, cum_weights=cumulative, k=rng.randint(12, 30))
        if rng.random() < 0.30:
            planted += 1
            parts = rng.choice(term_list).split()
            head_forms = forms.get(parts[0], [])
            if head_forms and rng.random() < 0.5:
                parts[0] = rng.choice(head_forms)  # an inflection
            if len(parts) > 1 and parts[0] in verbs and rng.random() < 0.5:
                parts[1:1] = rng.sample(FILLERS, rng.randint(1, 3))  # a separated phrase
            at = rng.randint(0, len(body))
            body[at:at] = parts
        sentences.append(" ".join(body).capitalize() + ".")
    return Corpus(term_list, sentences, planted)


def run(
    n_terms: int, n_sentences: int, seed: int, tagger_name: str = "lookup"
) -> dict[str, float | int | str]:
    from pipeline.lang import en
    from pipeline.stages import vocab

    if tagger_name == "spacy":
        from benchmarks.vocab_spacy_tagger import Tagger
    else:
        Tagger = vocab.Tagger
    started = time.perf_counter()
    if tagger_name == "spacy":
        en.nlp()
    en.lemmatizer()
    en.word_classes()
    load = time.perf_counter() - started
    corpus = make_corpus(n_terms, n_sentences, seed)
    entries = [vocab.VocabTerm(term=t) for t in corpus.terms]

    started, cpu = time.perf_counter(), time.process_time()
    tagger = Tagger(entries)
    build, build_cpu = time.perf_counter() - started, time.process_time() - cpu
    started, cpu = time.perf_counter(), time.process_time()
    hits = tagger.tag_texts(corpus.sentences)
    tag, tag_cpu = time.perf_counter() - started, time.process_time() - cpu
    return {
        "tagger": tagger_name,
        "terms": len(tagger),
        "one_word_terms": sum(len(keys) for keys in tagger.words.values()),
        "phrase_heads": len(tagger.by_head),
        "sentences": len(corpus.sentences),
        "tokens": sum(len(s.split()) for s in corpus.sentences),
        "planted": corpus.planted,
        "hits": len(hits),
        "sentences_with_hits": len({h.sentence for h in hits}),
        "load_s": round(load, 2),
        "build_s": round(build, 2),
        "tag_s": round(tag, 2),
        "total_s": round(build + tag, 2),
        "cpu_s": round(build_cpu + tag_cpu, 2),  # less sensitive than wall time to a busy machine
        "target_s": TARGET_SECONDS,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--terms", type=int, default=10_000)
    parser.add_argument("--sentences", type=int, default=5_000)
    parser.add_argument("--seed", type=int, default=4)
    parser.add_argument("--tagger", choices=("lookup", "spacy"), default="lookup")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    result = run(args.terms, args.sentences, args.seed, args.tagger)
    if args.json:
        print(json.dumps(result))
    else:
        print(
            f"{result['tagger']} tagger: {result['terms']:,} terms "
            f"({result['phrase_heads']:,} phrase heads) over "
            f"{result['sentences']:,} sentences ({result['tokens']:,} words): "
            f"{result['hits']:,} hits in {result['sentences_with_hits']:,} sentences "
            f"({result['planted']:,} planted)"
        )
        met = "met" if result["total_s"] < TARGET_SECONDS else "MISSED"
        print(
            f"build {result['build_s']:.2f} s + tag {result['tag_s']:.2f} s = {result['total_s']:.2f} s "
            f"wall, {result['cpu_s']:.2f} s CPU (target < {TARGET_SECONDS:.0f} s: {met}); "
            f"loading the lemma tables{' and spaCy' if args.tagger == 'spacy' else ''} "
            f"{result['load_s']:.2f} s, not counted"
        )
    return 0 if result["total_s"] < TARGET_SECONDS else 1


if __name__ == "__main__":
    sys.exit(main())
