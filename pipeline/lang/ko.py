"""Korean: the one Kiwi, cached morpheme analysis, sentence spans, Hangul patterns and tag sets.

Kiwi takes seconds to warm up and over 300 MB, so there is exactly one per process, built lean:
``kiwi()``. Every Korean analysis in readnotes goes through ``analyse()`` (raw Kiwi tokens) or
``morphemes()`` (``Token`` with a lemma), which share one cache, so a sentence analysed by the
term matcher is not analysed again by the vocabulary tagger or the search index.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterable
from dataclasses import astuple
from functools import cache, lru_cache
from typing import TYPE_CHECKING

from pipeline.lang import Token

if TYPE_CHECKING:
    from kiwipiepy import Kiwi

# --- Hangul patterns -----------------------------------------------------------------------------

#: One precomposed Hangul syllable (가-힣): what words, skeletons and glosses are made of.
HANGUL_SYLLABLE = re.compile(r"[\uac00-\ud7a3]")
#: A run of precomposed syllables: one Korean word without punctuation or spaces.
HANGUL_WORD = re.compile(r"[\uac00-\ud7a3]+")
#: Any Hangul at all, jamo and compatibility jamo included (ㅋㅋ, ㄱ): for "is this Korean?" tests.
HANGUL_ANY = re.compile(r"[\uac00-\ud7a3\u1100-\u11ff\u3130-\u318f]")


def has_hangul(text: str) -> bool:
    return HANGUL_ANY.search(text) is not None


# --- Kiwi tag sets, named by what they are for ----------------------------------------------------
# Kiwi's tags are the Sejong set: N* nouns, V* predicates, M* modifiers, J* particles, E* endings,
# X* affixes and roots, S* symbols and foreign script. Irregular conjugations carry a suffix
# (VA-I, XSA-I): compare ``base_tag(tag)`` with an exact set, or use ``startswith`` with prefixes.

#: Prefixes of morphemes indexed for full-text search: nouns, numerals, pronouns, verb and
#: adjective stems, adverbs, determiners, roots, and foreign, Chinese-character and number tokens.
#: Particles (J*), endings (E*), affixes and the copula 이다 (VCP) are what FTS5 chokes on.
SEARCHABLE_TAG_PREFIXES = ("NN", "NR", "NP", "VV", "VA", "MA", "MM", "XR", "SL", "SH", "SN")

#: Exact base tags of morphemes that carry the meaning of a vocabulary gloss. Pronouns (NP),
#: determiners (MM), bound nouns, auxiliaries, copulas, particles, endings and affixes vary freely
#: between a dictionary gloss and a running translation, so they are left out of the comparison.
GLOSS_CONTENT_TAGS = frozenset({"NNG", "NNP", "NR", "VV", "VA", "XR", "MAG", "SL", "SH", "SN"})

#: Prefixes of morphemes that stay attached to a matched stem in a highlighted span (자라+었+다).
ATTACHED_TAG_PREFIXES = ("XSA", "XSV", "EP", "EF", "EC", "ETM", "ETN")

#: Prefixes of morphemes a Korean noun phrase is built from (before a parenthesis: 지도 미세 조정):
#: nouns, numerals, pronouns, noun prefixes and suffixes, roots, foreign and number tokens, determiners.
NOUN_PHRASE_TAG_PREFIXES = ("NN", "NR", "NP", "XSN", "XPN", "XR", "SL", "SN", "SH", "MM")

#: Exact tags of case and auxiliary particles, ignored when a rendering is looked up (모델을 = 모델).
PARTICLE_TAGS = ("JKS", "JKC", "JKG", "JKO", "JKB", "JKV", "JKQ", "JX", "JC")

#: Prefixes of predicate stems whose lemma is the stem + 다 (먹 → 먹다).
PREDICATE_TAG_PREFIXES = ("VV", "VA", "VX")


def base_tag(tag: str) -> str:
    """VA-I → VA: Kiwi marks irregular conjugation with a suffix."""
    return tag.split("-")[0]


# --- Kiwi ----------------------------------------------------------------------------------------


#: How readnotes builds Kiwi: lean, chosen with data (``python -m benchmarks.kiwi_config``).
#:
#: kiwipiepy 0.24.1, a fresh process building Kiwi and splitting one line (median of 5, shared and
#: loaded 2-vCPU machine, so the seconds are noisy; the memory is not), then readnotes' own uses of
#: Kiwi compared with the defaults on the NTREX dev Korean (62 documents joined, 1,007 rows) and the
#: bundled sample:
#:
#: ==========================  ======  =======  ==========  ===========  ============  ==========
#: configuration               load s  peak MB  boundaries  search keys  gloss lemmas  term spans
#: ==========================  ======  =======  ==========  ===========  ============  ==========
#: defaults                    5.74    527      (70 blocks) (1,015)      (1,028)       (1,015)
#: model_type="cong"           9.02    527      same        same         same          same
#: no typo dict                7.19    525      same        same         same          same
#: no multi dict               3.31    340      same        16 differ    68 differ     same
#: no typo, no multi           3.36    339      same        16 differ    68 differ     same
#: cong, no typo, no multi     3.13    337      same        16 differ    68 differ     same
#: ==========================  ======  =======  ==========  ===========  ============  ==========
#:
#: The cost is the multi-word dictionary (multi.dict: proper names such as "다니엘 스터리지" as one
#: NNP): 190 MB and about half the load time. The model is "cong" either way (the only one the
#: package ships) and the typo dictionary is a few hundred bytes; both are named so an upgrade of
#: kiwipiepy cannot change them silently. Without the multi dictionary, sentence boundaries and the
#: term base's rendering spans stay the same; names split into their parts (다니엘 스터리지 → 다니엘,
#: 스터리지) and a few other words analyse differently, which changes the search terms of 16 of 1,015
#: sentences (아리아나 → 아리아, 르로이 → 로이 르, but also 리빙스턴에 → 리빙스턴) and the content
#: lemmas of 68 of 1,028 texts (gloss matching compares both sides with the same Kiwi, so it holds).
#: Search terms stored in notes.db by the old configuration must be re-indexed.
KIWI_OPTIONS: dict[str, object] = {"model_type": "cong", "load_typo_dict": False, "load_multi_dict": False}


@cache
def kiwi() -> Kiwi:
    """The one Kiwi of the process, built with ``KIWI_OPTIONS``.

    It takes seconds to warm up, so it is built once, on first use; tests share it through a
    session-scoped fixture.
    """
    from kiwipiepy import Kiwi

    return Kiwi(**KIWI_OPTIONS)  # type: ignore[arg-type]


@lru_cache(maxsize=8192)
def analyse(text: str) -> tuple:
    """Kiwi's tokens of a text (form, tag, start, end, …), cached: sentences are analysed by the
    term matcher, the checks, the vocabulary tagger and the search index in turn."""
    return tuple(kiwi().tokenize(text))


def morphemes(text: str) -> tuple[Token, ...]:
    """Morphemes with their surface, lemma (predicate stems get 다), tag and span."""
    stored = _stored_morphemes.get(text)
    return stored if stored is not None else _morphemes(text)


@lru_cache(maxsize=8192)
def _morphemes(text: str) -> tuple[Token, ...]:
    out = []
    for tok in analyse(text):
        lemma = tok.form + "다" if tok.tag.startswith(PREDICATE_TAG_PREFIXES) else tok.form
        out.append(Token(text[tok.start : tok.end], lemma, tok.tag, tok.start, tok.end))
    return tuple(out)


#: Morphemes of the bundled resources' texts, read from the per-user cache (``load_morphemes``).
_stored_morphemes: dict[str, tuple[Token, ...]] = {}
#: Bumped when what is stored for a text changes.
_STORED_FORMAT = 1


def load_morphemes(texts: Iterable[str], resource: str) -> None:
    """Make ``morphemes()`` of a bundled resource's texts (the glossary's 725 Korean renderings,
    0.2 s of Kiwi in every ``add``) come from the per-user cache: analysed by the first process,
    stored keyed by Kiwi's version and options and the texts themselves, read by the next ones.
    The cache only saves time: when it cannot be read or written, the texts are analysed."""
    # Imported here: the read commands import this module for its patterns, not for this.
    import hashlib
    import json

    from kiwipiepy import __version__ as kiwi_version

    from pipeline import usercache

    texts = sorted(set(texts))
    fingerprint = json.dumps([_STORED_FORMAT, kiwi_version, KIWI_OPTIONS, texts], ensure_ascii=False)
    key = hashlib.sha256(fingerprint.encode()).hexdigest()[:20]
    path = None
    try:
        path = usercache.cache_dir() / f"kiwi-{resource}-{key}.json"
        stored = json.loads(path.read_bytes())
        if stored["key"] != key or sorted(stored["morphemes"]) != texts:
            raise ValueError(f"{path} holds other texts")
        found = {t: tuple(Token(*m) for m in ms) for t, ms in stored["morphemes"].items()}
    except Exception:  # missing or unreadable: analyse, and store for the next process if we can
        found = {t: _morphemes(t) for t in texts}
        if path is not None:
            rows = {t: [list(astuple(m)) for m in ms] for t, ms in found.items()}
            content = json.dumps({"key": key, "morphemes": rows}, ensure_ascii=False).encode()
            with contextlib.suppress(OSError):
                usercache.write_atomically(path, lambda out: out.write(content))
    _stored_morphemes.update(found)


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """Kiwi's sentence boundaries in one block of text, as character spans (not yet repaired)."""
    return [(s.start, s.end) for s in kiwi().split_into_sents(text)]


#: A quotative or connective tail that Kiwi cuts off as a sentence of its own (…했다.” 라고 그가
#: 말했다): it continues the sentence before it.
CONTINUATION = re.compile(r"^(?:라고|이라고|라며|이라며|라는|이라는|하고|고\s|며\s|란\s)")
