"""Back-translation for review: translate the Korean back to English and compare it with the English.

Two signals, because each misses what the other sees. chrF (and, where the `semantic` extra is
installed, the sentence encoder's cosine) catches Korean that says something else altogether. A
one-word change of meaning ("allows" → "requires", "higher" → "lower", a dropped "not") barely
moves chrF, so the meaning cues compare the two English texts for opposite polarity, modality or
direction of comparison.

Back-translations are cached like forward translations. ``offline=True`` reads the cache only: a plain
``check`` re-derives the flags of an earlier ``check --back-translate`` without sending anything.
sacrebleu is imported on the first score, not with this module.
"""

from __future__ import annotations

import functools
import re
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from pipeline.models import Article, Bead, Flag
from pipeline.stages.translate.cache import TranslationCache
from pipeline.stages.translate.client import Settings, Translator
from pipeline.stages.translate.document import translate_text
from pipeline.stages.translate.errors import ServiceUnreachable

if TYPE_CHECKING:
    from sacrebleu.metrics import CHRF

#: The check's stable name, stored in flags and in review decisions.
BACK_TRANSLATION_CHECK = "back-translation"

#: chrF (0-100) of the back-translation against the English below which a pair is flagged.
DEFAULT_CHRF_THRESHOLD = 35.0

#: Cosine of the sentence encoder's vectors below which a pair is flagged (extra installed only).
DEFAULT_COSINE_THRESHOLD = 0.5

#: Wall seconds a whole back-translation run may take; what was translated by then stays cached.
DEFAULT_DEADLINE = 900.0


def _back_translator(provider: str | Translator, settings: Settings | None) -> Translator:
    if isinstance(provider, Translator):
        return provider if provider.source == "ko" else provider.reversed()
    return Translator(provider, "ko", "en", settings)


def back_translate(
    ko_text: str,
    provider: str | Translator,
    cache: TranslationCache,
    refresh: bool = False,
    settings: Settings | None = None,
) -> str:
    """What a Korean text says in English, by machine translation; cached like forward translation."""
    return translate_text(ko_text, _back_translator(provider, settings), cache, refresh)


@functools.cache
def _chrf() -> CHRF:
    from sacrebleu.metrics import CHRF

    return CHRF()


def chrf(hypothesis: str, reference: str) -> float:
    """Sentence chrF (0-100) of a back-translation against the English."""
    return float(_chrf().sentence_score(hypothesis, [reference]).score)


# --- meaning cues ---------------------------------------------------------------------------------

#: Words that carry a polarity, a modality or a direction; two classes of a pair are opposites.
_CUES: dict[str, tuple[str, ...]] = {
    "negation": ("not", "no", "never", "none", "nothing", "neither", "nor", "without", "cannot", "n't"),
    "permission": tuple(
        "allow allows allowed allowing enable enables enabled lets can could may might possible able "
        "permit permits".split()
    ),
    "requirement": (
        *"require requires required requiring need needs needed must necessary demands".split(),
        "have to",
        "has to",
        "had to",
        "forced to",
        "obliged to",
    ),
    "more": tuple(
        "more higher greater larger bigger increase increases increased rise rises rose better most "
        "highest raise raises gain gains above".split()
    ),
    "less": tuple(
        "less lower smaller fewer decrease decreases decreased fall falls fell drop drops dropped worse "
        "least lowest reduce reduces reduced below".split()
    ),
}
_OPPOSITES = (("permission", "requirement"), ("more", "less"))
_WORD = re.compile(r"[a-z]+(?:'[a-z]+)?|n't")


def _cue_words(text: str) -> dict[str, list[str]]:
    """Each class's cue words in the text, once per occurrence."""
    words = _WORD.findall(text.lower().replace("’", "'").replace("n't", " n't"))
    joined = f" {' '.join(words)} "
    return {cls: [w for w in cues for _ in range(joined.count(f" {w} "))] for cls, cues in _CUES.items()}


def meaning_cue_change(back: str, english: str) -> str:
    """Why the back-translation reads as the opposite of the English ("" when it does not): more or
    fewer negations, or a modality or comparison traded for its opposite."""
    en, bt = _cue_words(english), _cue_words(back)
    if len(en["negation"]) != len(bt["negation"]):
        word = (en["negation"] + bt["negation"])[0]
        return (
            f"negation: {len(en['negation'])} in the English, {len(bt['negation'])} in the "
            f"back-translation ({word!r})"
        )
    for a, b in _OPPOSITES:
        for x, y in ((a, b), (b, a)):
            if len(en[x]) > len(bt[x]) and len(bt[y]) > len(en[y]):
                lost = next(w for w in en[x] if en[x].count(w) > bt[x].count(w))
                gained = next(w for w in bt[y] if bt[y].count(w) > en[y].count(w))
                return f"{x} → {y}: the English says {lost!r}, the back-translation {gained!r}"
    return ""


# --- the check --------------------------------------------------------------------------------------


