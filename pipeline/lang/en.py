"""English: sentence boundaries, the tokenizer, the one lemmatizer and the closed word classes.

Boundaries come from pysbd (10/10 on our tricky paragraph, against 7/10 for spaCy's small model;
see design.md), tokens from regular expressions (``word_spans`` for search, ``token_spans`` with
the punctuation for vocabulary matching: no spaCy to load), lemmas from the spacy-lookups-data
tables. Each backend is built once, on first use. ``nlp()`` (spaCy's tokenizer) is no longer used
by any command; the benchmarks compare the regular expressions with it.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from typing import TYPE_CHECKING

from pipeline.lang import Token

if TYPE_CHECKING:
    import pysbd
    from spacy.language import Language
    from spacy.tokenizer import Tokenizer

# --- sentences and tokens ------------------------------------------------------------------------


@cache
def sentence_splitter() -> pysbd.Segmenter:
    import pysbd

    return pysbd.Segmenter(language="en", clean=False)


def sentence_pieces(text: str) -> list[str]:
    """pysbd's sentences of one block, as strings (segment locates and repairs them)."""
    return sentence_splitter().segment(text)


@cache
def nlp() -> Language:
    """spaCy's blank English: its tokenizer and vocab. Lemmas come from ``lemmatizer()``, which needs
    no pipeline component (and no tagger: blank("en") has none)."""
    import spacy

    return spacy.blank("en")


def tokenizer() -> Tokenizer:
    """spaCy's English tokenizer, which ``word_spans`` and ``token_spans`` stand in for."""
    return nlp().tokenizer


@cache
def stop_words() -> frozenset[str]:
    """spaCy's English stop words, read from its module file without importing spaCy.

    ``from spacy.lang.en.stop_words import STOP_WORDS`` runs spaCy's package __init__ first (about
    1 s and 50 MB: thinc, pydantic, the registries) for a list of words. The file is plain Python
    that builds the set from literals, so it is run on its own; the set is the same object's copy.
    """
    import importlib.util
    import runpy
    from pathlib import Path

    spec = importlib.util.find_spec("spacy")  # finds the package without importing it
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError("spaCy is a dependency of readnotes: reinstall readnotes")
    path = Path(next(iter(spec.submodule_search_locations)), "lang", "en", "stop_words.py")
    return frozenset(runpy.run_path(str(path))["STOP_WORDS"])


# --- the lemmatizer ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Lemmatizer:
    """Context-free English lemmas from spacy-lookups-data.

    The lookup table maps inflected forms only ("gobbled" → "gobble") and is case-sensitive, so
    words are lower-cased first. Rare forms ("jaggies", "exfiltrated") are missing from it, so the
    rule lemmatizer's suffix rules and exceptions supply candidates, kept when the candidate is a
    known base form. There is no tagger in blank("en"), so every part of speech is tried.
    """

    lookup: dict[str, str]
    exceptions: dict[str, str]
    rules: tuple[tuple[str, str], ...]
    known: frozenset[str]  # base forms of every part of speech
    verbs: frozenset[str]

    def candidates(self, word: str) -> list[str]:
        return [word[: -len(old)] + new for old, new in self.rules if word.endswith(old) and word != old]

    def looked_up(self, word: str) -> str:
        """The lookup table alone, no guessing (module ``looked_up``)."""
        return _looked_up(self.lookup, word)

    def __call__(self, word: str) -> str:
        """Lemma of a lower-cased word, guessed by the rules when the table lacks it (the word itself
        when nothing better is known). Vocabulary matching uses this."""
        if word in self.lookup:
            return self.lookup[word]
        if word in self.known:
            return word
        if word in self.exceptions:
            return self.exceptions[word]
        return next((c for c in self.candidates(word) if c in self.known), word)


def _lookup_table(name: str) -> dict:
    """One English table of spacy-lookups-data, read straight from the package's gzipped JSON.

    spaCy's own loader (``spacy.lookups.registry``) imports spaCy first: 1.6 s against 0.1 s for the
    four tables read directly. The tables are the same files.
    """
    import gzip
    import json

    data = files("spacy_lookups_data").joinpath("data", f"en_{name}.json.gz")
    return json.loads(gzip.decompress(data.read_bytes()))


@cache
def lemma_lookup() -> dict[str, str]:
    """The lookup table (inflected form → lemma), all that search needs: about 9 MB, against 21 MB
    for the whole lemmatizer with its index, exceptions and rules."""
    return _lookup_table("lemma_lookup")


def looked_up(word: str) -> str:
    """The lookup table alone, no guessing, lower-cased: any case finds the table's entry
    ("Gobbled" → "gobble", "Olympics" → "olympic").

    Search indexes and queries use this: the rule guesses that help vocabulary matching also
    invent lemmas ("her" → "h", "Becker" → "beck") that would cost search its precision, and
    the search terms are stored in notes.db, so changing them means re-indexing.
    """
    return _looked_up(lemma_lookup(), word)


