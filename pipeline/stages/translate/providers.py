"""The provider registry: deep-translator backends for English<->Korean, their codes and limits.

Each factory imports deep-translator when it is first called, so the registry itself costs nothing
to import (``readnotes --help`` lists the names without loading an HTTP stack).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from pipeline.stages.translate.errors import UnknownProvider


@dataclass(frozen=True)
class Provider:
    """A deep-translator backend: how to build it, its language codes, and its limits."""

    name: str
    make: Callable[[str, str, Mapping[str, str]], Any]  # (source code, target code, env) -> translator
    codes: dict[str, str]  # readnotes language -> the provider's code
    max_chars: int  # the longest text one request may carry
    host: str  # for messages
    env: tuple[str, ...] = ()  # environment variables that must be set
    min_interval: float = 0.5  # default rate limit: seconds between two requests
    module: str = ""  # deep-translator module whose HTTP calls get a timeout


def _google(source: str, target: str, env: Mapping[str, str]) -> Any:
    from deep_translator import GoogleTranslator

    return GoogleTranslator(source=source, target=target)


def _mymemory(source: str, target: str, env: Mapping[str, str]) -> Any:
    from deep_translator import MyMemoryTranslator

    # An e-mail address raises MyMemory's free daily quota.
    return MyMemoryTranslator(source=source, target=target, email=env.get("MYMEMORY_EMAIL") or None)


def _deepl(source: str, target: str, env: Mapping[str, str]) -> Any:
    from deep_translator import DeeplTranslator

    key = env["DEEPL_API_KEY"]
    translator = DeeplTranslator(source="en", target="de", api_key=key, use_free_api=key.endswith(":fx"))
    # deep-translator 1.11's DeepL language table predates DeepL's Korean, so set the codes directly.
    translator.source, translator.target = source, target
    return translator


def _microsoft(source: str, target: str, env: Mapping[str, str]) -> Any:
    from deep_translator import MicrosoftTranslator

    # Its constructor fetches the language list: a request, which gets our timeout too.
    return MicrosoftTranslator(
        source=source, target=target, api_key=env["MICROSOFT_API_KEY"], region=env.get("MICROSOFT_REGION")
    )


def _libre(source: str, target: str, env: Mapping[str, str]) -> Any:
    from deep_translator import LibreTranslator

    url = env.get("LIBRE_URL") or None
    if url and not url.endswith("/"):
        url += "/"  # deep-translator appends "translate" to it
    return LibreTranslator(
        source=source, target=target, api_key=env["LIBRE_API_KEY"], use_free_api=False, custom_url=url
    )


def _baidu(source: str, target: str, env: Mapping[str, str]) -> Any:
    from deep_translator import BaiduTranslator

    return BaiduTranslator(source=source, target=target, appid=env["BAIDU_APPID"], appkey=env["BAIDU_APPKEY"])


#: Providers that deep-translator supports for English<->Korean. max_chars stays below each one's
#: own check (google 5000, mymemory 500) or documented request limit, with room for URL encoding.
PROVIDERS: dict[str, Provider] = {
    p.name: p
    for p in (
        Provider("google", _google, {"en": "en", "ko": "ko"}, 4500, "translate.google.com", module="google"),
        Provider(
            "mymemory",
            _mymemory,
            {"en": "en-GB", "ko": "ko-KR"},
            450,
            "api.mymemory.translated.net",
            min_interval=1.0,
            module="mymemory",
        ),
        Provider(
            "deepl",
            _deepl,
            {"en": "en", "ko": "ko"},
            4500,
            "api.deepl.com",
            env=("DEEPL_API_KEY",),
            min_interval=0.2,
            module="deepl",
        ),
        Provider(
            "microsoft",
            _microsoft,
            {"en": "en", "ko": "ko"},
            10000,
            "api.cognitive.microsofttranslator.com",
            env=("MICROSOFT_API_KEY",),
            min_interval=0.2,
            module="microsoft",
        ),
        Provider(
            "libre",
            _libre,
            {"en": "en", "ko": "ko"},
            2000,
            "libretranslate.com",
            env=("LIBRE_API_KEY",),
            module="libre",
        ),
        Provider(
            "baidu",
            _baidu,
            {"en": "en", "ko": "kor"},
            2000,
            "fanyi-api.baidu.com",
            env=("BAIDU_APPID", "BAIDU_APPKEY"),
            min_interval=1.0,
            module="baidu",
        ),
    )
}


def get_provider(name: str) -> Provider:
    """The provider by this name; UnknownProvider lists the ones there are."""
    try:
        return PROVIDERS[name]
    except KeyError:
        choices = ", ".join(PROVIDERS)
        raise UnknownProvider(f"no translation provider {name!r}; choose one of {choices}") from None