@dataclass
class BackTranslationRun:
    """The check's flags, and what it could not do (pairs not in the cache when offline)."""

    flags: list[Flag]
    translated: int = 0  # pairs with a back-translation
    missing: int = 0  # pairs skipped: offline and not cached


class _NotCached(Exception):
    pass


@dataclass
class _CacheOnly:
    """Stands in for a Translator when nothing may be sent: the cache answers, or the pair is skipped."""

    name: str
    source: str = "ko"
    target: str = "en"
    max_chars: int = 0

    def __call__(self, text: str) -> str:
        raise _NotCached(text)


def cached_translator(provider: str) -> _CacheOnly:
    """A stand-in that reads this provider's back-translations from the cache and never sends."""
    from pipeline.stages.translate.providers import get_provider

    return _CacheOnly(provider, max_chars=get_provider(provider).max_chars)


def back_translation_check(
    article: Article,
    provider: str | Translator | _CacheOnly,
    cache: TranslationCache,
    threshold: float = DEFAULT_CHRF_THRESHOLD,
    refresh: bool = False,
) -> Iterator[Flag]:
    """Pairs whose Korean, translated back to English, is far from the English or reads as its
    opposite (see ``back_translation_run``)."""
    yield from back_translation_run(article, provider, cache, threshold, refresh).flags


def back_translation_run(
    article: Article,
    provider: str | Translator | _CacheOnly,
    cache: TranslationCache,
    threshold: float = DEFAULT_CHRF_THRESHOLD,
    refresh: bool = False,
    deadline: float = DEFAULT_DEADLINE,
    progress: Callable[[int, int], None] = lambda done, total: None,
    clock: Callable[[], float] = time.monotonic,
) -> BackTranslationRun:
    """Back-translate every pair (through the cache) and flag those that disagree with the English.

    A flag is a warning, never an error: free translations also score low. Raises ServiceUnreachable
    with ``done``/``total`` pairs when the service fails or the deadline passes; what was
    back-translated stays in the cache.
    """
    translator = provider if isinstance(provider, _CacheOnly) else _back_translator(provider, None)
    pairs = [b for b in article.beads if b.en and b.ko and b.en_text.strip() and b.ko_text.strip()]
    run = BackTranslationRun([])
    backs: list[tuple[Bead, str]] = []
    stop_at = clock() + deadline
    progress(0, len(pairs))
    for done, bead in enumerate(pairs):
        if clock() > stop_at:
            e = ServiceUnreachable(translator.name, f"the overall deadline of {deadline:g} s passed", 0)
            e.done, e.total = done, len(pairs)
            raise e
        try:
            backs.append((bead, translate_text(bead.ko_text, translator, cache, refresh)))  # type: ignore[arg-type]
        except _NotCached:
            run.missing += 1
        except ServiceUnreachable as e:
            e.done, e.total = done, len(pairs)
            raise
        progress(done + 1, len(pairs))
    run.translated = len(backs)
    cosines = _cosines(backs)
    for k, (bead, back) in enumerate(backs):
        reason = _disagreement(back, bead.en_text, threshold, cosines[k] if cosines else None)
        if reason:
            run.flags.append(_flag(article, bead, back, translator.name, reason))
    return run


def _disagreement(back: str, english: str, threshold: float, cosine: float | None) -> str:
    score = chrf(back, english)
    if score < threshold:
        return f"chrF {score:.0f} against the English (flagged below {threshold:g})"
    if cosine is not None and cosine < DEFAULT_COSINE_THRESHOLD:
        return f"sentence-encoder cosine {cosine:.2f} (flagged below {DEFAULT_COSINE_THRESHOLD:g})"
    return meaning_cue_change(back, english)


def _cosines(backs: list[tuple[Bead, str]]) -> list[float] | None:
    """Cosine of back-translation and English per pair, when the `semantic` extra is installed."""
    from pipeline.stages.semantic import default_encoder

    encoder = default_encoder() if backs else None
    if encoder is None:
        return None
    a = encoder.encode([back for _b, back in backs])
    b = encoder.encode([bead.en_text for bead, _back in backs])
    return [float(x) for x in (a * b).sum(axis=1)]


def _flag(article: Article, bead: Bead, back: str, name: str, reason: str) -> Flag:
    from pipeline.stages.checks import fingerprint

    flag = Flag(
        check=BACK_TRANSLATION_CHECK,
        severity="warning",
        en=list(bead.en),
        ko=list(bead.ko),
        en_text=bead.en_text,
        ko_text=bead.ko_text,
        evidence=bead.ko_text,
        message=f"back-translation ({name}) reads {back!r}: {reason}",
        back_translation=back,
    )
    flag.fingerprint = fingerprint(flag, article)
    return flag


def back_translation_flags(
    article: Article,
    provider: str | Translator,
    cache: TranslationCache,
    threshold: float = DEFAULT_CHRF_THRESHOLD,
) -> list[Flag]:
    """The back-translation check's flags for an article, as a list."""
    return back_translation_run(article, provider, cache, threshold).flags
