"""Checks of terminology: acronym glosses, term-base renderings, English left untranslated, and
renderings that change within an article or from the reader's other articles."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from pipeline.lang import en
from pipeline.models import Bead, Flag
from pipeline.stages import terms
from pipeline.stages.checks.registry import Facts, check, normal_text
from pipeline.stages.checks.registry import flag as _flag

if TYPE_CHECKING:
    from pipeline.stages.terms import Term, TermHit


# ---------------------------------------------------------------------------------------------
# acronym-gloss
# ---------------------------------------------------------------------------------------------


def _bigrams(s: str) -> Counter[str]:
    return Counter(s[i : i + 2] for i in range(len(s) - 1))


def similar(a: str, b: str) -> bool:
    """Two Korean phrases (squashed) say nearly the same: they share most syllable bigrams."""
    x, y = _bigrams(a), _bigrams(b)
    total = sum(x.values()) + sum(y.values())
    return total > 0 and 2 * sum((x & y).values()) / total >= 0.75


def _gloss_matches(p: terms.Parenthetical, ko_text: str, rendering: str, lenient: bool = False) -> bool:
    """Does the gloss say this rendering? Strictly: the same words, one holding the other (the noun
    phrase before "(ACR" may carry modifiers or be cut short). Leniently: most bigrams shared."""
    r = terms.squash(rendering)
    gloss = terms.squash(p.korean)
    if not r or not gloss:
        return False
    if lenient:
        return similar(gloss, r)
    if p.kind == "gloss-acronym":
        before = terms.squash(ko_text[: p.korean_end])
        return before.endswith(r) or (len(gloss) >= 2 and r.endswith(gloss))
    return r in gloss or (len(gloss) >= 2 and gloss in r)


@check("acronym-gloss")
def acronym_gloss(facts: Facts) -> Iterator[Flag]:
    """A Korean ACR(gloss) or gloss(ACR) whose gloss does not render the English expansion the
    article gives for the acronym (error: RAG(무작위 생성) where the English says "Retrieval-augmented
    generation (RAG)"), including a term-base sense that is not this article's; where the English
    gives no expansion, a gloss that contradicts the term base (error: SFT(스위칭 함수 이론), SFT is
    지도 미세 조정), or that no known rendering matches (warning)."""
    for i, bead in enumerate(facts.article.beads):
        if not bead.ko or not bead.en:
            continue
        for p in terms.korean_parentheticals(bead.ko_text):
            if not p.is_acronym:
                continue
            acronym = terms.acronym_key(p.latin)
            expansion = facts.expansion(acronym, i) or terms.spelled_out(acronym, bead.en_text)
            if expansion:
                flag = _against_expansion(facts, bead, p, acronym, expansion)
            else:
                flag = _against_term_base(facts, bead, p, acronym)
            if flag is not None:
                yield flag


def _gloss_candidates(p: terms.Parenthetical) -> list[str]:
    """The gloss, and for gloss(ACR) the shorter noun phrases ending where it ends: the noun phrase
    before the parenthesis may carry modifiers the English does not (미 연방수사국(FBI))."""
    if p.kind != "gloss-acronym":
        return [p.korean]
    words = p.korean.split()
    return [" ".join(words[k:]) for k in range(len(words))]


def _verdict(facts: Facts, acronym: str, expansion: str, gloss: str) -> terms.GlossVerdict:
    """The verdict from what is known of the words; the sentence encoder (loaded only now) where
    nothing is."""
    verdict = terms.gloss_verdict(acronym, expansion, gloss, facts.termbase)
    if verdict.outcome == "unknown":
        encoder = facts.encoder()
        if encoder is not None:
            verdict = terms.gloss_verdict(acronym, expansion, gloss, facts.termbase, encoder)
    return verdict


def _against_expansion(
    facts: Facts, bead: Bead, p: terms.Parenthetical, acronym: str, expansion: str
) -> Flag | None:
    """Judge the gloss against the English expansion: the article's definition wins over the term base."""
    glosses = _gloss_candidates(p)
    whole = _verdict(facts, acronym, expansion, glosses[0])
    if whole.outcome == "renders" and whole.reason != "its words":
        return None  # a term-base rendering or a reading, whatever terms hide inside (위치 인코딩)
    verdicts = [whole] + [_verdict(facts, acronym, expansion, gloss) for gloss in glosses[1:]]
    # Another term's rendering as the noun phrase, or as a phrase of two words or more that ends it,
    # is wrong (설명 가능한 인공지능(AI) is XAI's, though 인공지능 renders AI; not 학습 alone, which
    # ends many right glosses); else a shorter phrase that renders it is fine (미 연방수사국(FBI));
    # else the whole gloss decides.
    verdict = next(
        (
            v
            for k, (g, v) in enumerate(zip(glosses, verdicts, strict=True))
            if v.outcome in ("other-sense", "forbidden") and (k == 0 or len(g.split()) >= 2)
        ),
        None,
    )
    if verdict is None:
        if any(v.outcome == "renders" for v in verdicts):
            return None
        verdict = verdicts[0]
    evidence = bead.ko_text[p.start : p.end]
    defined = f"this article defines {acronym} as {expansion!r}"
    if verdict.outcome == "unknown":
        # Without the encoder nothing was weighed: context for the curious, not a doubt to review,
        # unless the gloss also differs from the one the translator wrote at the definition.
        severity = "warning" if verdict.cosine is not None else "info"
        message = f"{defined}; check that {p.korean!r} says that (nothing known of its words)"
        there = _gloss_at_definition(facts, acronym, bead)
        if severity == "info" and there:
            if any(_gloss_matches(p, bead.ko_text, g) for g in there):
                return None  # as at the definition: that one carries the note
            severity = "warning"
            message += f", and it differs from the gloss at the definition ({there[0]!r})"
        return _flag("acronym-gloss", severity, bead, evidence, message, acronym)
    if verdict.outcome == "other-sense" and verdict.other is not None:
        same = terms.acronym_key(verdict.other.acronym) == acronym
        sense = f"another sense of {acronym}" if same else "another term"
        why = f"{p.korean!r} renders {verdict.other.term!r} ({sense} in the term base)"
    elif verdict.outcome == "forbidden":
        why = f"{p.korean!r} is a forbidden rendering of it"
    else:
        why = f"{p.korean!r} does not render it"
    entry = facts.termbase.get(expansion)
    if entry is not None and terms.term_key(expansion) in {terms.term_key(f) for f in entry.english_forms}:
        why += f"; use {' / '.join(entry.accepted[:3])}"
    return _flag("acronym-gloss", "error", bead, evidence, f"{defined}; {why}", acronym)


def _gloss_at_definition(facts: Facts, acronym: str, bead: Bead) -> list[str]:
    """The Korean glosses of the acronym in the sentences whose English defines it (not this one):
    a consistency reference, never the definition."""
    out = []
    for i, _ in facts.expansions.get(acronym, []):
        there = facts.article.beads[i]
        if there is bead or not there.ko:
            continue
        for q in terms.korean_parentheticals(there.ko_text):
            if q.is_acronym and terms.acronym_key(q.latin) == acronym and q.korean not in out:
                out.append(q.korean)
    return out


def _against_term_base(facts: Facts, bead: Bead, p: terms.Parenthetical, acronym: str) -> Flag | None:
    """Where the English gives no expansion: the term base, else a reading, else a warning."""
    entries = facts.acronym_terms(acronym)
    evidence = bead.ko_text[p.start : p.end]
    known = [a for t in entries for a in t.accepted]
    if any(_gloss_matches(p, bead.ko_text, k) for k in known):
        return None
    if any(_gloss_matches(p, bead.ko_text, f) for t in entries for f in t.forbidden):
        return _flag(
            "acronym-gloss",
            "error",
            bead,
            evidence,
            f"{p.korean!r} is a forbidden rendering of {acronym}; use {' / '.join(entries[0].accepted[:3])}",
            acronym,
        )
    if any(_gloss_matches(p, bead.ko_text, k, lenient=True) for k in known):
        return None
    if terms.english_supports(acronym, bead.en_text):
        return None  # spelled out in another order (Federation of German Industries (BDI))
    reading = p.korean.split()[-1] if p.kind == "gloss-acronym" else p.korean
    if terms.transliterates(p.latin, reading):
        return None  # 피메일(FEMAIL), 에프비아이(FBI): the sound of it, not a gloss
    if known:
        shown = " / ".join(list(dict.fromkeys(known))[:3])
        return _flag(
            "acronym-gloss",
            "error",
            bead,
            evidence,
            f"{acronym} is {shown} (the term base), not {p.korean!r}",
            acronym,
        )
    return _flag(
        "acronym-gloss",
        "warning",
        bead,
        evidence,
        f"the English does not spell out {acronym}, and {p.korean!r} matches no known "
        f"rendering; check it, or add {acronym} to the term base",
        acronym,
    )


# ---------------------------------------------------------------------------------------------
# term
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Rendering:
    """How one English term occurrence came out in the Korean of its bead."""

    term: Term
    surface: str  # the English as written
    accepted: tuple[tuple[str, int, int], ...]  # (rendering, start, end) found in the Korean
    forbidden: tuple[tuple[str, int, int], ...]
    latin: bool  # the Korean keeps the English form (LLM, Transformer)


def renderings(bead: Bead, hits: Sequence[TermHit]) -> list[Rendering]:
    """For each distinct term of the bead's English, which of its renderings the Korean uses."""
    index = terms.korean_index(bead.ko_text)
    out = []
    seen: set[str] = set()
    for hit in hits:
        t = hit.term
        if t.key in seen:
            continue
        seen.add(t.key)
        accepted = tuple((a, s, e) for a in t.accepted for s, e in index.find(a))
        forbidden = tuple((f, s, e) for f in t.forbidden for s, e in index.find(f))
        latin = bool(terms.latin_forms_in(bead.ko_text, t))
        out.append(Rendering(t, hit.surface, accepted, forbidden, latin))
    return out


@check("term")
def term_check(facts: Facts) -> Iterator[Flag]:
    """The English has a term-base term, but the Korean uses a forbidden rendering (error) or none of
    its accepted ones (warning; info for ambiguous words such as "model")."""
    for i, bead in enumerate(facts.article.beads):
        if not bead.en or not bead.ko or not facts.hits.get(i):
            continue
        for r in renderings(bead, facts.hits[i]):
            t = r.term
            use = " / ".join(t.accepted[:4]) or "another rendering"
            if r.forbidden:
                wrong, s, e = r.forbidden[0]
                yield _flag(
                    "term",
                    "error",
                    bead,
                    bead.ko_text[s:e],
                    f"{r.surface!r} should not be rendered {wrong!r}; use {use}",
                    t.term,
                )
            elif not r.accepted and not r.latin and t.accepted:
                yield _flag(
                    "term",
                    "info" if t.ambiguous else "warning",
                    bead,
                    r.surface,
                    f"{r.surface!r} has none of its renderings ({use}) in the Korean",
                    t.term,
                )


# ---------------------------------------------------------------------------------------------
# untranslated
# ---------------------------------------------------------------------------------------------


_LATIN_RUN = re.compile(r"[A-Za-z][A-Za-z'’\-]*(?:[ ,]+[A-Za-z][A-Za-z'’\-]*)+")


def _outside_parentheses(text: str) -> str:
    """Blank out parenthesised text (deliberate English glosses) and quoted titles, keeping offsets."""
    text = re.sub(r"\([^()]*\)", lambda m: " " * len(m.group(0)), text)
    return re.sub(r"[\"“][^\"”]*[\"”]|‘[^’]*’", lambda m: " " * len(m.group(0)), text)


@check("untranslated")
def untranslated(facts: Facts) -> Iterator[Flag]:
    """English left in the Korean beyond terms and names: a Korean side identical to its English, or a
    run of ordinary English words (four or more, mostly lower case, with function words)."""
    STOP_WORDS = en.stop_words()  # spaCy's list, without importing spaCy

    for i, bead in enumerate(facts.article.beads):
        if not bead.en or not bead.ko:
            continue
        if normal_text(bead.en_text) == normal_text(bead.ko_text) and re.search(r"[A-Za-z]{3}", bead.en_text):
            if len(bead.en_text.split()) >= 3:
                message = "the Korean is the English unchanged"
                yield _flag("untranslated", "warning", bead, bead.ko_text, message)
            continue
        term_spans = [(h.start, h.end) for h in facts.hits.get(i, [])]
        scan = _outside_parentheses(bead.ko_text)
        for m in _LATIN_RUN.finditer(scan):
            words = re.findall(r"[A-Za-z][A-Za-z'’\-]*", m.group(0))
            lower = sum(w[0].islower() for w in words)
            stops = sum(w.lower() in STOP_WORDS for w in words)
            if len(words) >= 4 and stops >= 2 and lower * 2 > len(words):
                run = bead.ko_text[m.start() : m.end()]
                if any(run.lower() in bead.en_text.lower()[s:e] for s, e in term_spans):
                    continue
                yield _flag("untranslated", "warning", bead, run, "English words left untranslated")


# ---------------------------------------------------------------------------------------------
# inconsistent
# ---------------------------------------------------------------------------------------------


def _korean_renderings(r: Rendering) -> list[tuple[str, int, int]]:
    """Accepted renderings written in Korean: keeping "AI" in Latin script is not a different rendering."""
    return [a for a in r.accepted if re.search(r"[가-힣]", a[0])]


def term_uses(facts: Facts) -> dict[str, Counter[str]]:
    """term key → Counter of squashed accepted renderings used in this article."""
    uses: dict[str, Counter[str]] = defaultdict(Counter)
    for i, bead in enumerate(facts.article.beads):
        if not bead.en or not bead.ko or not facts.hits.get(i):
            continue
        for r in renderings(bead, facts.hits[i]):
            korean = _korean_renderings(r)
            if r.term.ambiguous or not korean:
                continue
            longest = max(korean, key=lambda a: a[2] - a[1])
            uses[r.term.key][terms.squash(bead.ko_text[longest[1] : longest[2]])] += 1
    return uses


@check("inconsistent")
def inconsistent(facts: Facts) -> Iterator[Flag]:
    """The same English term rendered differently within the article (warning), or differently from
    your other articles (info)."""
    uses = term_uses(facts)
    reported: set[tuple[str, str]] = set()
    for i, bead in enumerate(facts.article.beads):
        if not bead.en or not bead.ko or not facts.hits.get(i):
            continue
        for r in renderings(bead, facts.hits[i]):
            key = r.term.key
            korean = _korean_renderings(r)
            if r.term.ambiguous or not korean or len(uses.get(key, {})) < 1:
                continue
            longest = max(korean, key=lambda a: a[2] - a[1])
            span = bead.ko_text[longest[1] : longest[2]]
            used = terms.squash(span)
            counts = uses[key]
            if len(counts) > 1:
                majority, n = counts.most_common(1)[0]
                if used != majority and counts[used] <= n and (key, used) not in reported:
                    reported.add((key, used))
                    yield _flag(
                        "inconsistent",
                        "warning",
                        bead,
                        span,
                        f"{r.surface!r} is rendered {span!r} here but "
                        f"{_display(facts, key, majority)!r} elsewhere in this article",
                        r.term.term,
                    )
                continue
            elsewhere = facts.usage.get(key, {})
            if elsewhere and used not in elsewhere and (key, used) not in reported:
                reported.add((key, used))
                other, slugs = max(elsewhere.items(), key=lambda kv: len(kv[1]))
                yield _flag(
                    "inconsistent",
                    "info",
                    bead,
                    span,
                    f"{r.surface!r} is rendered {span!r} here but {other!r} in "
                    f"{', '.join(sorted(slugs)[:3])}",
                    r.term.term,
                )


def _display(facts: Facts, key: str, squashed: str) -> str:
    term = facts.termbase.by_key.get(key)
    for a in term.accepted if term else []:
        if terms.squash(a) == squashed:
            return a
    return squashed
