"""translate: machine translation of the missing side, and back-translation for review.

Providers are deep-translator classes behind one registry (``PROVIDERS``, in ``providers``). The
``client`` gives every request a timeout (deep-translator sets none), retries transient failures
(timeouts, no connection, HTTP 429, 5xx) with exponential backoff within a bounded budget, and
spaces requests by a rate limit. ``document`` translates a Document block by block, masking URLs and
splitting blocks to the provider's limit; ``back`` translates Korean back and flags pairs whose
back-translation disagrees with the English (chrF, the sentence encoder where installed, and
opposite meaning cues).

Every text sent is cached, keyed by provider, languages and the SHA-256 of the text, and committed
as soon as it arrives: a re-run costs no request and an interrupted run resumes where it stopped.
The cache's rows are the store's (``pipeline.store.translations``); ``TranslationCache`` is handed
its lookup and save functions.

Importing this package loads no HTTP, retry or scoring library: requests, deep-translator, tenacity
and sacrebleu are imported on first use.
"""

from pipeline.stages.translate.back import (
    BACK_TRANSLATION_CHECK,
    DEFAULT_CHRF_THRESHOLD,
    BackTranslationRun,
    back_translate,
    back_translation_check,
    back_translation_flags,
    back_translation_run,
    cached_translator,
    chrf,
    meaning_cue_change,
)
from pipeline.stages.translate.cache import Lookup, Save, TranslationCache, text_hash
from pipeline.stages.translate.client import DEFAULT_TIMEOUT, RateLimiter, Settings, Translator
from pipeline.stages.translate.document import (
    BlockProgress,
    mask_urls,
    no_block_progress,
    provenance,
    split_for_limit,
    translate_document,
    translate_text,
    unmask_urls,
)
from pipeline.stages.translate.errors import (
    MissingApiKey,
    ProviderError,
    ServiceUnreachable,
    TranslationError,
    UnknownProvider,
)
from pipeline.stages.translate.providers import PROVIDERS, Provider, get_provider

__all__ = [
    "BACK_TRANSLATION_CHECK",
    "BackTranslationRun",
    "DEFAULT_CHRF_THRESHOLD",
    "DEFAULT_TIMEOUT",
    "PROVIDERS",
    "BlockProgress",
    "Lookup",
    "MissingApiKey",
    "Provider",
    "ProviderError",
    "RateLimiter",
    "Save",
    "ServiceUnreachable",
    "Settings",
    "TranslationCache",
    "TranslationError",
    "Translator",
    "UnknownProvider",
    "back_translate",
    "back_translation_check",
    "back_translation_flags",
    "back_translation_run",
    "cached_translator",
    "chrf",
    "get_provider",
    "mask_urls",
    "meaning_cue_change",
    "no_block_progress",
    "provenance",
    "split_for_limit",
    "text_hash",
    "translate_document",
    "translate_text",
    "unmask_urls",
]
