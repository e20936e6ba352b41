"""Changes of meaning that keep every number and term: can the back-translation check see them?

Meaning changes are injected into NTREX-128 en-ko dev rows, one class at a time, on both sides: the
Korean gets the defect (what a careless translator writes), and the English gets its mirror (what
that Korean says, i.e. what a perfect back-translation would read). Classes: negation, inverted
comparison, modality ("can/allows" → "must/requires"), swapped agents. Documents alternate between a
calibration half and a report half.

Back-translations come from one of two sources:

- ``--provider NAME`` (any provider of ``--translate``; needs its network): the Korean, gold and
  changed, is really back-translated, through a translation cache in ``--cache`` (a notes.db). The
  chrF threshold is calibrated on the calibration half (best F1), and the check is reported on the
  other half.
- offline (the default): the mirror English stands in for the back-translation of a changed row and
  the English itself for a gold row, i.e. a perfect translator. This measures what the signals can
  see at best: it cannot calibrate chrF (gold rows score 100 here, never so with real MT), so the
  threshold stays at the default.

    python -m benchmarks.meaning_changes                      # offline, perfect-translator bound
    python -m benchmarks.meaning_changes --provider google --cache /tmp/bt.db

``--llm`` also runs the LLM reviewer (READNOTES_LLM_URL, READNOTES_LLM_MODEL) on the report half: a
pair counts as flagged when the model reports a major error on it; answers are cached in ``--cache``.
"""

from __future__ import annotations

import argparse
import re
import statistics
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from benchmarks.data import DEFAULT_PAIRS, load_documents
from pipeline.stages.translate import DEFAULT_CHRF_THRESHOLD, chrf, meaning_cue_change

CLASSES = ("negation", "comparison", "modality", "agents")

_AUX = re.compile(r"\b(is|are|was|were|will|can|has|have|had|would|could|should)\b(\s+not\b)?")
_EN_OPPOSITE = {
    "more": "less", "less": "more", "higher": "lower", "lower": "higher", "increase": "decrease",
    "decrease": "increase", "increased": "decreased", "decreased": "increased", "increases": "decreases",
    "decreases": "increases", "larger": "smaller", "smaller": "larger", "rose": "fell", "fell": "rose",
    "rise": "fall", "fall": "rise", "most": "least", "least": "most", "greater": "smaller",
}  # fmt: skip
_KO_OPPOSITE = {
    "증가": "감소", "감소": "증가", "높은": "낮은", "낮은": "높은", "높아": "낮아", "낮아": "높아",
    "많은": "적은", "적은": "많은", "상승": "하락", "하락": "상승", "늘어": "줄어", "줄어": "늘어",
    "늘었": "줄었", "줄었": "늘었", "최고": "최저", "최저": "최고", "더 큰": "더 작은", "더 많": "더 적",
}  # fmt: skip
_EN_MODAL = {
    "allows": "requires", "allow": "require", "allowed": "required", "can": "must", "could": "had to",
    "may": "must", "able to": "forced to", "enables": "requires", "possible": "necessary",
}  # fmt: skip
_AGENTS = re.compile(r"\b(the [a-z]+|[A-Z][a-z]+)\s+([a-z]+(?:ed|s))\s+(the [a-z]+|[A-Z][a-z]+)\b")


def _swap_first(text: str, table: dict[str, str], word_bounded: bool) -> str | None:
    keys = sorted(table, key=len, reverse=True)
    pattern = (
        r"\b(" + "|".join(map(re.escape, keys)) + r")\b" if word_bounded else "|".join(map(re.escape, keys))
    )
    m = re.search(pattern, text)
    return None if not m else text[: m.start()] + table[m.group(0)] + text[m.end() :]


def negate_en(en: str) -> str | None:
    m = _AUX.search(en)
    if not m:
        return None
    return en[: m.start()] + (m.group(1) if m.group(2) else f"{m.group(1)} not") + en[m.end() :]


def negate_ko(ko: str) -> str | None:
    """'안' before the sentence's last word (its predicate): 발표했다 → 안 발표했다."""
    stripped = ko.rstrip()
    cut = stripped.rfind(" ")
    return None if cut < 0 else stripped[: cut + 1] + "안 " + stripped[cut + 1 :]