def _looked_up(lookup: dict[str, str], word: str) -> str:
    found = lookup.get(word, word)
    if found == word:  # the table is case-sensitive: "Gobbled" is missing, "gobbled" is there
        found = lookup.get(word.lower(), word.lower())
    return found.lower()


@cache
def lemmatizer() -> Lemmatizer:
    lookup = lemma_lookup()
    index = _lookup_table("lemma_index")
    exc = _lookup_table("lemma_exc")
    rules = _lookup_table("lemma_rules")
    exceptions = {form: lemmas[0] for pos in ("noun", "verb", "adj") for form, lemmas in exc[pos].items()}
    ordered_rules: list[tuple[str, str]] = []
    for pos in ("noun", "verb", "adj"):
        for old, new in rules[pos]:
            if (old, new) not in ordered_rules:
                ordered_rules.append((old, new))
    known = frozenset(w for words in index.values() for w in words)
    return Lemmatizer(lookup, exceptions, tuple(ordered_rules), known, frozenset(index["verb"]))


#: A word as spaCy's English tokenizer cuts it, for the words that hold a letter or a digit:
#: letters and digits joined by inner apostrophes, periods, commas, colons or @ (O'Hagan, U.S, 3,000,
#: 10:15, weather.com, jo@samaritans.org), an optional @ or ~ in front (@MerPolCC, ~2022), and a
#: final period after a lone capital or a dotted word (U.S., A., p.m.). Hand-written because
#: spaCy's tokenizer costs a command about 1 s and 55 MB to import, and search needs only its
#: words: ``python -m benchmarks.english_tokens`` counts where the two differ on the dev English.
WORD = re.compile(r"[@~]?[^\W_]+(?:[.,:'’@][^\W_]+)*(?:(?<=(?<![^\W_])[A-Z])\.|(?<=\.[^\W_])\.)?")

#: Clitics spaCy splits off a word: "don't" → do + n't, "model's" → model + 's.
CLITIC = re.compile(r"(?i)(?<=[^\W_])(?:n['’]t|['’](?:s|re|ve|m|d|ll))$")


def word_spans(text: str) -> list[tuple[str, int, int]]:
    """(word, start, end) of every word holding a letter or a digit, clitics split off."""
    out = []
    for m in WORD.finditer(text):
        word, start, end = m.group(), m.start(), m.end()
        clitic = CLITIC.search(word)
        if clitic:
            cut = start + clitic.start()
            out += [(word[: clitic.start()], start, cut), (word[clitic.start() :], cut, end)]
        else:
            out.append((word, start, end))
    return out


#: A mark between words: a run of one repeated character ("...", "--", "!!") or a single one, as
#: spaCy's tokenizer cuts punctuation off words.
MARK = re.compile(r"([^\w\s])\1*|_+")


def token_spans(text: str) -> list[tuple[str, int, int]]:
    """(token, start, end) of every word (``word_spans``) and every punctuation mark or symbol
    between them (``MARK``); spaces are not tokens. Vocabulary matching uses these, so a phrase
    never runs across punctuation and "TL;DR" is three tokens on both the term's and the text's side."""
    out: list[tuple[str, int, int]] = []
    pos = 0
    for word in [*word_spans(text), ("", len(text), len(text))]:
        out += [(m.group(), m.start(), m.end()) for m in MARK.finditer(text, pos, word[1])]
        if word[0]:
            out.append(word)
        pos = word[2]
    return out


def is_punct(token: str) -> bool:
    """Every character is Unicode punctuation (category P*), as spaCy's ``is_punct``: symbols
    such as $ or + are not."""
    return all(unicodedata.category(c).startswith("P") for c in token)


def tokens(text: str) -> list[Token]:
    """The words of a text (``word_spans``) with their looked-up lemmas, lower-cased; the tag is
    empty. Search indexes and queries use these, so both sides are cut the same way."""
    return [Token(word, looked_up(word), "", start, end) for word, start, end in word_spans(text)]


# --- closed word classes -------------------------------------------------------------------------


@cache
def word_classes() -> dict[str, frozenset[str]]:
    """kind → words, from pipeline/data/english_words.tsv. One list per purpose:

    - ``subject``: a personal pronoun that opens a noted phrase and is not part of the term;
    - ``determiner``: may change or disappear inside a phrase ("coin the term" ~ "coined a term");
    - ``noun_linker``: after a verb-like first word it makes a noun phrase ("point of inflection");
    - ``gap_stop``: a separable phrase's gap never runs through these;
    - ``acronym_skip``: skipped when initials spell an acronym (Learning from Human Feedback);
    - ``function``: words with no content for sentence alignment and never a transliterated name.
    """
    kinds: dict[str, set[str]] = {}
    for line in files("pipeline.data").joinpath("english_words.tsv").read_text("utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            kind, word = line.split("\t")
            kinds.setdefault(kind, set()).add(word)
    return {k: frozenset(v) for k, v in kinds.items()}


def word_class(kind: str) -> frozenset[str]:
    return word_classes()[kind]
