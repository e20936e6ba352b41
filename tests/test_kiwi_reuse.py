"""Kiwi's analyses reused: a text is analysed once per process, and the bundled glossary's
renderings once per user (their morphemes kept in the per-user cache)."""

from __future__ import annotations

import pytest

from pipeline import usercache
from pipeline.lang import ko
from pipeline.stages.terms import expansions
from pipeline.stages.terms.base import bundled

TEXTS = ["검증 가능한 보상", "강화 학습", "지도 미세 조정을 했다", "RLHF 단계는 짧았습니다."]


@pytest.fixture
def cache(tmp_path, monkeypatch, kiwi):
    folder = tmp_path / "cache"
    monkeypatch.setenv(usercache.CACHE_DIR_VAR, str(folder))
    monkeypatch.setattr(ko, "_stored_morphemes", {})
    return folder


def no_kiwi(text: str):
    raise AssertionError(f"Kiwi analysed {text!r} again")


def test_stored_morphemes_are_kiwis_own_and_read_back_without_kiwi(cache, monkeypatch):
    fresh = {t: ko._morphemes(t) for t in TEXTS}
    ko.load_morphemes(TEXTS, "test")
    (stored,) = cache.glob("kiwi-test-*.json")
    assert {t: ko.morphemes(t) for t in TEXTS} == fresh

    monkeypatch.setattr(ko, "_stored_morphemes", {})  # a new process
    monkeypatch.setattr(ko, "_morphemes", no_kiwi)
    ko.load_morphemes(reversed(TEXTS), "test")
    assert {t: ko.morphemes(t) for t in TEXTS} == fresh
    assert list(cache.glob("kiwi-test-*.json")) == [stored]


def test_other_texts_get_their_own_file(cache):
    ko.load_morphemes(TEXTS, "test")
    ko.load_morphemes(TEXTS[:2], "test")
    assert len(list(cache.glob("kiwi-test-*.json"))) == 2


@pytest.mark.parametrize("damage", ["{", '{"key": "other", "morphemes": {}}', '{"key": 1}', ""])
def test_a_damaged_file_is_analysed_again_and_rewritten(cache, damage):
    fresh = {t: ko._morphemes(t) for t in TEXTS}
    ko.load_morphemes(TEXTS, "test")
    (stored,) = cache.glob("kiwi-test-*.json")
    stored.write_text(damage)
    ko._stored_morphemes.clear()
    ko.load_morphemes(TEXTS, "test")
    assert {t: ko.morphemes(t) for t in TEXTS} == fresh
    assert stored.read_text() != damage


def test_an_unwritable_cache_still_gives_the_morphemes(tmp_path, monkeypatch, kiwi):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    monkeypatch.setenv(usercache.CACHE_DIR_VAR, str(blocker / "cache"))
    monkeypatch.setattr(ko, "_stored_morphemes", {})
    ko.load_morphemes(TEXTS, "test")
    assert {t: ko.morphemes(t) for t in TEXTS} == {t: ko._morphemes(t) for t in TEXTS}


def test_the_glossary_components_are_the_same_from_the_cache(cache, monkeypatch):
    expected = expansions.learn_components(bundled())  # analysed by Kiwi in this process
    expansions.bundled_components.cache_clear()
    assert expansions.bundled_components() == expected  # the first run writes the file
    assert list(cache.glob("kiwi-glossary-*.json"))
    monkeypatch.setattr(ko, "_stored_morphemes", {})
    monkeypatch.setattr(ko, "_morphemes", no_kiwi)
    expansions.bundled_components.cache_clear()
    assert expansions.bundled_components() == expected  # read back, Kiwi not asked
    expansions.bundled_components.cache_clear()