def agents_en(en: str) -> str | None:
    m = _AGENTS.search(en)
    if not m or m.group(1).lower() == m.group(3).lower():
        return None
    return en[: m.start()] + f"{m.group(3)} {m.group(2)} {m.group(1)}" + en[m.end() :]


def agents_ko(ko: str) -> str | None:
    """Swap the nouns marked as subject (이/가/은/는) and object (을/를)."""
    from pipeline.stages.segment import kiwi

    tokens = kiwi().tokenize(ko)
    subject = obj = None
    for prev, tok in zip(tokens, tokens[1:], strict=False):
        if prev.tag in ("NNG", "NNP") and tok.tag in ("JKS", "JX") and subject is None:
            subject = prev
        if prev.tag in ("NNG", "NNP") and tok.tag == "JKO" and obj is None:
            obj = prev
    if subject is None or obj is None or subject.form == obj.form:
        return None
    a, b = sorted((subject, obj), key=lambda t: t.start)
    return ko[: a.start] + b.form + ko[a.end : b.start] + a.form + ko[b.end :]


INJECT: dict[str, tuple[Callable[[str], str | None], Callable[[str], str | None]]] = {
    "negation": (negate_en, negate_ko),
    "comparison": (
        lambda en: _swap_first(en, _EN_OPPOSITE, True),
        lambda ko: _swap_first(ko, _KO_OPPOSITE, False),
    ),
    "modality": (
        lambda en: _swap_first(en, _EN_MODAL, True),
        lambda ko: _swap_first(ko, {"수 있": "수밖에 없"}, False),
    ),
    "agents": (agents_en, agents_ko),
}


@dataclass
class Item:
    half: str  # "calibrate" or "report"
    kind: str  # "gold" or a class of CLASSES
    en: str
    ko: str  # the Korean under test (changed for a class)
    mirror: str  # what that Korean says in English (the English itself for gold)


def build_set(path: Path = DEFAULT_PAIRS) -> list[Item]:
    items: list[Item] = []
    for d, doc in enumerate(load_documents(path)):
        half = "calibrate" if d % 2 == 0 else "report"
        for en, ko in zip(doc.en_rows, doc.ko_rows, strict=True):
            items.append(Item(half, "gold", en, ko, en))
            for kind, (edit_en, edit_ko) in INJECT.items():
                en2, ko2 = edit_en(en), edit_ko(ko)
                if en2 and ko2 and en2 != en and ko2 != ko:
                    items.append(Item(half, kind, en, ko2, en2))
    return items


def flagged(back: str, en: str, threshold: float, cues: bool) -> bool:
    return chrf(back, en) < threshold or (cues and bool(meaning_cue_change(back, en)))


def report(items: Sequence[Item], backs: dict[int, str], threshold: float, cues: bool) -> dict[str, float]:
    """Recall per class, and precision over all flags (a flagged gold row is a false alarm)."""
    out: dict[str, float] = {}
    hits = {id(it): flagged(backs[k], it.en, threshold, cues) for k, it in enumerate(items)}
    for kind in CLASSES:
        rows = [it for it in items if it.kind == kind]
        out[kind] = sum(hits[id(it)] for it in rows) / max(len(rows), 1)
    changed = [it for it in items if it.kind != "gold"]
    tp = sum(hits[id(it)] for it in changed)
    fp = sum(hits[id(it)] for it in items if it.kind == "gold")
    out["recall"] = tp / max(len(changed), 1)
    out["precision"] = tp / max(tp + fp, 1)
    return out


def calibrate(items: Sequence[Item], backs: dict[int, str]) -> float:
    """The chrF threshold (with the cues on) of best F1 on these items."""
    best, best_f1 = DEFAULT_CHRF_THRESHOLD, -1.0
    for threshold in range(10, 96, 5):
        r = report(items, backs, threshold, cues=True)
        f1 = 2 * r["precision"] * r["recall"] / max(r["precision"] + r["recall"], 1e-9)
        if f1 > best_f1:
            best, best_f1 = float(threshold), f1
    return best


def back_translations(items: Sequence[Item], provider: str | None, cache: Path | None) -> dict[int, str]:
    if provider is None:
        return {k: it.mirror for k, it in enumerate(items)}
    from functools import partial

    from pipeline import store
    from pipeline.stages import translate
    from pipeline.store import translations

    db = store.open_db(cache or Path("meaning-bt.db"))
    tcache = translate.TranslationCache(partial(translations.lookup, db), partial(translations.put, db))
    translator = translate.Translator(provider, "ko", "en")
    return {k: translate.back_translate(it.ko, translator, tcache) for k, it in enumerate(items)}


