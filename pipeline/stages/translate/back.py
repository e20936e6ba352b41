"""Back-translation for review: translate the Korean back to English and score it with chrF.

A low score means the Korean says something else, or says it so freely that a reader should look.
sacrebleu is imported on the first score, not with this module.
"""

from __future__ import annotations

import functools
import hashlib
import unicodedata
from collections.abc import Iterator
from typing import TYPE_CHECKING

from pipeline.models import Article, Bead, Flag
from pipeline.stages.translate.cache import TranslationCache
from pipeline.stages.translate.client import Settings, Translator
from pipeline.stages.translate.document import translate_text

if TYPE_CHECKING:
    from sacrebleu.metrics import CHRF

#: The check's stable name, stored in flags and in review decisions.
BACK_TRANSLATION_CHECK = "back-translation"

#: chrF (0-100) of the back-translation against the English below which a pair is flagged.
DEFAULT_CHRF_THRESHOLD = 35.0


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


def back_translation_check(
    article: Article,
    provider: str | Translator,
    cache: TranslationCache,
    threshold: float = DEFAULT_CHRF_THRESHOLD,
    refresh: bool = False,
) -> Iterator[Flag]:
    """Pairs whose Korean, translated back to English, is far from the English (chrF < threshold).

    A low score means the Korean says something else, or says it so freely that a reader should
    look; it is a warning, never an error, because free translations also score low.
    """
    translator = _back_translator(provider, None)
    for bead in article.beads:
        if not (bead.en and bead.ko and bead.en_text.strip() and bead.ko_text.strip()):
            continue
        back = translate_text(bead.ko_text, translator, cache, refresh)
        score = chrf(back, bead.en_text)
        if score < threshold:
            yield Flag(
                check=BACK_TRANSLATION_CHECK,
                severity="warning",
                en=list(bead.en),
                ko=list(bead.ko),
                en_text=bead.en_text,
                ko_text=bead.ko_text,
                evidence=bead.ko_text,
                message=f"back-translation ({translator.name}) reads {back!r}: chrF {score:.0f} "
                f"against the English (flagged below {threshold:g})",
                fingerprint=_fingerprint(bead),
            )


def back_translation_flags(
    article: Article,
    provider: str | Translator,
    cache: TranslationCache,
    threshold: float = DEFAULT_CHRF_THRESHOLD,
) -> list[Flag]:
    """The back-translation check's flags for an article, as a list.

    No command runs this check yet; a caller stores the flags like any other check's.
    """
    return list(back_translation_check(article, provider, cache, threshold))


def _fingerprint(bead: Bead) -> str:
    normalised = " ".join(unicodedata.normalize("NFC", bead.en_text).lower().split())
    key = "\x00".join((BACK_TRANSLATION_CHECK, bead.ko_text, normalised))
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:16]
