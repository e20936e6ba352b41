"""The severity policy: what each level asks of the reader, and which finding gets which level.

It is data. The README's table of checks is generated from it (cog), and
tests/test_severity_policy.py pins every rule to an example the checks must flag at exactly that
level, and fails when a check emits a level the policy does not give it.
"""

from __future__ import annotations

from dataclasses import dataclass

from pipeline.stages.checks.coverage import GAP_SENTENCES, LOW_SCORE

#: What each severity asks of the reader. The review queue, `flags` open counts and the sheet's
#: marks hold errors and warnings; info is context shown beside its pair.
LEVELS: dict[str, str] = {
    "error": "The Korean contradicts something definite: the term base, or what the English says "
    "an acronym stands for. Read it and decide.",
    "warning": "Likely wrong or missing, with its evidence, though a fair translation can look "
    "like this. Read it: it is in the review queue.",
    "info": "Context: listed beside the pair and by `flags --severity info`; never counted as "
    "open, never in the review queue.",
}


@dataclass(frozen=True)
class Rule:
    key: str  # "check/case", stable: the test pins an example to each
    check: str
    severity: str
    when: str  # plain words, shown in the README


def _rule(key: str, severity: str, when: str) -> Rule:
    return Rule(key, key.split("/")[0], severity, when)


POLICY: tuple[Rule, ...] = (
    _rule(
        "acronym-gloss/forbidden",
        "error",
        "the gloss of `ACR(gloss)` or `gloss(ACR)` is a rendering the term base forbids",
    ),
    _rule(
        "acronym-gloss/contradicts",
        "error",
        "the gloss renders neither the term base's sense of the acronym nor the article's own "
        "definition of it (taken from the English)",
    ),
    _rule(
        "acronym-gloss/other-sense",
        "error",
        "the English defines the acronym, and the gloss renders another sense of it or another term "
        "of the term base (`SP(시퀀스 병렬화)` where the English says SentencePiece)",
    ),
    _rule(
        "acronym-gloss/unweighed",
        "info",
        "the English defines the acronym, nothing known renders its words, and the sentence encoder is "
        "off: nothing was weighed (a warning when the encoder finds the gloss only loosely like the "
        "expansion)",
    ),
    _rule(
        "acronym-gloss/unlike-definition",
        "warning",
        "the same, for a gloss unlike the one the translator wrote where the English defines it",
    ),
    _rule(
        "acronym-gloss/unknown",
        "warning",
        "the acronym is in no term base, the English does not spell it out, and the gloss is not "
        "a reading of it",
    ),
    _rule("term/forbidden", "error", "a term-base term's Korean is one of its forbidden renderings"),
    _rule("term/missing", "warning", "a term-base term has none of its accepted renderings in the Korean"),
    _rule(
        "term/missing-ambiguous",
        "info",
        "the same, for a word that is a term only in ML writing (agent, hallucination)",
    ),
    _rule(
        "number/changed",
        "warning",
        "a number or unit differs after normalising (80억 = 8B, 9월 = September), or counts another "
        "thing (two years ↔ 2명); a number inside a name (Llama 2, GPT-4o) belongs to the name",
    ),
    _rule(
        "number/changed-word",
        "warning",
        "the same for Korean number words and ranks (세 가지 = three, 두 번째 = second, 열두 = 12)",
    ),
    _rule("number/dropped", "info", "a number of the English is not in the Korean, and nothing replaces it"),
    _rule("number/added", "info", "a number in the Korean is not in the English"),
    _rule("omission/sentence", "warning", "an English sentence has no Korean"),
    _rule("omission/fragment", "info", "the same for a heading or a fragment of under four words"),
    _rule(
        "omission/gap",
        "warning",
        "a long run of English without Korean: one coverage summary for the run, not one flag per sentence",
    ),
    _rule(
        "omission/folded",
        "warning",
        "a paired English sentence whose pair is much less alike in meaning than the article's others "
        "(sentence embeddings)",
    ),
    _rule("addition/sentence", "warning", "a Korean sentence has no English"),
    _rule("addition/fragment", "info", "the same for a Korean fragment of under eight syllables"),
    _rule(
        "addition/gap",
        "warning",
        f"a run of {GAP_SENTENCES} or more Korean sentences without English (the Korean runs past the "
        "English): one summary with its span, not one flag per sentence",
    ),
    _rule(
        "addition/invented",
        "warning",
        "a Korean sentence or clause, paired or not, carrying numbers, dates or names the English "
        "lacks (an invented entry)",
    ),
    _rule(
        "addition/latin-id",
        "warning",
        "a Latin-script id or link in the Korean that the English lacks (an image id glued to a caption)",
    ),
    _rule(
        "addition/chrome",
        "info",
        "page chrome on either side (`댓글`, `공유하기`, Subscribe): one flag for the article",
    ),
    _rule(
        "addition/folded",
        "warning",
        "a paired Korean sentence that says more than its English (sentence embeddings)",
    ),
    _rule("untranslated/unchanged", "warning", "the Korean is the English unchanged"),
    _rule("untranslated/run", "warning", "a run of ordinary English words left in the Korean"),
    _rule("inconsistent/within", "warning", "one term rendered two ways in this article"),
    _rule("inconsistent/across", "info", "a term rendered unlike your other articles"),
    _rule("length/outlier", "info", "the Korean is far longer or shorter than usual for its English"),
    _rule("low-confidence/pair", "info", f"the aligner's calibrated score for the pair is below {LOW_SCORE}"),
    _rule(
        "back-translation/disagrees",
        "warning",
        "the Korean, translated back, is far from the English or says its opposite "
        "(`check --back-translate`)",
    ),
    _rule("llm/major", "error", "the LLM reviewer reports a major error (`check --llm`)"),
    _rule("llm/minor", "warning", "the LLM reviewer reports a minor error"),
)


def severities(check: str) -> set[str]:
    """The levels the policy gives a check."""
    return {r.severity for r in POLICY if r.check == check}


def markdown_table() -> str:
    """The policy as the README shows it."""
    rows = ["| check | when | severity |", "| --- | --- | --- |"]
    rows += [f"| `{r.check}` | {r.when} | {r.severity} |" for r in POLICY]
    return "\n".join(rows)