def llm_report(items: Sequence[Item], cache: Path | None) -> dict[str, float]:
    """The LLM reviewer's recall per class and precision, with a major error as a flag."""
    from functools import partial

    from pipeline import store
    from pipeline.models import Bead
    from pipeline.stages import llm
    from pipeline.store import llm as llm_store

    db = store.open_db(cache or Path("meaning-bt.db"))
    review_cache = llm.ReviewCache(partial(llm_store.lookup_review, db), partial(llm_store.put_review, db))
    settings = llm.LLMSettings.from_env()
    beads = [Bead([k], [k], 1.0, it.en, it.ko) for k, it in enumerate(items)]
    article = _pairs_article(beads)
    plan = llm.plan_review(article, settings.model, review_cache, None, settings.batch_size)
    print(plan.describe())
    outcome = llm.run_review(
        article, plan, llm.ChatClient(settings), review_cache, None, max_pairs=len(beads)
    )
    hits = {k: any(e.severity == "major" for e in outcome.errors.get(k, [])) for k in range(len(items))}
    out = {kind: _share([hits[k] for k, it in enumerate(items) if it.kind == kind]) for kind in CLASSES}
    tp = sum(hits[k] for k, it in enumerate(items) if it.kind != "gold")
    fp = sum(hits[k] for k, it in enumerate(items) if it.kind == "gold")
    out["recall"] = tp / max(sum(1 for it in items if it.kind != "gold"), 1)
    out["precision"] = tp / max(tp + fp, 1)
    return out


def _pairs_article(beads: list) -> Any:
    from pipeline.models import Article, Document

    return Article("meaning-changes", Document("en", []), Document("ko", []), beads=beads)


def _share(values: Sequence[bool]) -> float:
    return sum(values) / max(len(values), 1)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--provider", help="back-translate for real with this provider (needs its network)")
    parser.add_argument("--cache", type=Path, help="notes.db holding the back-translation and LLM caches")
    parser.add_argument("--llm", action="store_true", help="also run the LLM reviewer on the report half")
    args = parser.parse_args(argv)
    items = build_set()
    halves = {h: [it for it in items if it.half == h] for h in ("calibrate", "report")}
    for half, rows in halves.items():
        counts = {k: sum(1 for it in rows if it.kind == k) for k in ("gold", *CLASSES)}
        print(f"{half}: " + ", ".join(f"{k} {n}" for k, n in counts.items()))
    backs = {h: back_translations(rows, args.provider, args.cache) for h, rows in halves.items()}
    source = f"back-translation by {args.provider}" if args.provider else "perfect-translator bound (offline)"
    threshold = (
        calibrate(halves["calibrate"], backs["calibrate"]) if args.provider else DEFAULT_CHRF_THRESHOLD
    )
    rows, rb = halves["report"], backs["report"]
    print(f"\nReport half, {source}; chrF threshold {threshold:g}")
    print(f"{'signals':<28}" + "".join(f"{k:>12}" for k in (*CLASSES, "recall", "precision")))
    for name, t, cues in (
        (f"before: chrF < {DEFAULT_CHRF_THRESHOLD:g}", DEFAULT_CHRF_THRESHOLD, False),
        (f"after: chrF < {threshold:g} or cues", threshold, True),
    ):
        r = report(rows, rb, t, cues)
        print(f"{name:<28}" + "".join(f"{r[k]:>12.2f}" for k in (*CLASSES, "recall", "precision")))
    if args.llm:
        r = llm_report(rows, args.cache)
        print(
            f"{'llm: a major error':<28}"
            + "".join(f"{r[k]:>12.2f}" for k in (*CLASSES, "recall", "precision"))
        )
    print("\nchrF of the changed rows' back-translations against the English (median, share >= 70):")
    for kind in CLASSES:
        scores = [chrf(rb[k], it.en) for k, it in enumerate(rows) if it.kind == kind]
        if scores:
            high = sum(s >= 70 for s in scores) / len(scores)
            print(f"  {kind:<11} {statistics.median(scores):5.1f}  {high:.2f}  (n={len(scores)})")


if __name__ == "__main__":
    main()
