"""terms.gloss_span: exactly which Korean words a parenthesised English gloss names, in 한국어(English).

The words before a parenthesis are read right to left, a whole word at a time, from Kiwi's
analysis of the sentence. A word joins the span while it is a noun phrase word (nouns, noun
affixes, roots, foreign script, a bare number) and the English still has words to account for;
the span stops at a particle, a verb or copula ending (``대통령인``, ``지명한``), an adverb, a
determiner (``한``, ``모든``), a quantity (``270억 개의``, ``10시``), a noun heading an adverbial
phrase (``대신``, ``이후``) or punctuation. Exceptions, all asked for by the English: a genitive word
(``중국의``) when the English has ``'s`` or ``of``; an adjective (``새로운``) while the English has a
word left for it; a noun + 하다 adnominal (``검증 가능한``) in the gloss of an acronym; a noun past
the budget when the span with it reads the English aloud (``하이퍼 파라미터``).

Then, while the span accounts for fewer words than the English has (one per noun morpheme: 로그
우도 is two of Negative Log Likelihood's three), the noun phrase may go on to the left: a genitive
(``음의``), a word Kiwi reads as nouns elsewhere in the text (``변화도``, here 변화 + the particle 도),
or, last, one modifier (``새로운``, and for an English that is not a name a verb's: ``틀린``,
``순환하지 않는``) that opens the phrase: nothing before it may belong to its clause (``사이의 틀린
정도``, but not ``대법관으로 지명한``, ``잘 학습된``, nor a copula: ``대통령인``).

A capitalised English is first tried as a name read aloud (``브렛 캐버노`` = Brett Kavanaugh): the
span is then the run of words whose sound matches it best, and the harvest drops it (a name read
aloud is not a term pair). The result says how sure it is: where the noun phrase went on past
what the English accounts for (``미국 우선주의 위원회`` for Priorities USA), where the span stands
for fewer words than the English has even counting a long noun as a compound (``후보`` for Supreme
Court nominee), and where a genitive or a modifier joined a span that might stand for all of the
English alone (``한국의 중앙은행`` for central bank: 중앙은행 may be two words).
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache

from pipeline.lang.ko import HANGUL_SYLLABLE, morphemes
from pipeline.lang.translit import english_skeletons, hangul_skeleton, transliterates

#: English words that a Korean rendering usually has no word for.
FUNCTION_WORDS = frozenset("a an and at by for from in into of on the to with".split())
#: Morphemes a noun-phrase word is made of (Sejong tag prefixes); SO joins 라인-네카어-아레나.
_NOUN_PARTS = ("NNG", "NNP", "NNB", "NP", "XSN", "XPN", "XR", "SL", "SH", "SN", "SO")
#: A reading this close to the English's sound is the English read aloud (calibrated, see benchmarks).
NAME_READING = 0.75
#: Extra words an acronym's gloss may have beyond one per letter (인간 피드백 기반 강화 학습 = RLHF).
ACRONYM_SLACK = 2
#: Nouns that head an adverbial phrase (X 대신, X 이후, X 때문): they close the noun phrase before them
#: and never modify the noun after them (ASCII코드 대신 원핫 인코딩).
ADVERBIAL_NOUNS = frozenset("대신 동안 이후 이전 경우 때 때문 등 및 위해 통해".split())
#: Existential predicates: 있는 비무장지대 is "the DMZ that is there", never part of the term.
EXISTENTIAL = frozenset({"있", "없"})
#: Words read before a parenthesis: a term and the clause that opens before it fit in far fewer.
_WORDS_READ = 16
#: Morphemes that account for one English word each (a noun, a noun affix, a root, foreign script).
_COUNTED_PARTS = ("NNG", "NNP", "NNB", "NP", "XSN", "XPN", "XR", "SL", "SH", "SN")
#: Adnominal endings of a clause about the past or future (했던, 할): never one word of a term.
_CLAUSE_ETM = frozenset({"던", "ᆯ", "을", "ㄹ"})
#: The passive auxiliary after a verb (알리+어+지+ㄴ = 알려진): still one verb's modifier.
_PASSIVE = frozenset({("어", "지다"), ("아", "지다")})
#: Connective endings that end a clause (하여, 하고) before a verb's modifier; not 게 (빠르게 수렴하는:
#: an adverb of the same clause) nor 지 (the negation 하지 않는, read as one modifier).
_CLAUSE_LINK_EXCLUDED = frozenset({"게", "지"})


@dataclass(frozen=True)
class GlossSpan:
    """The Korean words a gloss names: text[start:end]."""

    start: int
    end: int
    text: str
    reading: float = 0.0  # how closely the span sounds like the English (1.0: read aloud)
    cut: bool = False  # the noun phrase went on before the span: where it starts is a guess
    short: bool = False  # the English has more words than the span can account for
    guess: bool = False  # words before the noun phrase joined, though it might account for the English alone

    @property
    def read_aloud(self) -> bool:
        return self.reading >= NAME_READING


@dataclass(frozen=True)
class _Word:
    start: int
    end: int
    tags: tuple[str, ...]
    kind: str  # "noun", "genitive", "adnominal" (an adjective), "verb" (a verb's adnominal), "stop"
    texts: tuple[str, ...] = ()  # the morphemes' surfaces
    forms: tuple[str, ...] = ()  # the morphemes' forms (an ending's ᆫ, where the surface is 린)


def _word_kind(tags: tuple[str, ...], texts: tuple[str, ...], forms: tuple[str, ...] = ()) -> str:
    if not tags:
        return "stop"
    if any(t.startswith("NR") for t in tags) or any(
        a == "SN" and b == "NNB" for a, b in zip(tags, tags[1:], strict=False)
    ):
        return "stop"  # a quantity: 270억, 10시, 두 개
    if "".join(texts) in ADVERBIAL_NOUNS:
        return "stop"
    nouny = [t.startswith(_NOUN_PARTS) or (t == "SP" and x in "·/") for t, x in zip(tags, texts, strict=True)]
    if all(nouny):
        return "noun"
    # Kiwi splits an unknown loanword into an interjection or adverb and a noun (아핀 = 아/IC 핀/NNG):
    # inside one word with nothing else, that is a misreading, not a modifier.
    lead = len(nouny) - nouny[::-1].index(False)
    if lead == 1 and len(tags) > 1 and tags[0].startswith(("IC", "MAG", "MAJ")):
        return "noun"
    *head, last = tags
    if last == "ETN" and len(head) == 1 and head[0].startswith(("VV", "VA")):
        return "noun"  # a nominalised verb: 내보내기, 불러오기
    if last == "JKG" and head and all(t.startswith(_NOUN_PARTS) for t in head):
        return "genitive"
    if last == "ETM" and head and texts[0] not in EXISTENTIAL:
        if (
            head[-1].startswith("XSA")
            and len(head) >= 2
            and all(t.startswith(("NNG", "XR", "MAG")) for t in head[:-1])
        ):
            return "adnominal"  # 가능+하+ㄴ, 들쭉날쭉+하+ㄴ: a 하다 adjective
        if len(head) == 1 and head[0].startswith("VA"):
            return "adnominal"  # 새롭+ㄴ, 깊+은: an adjective (not 지명+하+ㄴ, XSV, nor 대통령+이+ㄴ, VCP)
        if len(head) >= 3 and head[-2:] == ["XSN", "VCP"] and texts[-3] == "적":
            return "adnominal"  # 효율+적+이+ㄴ: an adjective, where 대통령+이+ㄴ is a clause
        if _verb_stem(head, forms[:-1], ("VV", "VX"), "XSV"):
            return "verb"  # 틀리+ㄴ, 밀집+되+ㄴ, 않+는: joins only while the English has words left
    return "stop"


def _words_before(text: str, end: int) -> list[_Word]:
    """The whitespace words of text[:end], last first (at most ``_WORDS_READ``), each with its
    morphemes; a word with leading punctuation (“포드, ‘라) is cut to its Hangul/Latin part and ends
    the walk after it."""
    tokens = [t for t in morphemes(text) if t.end <= end]
    out: list[_Word] = []
    for m in reversed(list(re.finditer(r"\S+", text[:end]))):
        start = m.start()
        lead = re.match(r"[^\w가-힣]+", m.group(0))
        if lead:
            start += lead.end()
        inside = [t for t in tokens if t.start >= start and t.end <= m.end()]
        tags, texts = tuple(t.tag for t in inside), tuple(t.text for t in inside)
        forms = tuple(t.lemma for t in inside)
        kind = _word_kind(tags, texts, forms)
        if start < m.end():
            out.append(_Word(start, m.end(), tags, kind, texts, forms))
        if lead:
            if kind != "stop":
                out.append(_Word(m.start(), m.start(), (), "stop"))
            break
        if len(out) >= _WORDS_READ:
            break
    return out


def english_budget(english: str, acronym: bool) -> tuple[int, int]:
    """How many Korean words the English may account for: (modifiers included, nouns alone).

    A hyphenated English word may take two Korean nouns (post-training = 후처리 학습) but not a
    modifier as well (간단한 순전파 네트워크 is a *simple* feed-forward network)."""
    if acronym:
        n = len(re.sub(r"[^A-Z]", "", english.upper())) + ACRONYM_SLACK
        return n, n
    words = [w for w in english.split() if w.lower() not in FUNCTION_WORDS]
    return max(1, len(words)), max(1, sum(len(w.strip("-").split("-")) for w in words))


def reading_similarity(english: str, korean: str) -> float:
    """How closely the Hangul sounds like the English (consonant skeletons, 0..1); 1.0 for a
    reading `transliterates` accepts (a single word or an acronym spelled letter by letter)."""
    if transliterates(english, korean):
        return 1.0
    squashed = "".join(HANGUL_SYLLABLE.findall(korean))
    words = re.findall(r"[A-Za-z]+", re.sub(r"^the\s+", "", english.strip(), flags=re.IGNORECASE))
    if len(squashed) < 2 or sum(map(len, words)) < 3:
        return 0.0
    ko = hangul_skeleton(squashed)
    best = 0.0
    for en in _skeletons(tuple(words)):
        if en[:1] == ko[:1]:  # a reading keeps the first consonant
            best = max(best, difflib.SequenceMatcher(None, en, ko).ratio())
    return best


def _skeletons(words: tuple[str, ...]) -> set[str]:
    """Consonant skeletons of an English phrase read aloud, word by word: rhotic or not throughout,
    with th as t or s (톰슨, 오셀로) and a Greek ch as k (크리스틴)."""
    out: set[str] = set()
    for th in ("th", "s"):
        variants = [re.sub(r"^ch(?=r)", "k", w.lower()).replace("th", th) for w in words]
        per_word = [sorted(english_skeletons(w)) for w in variants]
        for pick in (0, -1):
            out.add("".join(s[pick] for s in per_word if s))
    return out


def _is_name(english: str) -> bool:
    words = [w for w in english.split() if w.lower() not in FUNCTION_WORDS]
    return bool(words) and all(w[:1].isupper() for w in words)


def gloss_span(
    text: str,
    paren_start: int,
    english: str,
    acronym: bool = False,
    read_as_noun: Callable[[str], bool] | None = None,
) -> GlossSpan | None:
    """The Korean words before text[paren_start] that the English (or acronym) in the parenthesis
    names. `read_as_noun` says whether Kiwi reads a word as nouns elsewhere in the same text."""
    words = _words_before(text, paren_start)
    run: list[_Word] = []
    for w in words:
        if w.kind == "stop":
            break
        run.append(w)
    if not run:
        return None
    if _is_name(english):
        named = _reading(text, paren_start, english)
        if named is not None:
            return named
    words_budget, nouns_budget = english_budget(english, acronym)
    taken, cut, spent = _noun_run(text, run, english, acronym)
    if not taken and (acronym or run[0].kind not in ("adnominal", "verb")):
        return None  # (a modifier alone may be the gloss: 사전 훈련된(pre-trained))
    short = guess = False
    if not acronym:
        content = [w for w in english.split() if w.lower() not in FUNCTION_WORDS]
        alone = len(taken)
        if not spent:
            budget = (words_budget, nouns_budget)
            taken = _go_on(text, words, taken, budget, not _is_name(english), read_as_noun)
        # The words joined by going on are a guess where the span alone might stand for all of the
        # English (한국의 중앙은행 = central bank?); a span that cannot, even so, is short.
        guess = len(taken) > alone and _accounted(taken[:alone], content) >= words_budget
        short = _accounted(taken, content) < words_budget
    if not taken or not HANGUL_SYLLABLE.search(text[taken[-1].start : taken[0].end]):
        return None
    start, end = taken[-1].start, taken[0].end
    span = text[start:end]
    reading = reading_similarity(english, span) if _is_name(english) else 0.0
    return GlossSpan(start, end, span, reading, cut, short, guess)


def _noun_run(text: str, run: list[_Word], english: str, acronym: bool) -> tuple[list[_Word], bool, bool]:
    """The words of the noun run the English accounts for; whether the noun phrase went on past them
    (cut); whether the English word budget was spent."""
    allow_genitive = acronym or bool(re.search(r"'s\b|\bof\b", english))
    words_budget, nouns_budget = english_budget(english, acronym)
    taken: list[_Word] = []
    cut = spent = False
    for w in run:
        allowed = w.kind == "noun" or (w.kind == "genitive" and allow_genitive and taken)
        allowed = allowed or (w.kind == "adnominal" and taken)
        if not allowed:
            break
        if len(taken) >= (nouns_budget if w.kind == "noun" else words_budget):
            if w.kind == "noun" and not acronym and _reads_on(text, english, taken, w):
                taken.append(w)  # 하이퍼 파라미터 is hyperparameter read aloud, in two words
                continue
            cut = w.kind in ("noun", "genitive")  # a modifier past the budget is not the term's
            spent = True
            break
        taken.append(w)
    while acronym and taken and taken[-1].kind != "noun":
        taken.pop()  # an acronym's letters stand for nouns: 검증 가능한 보상, not 삼엄한 비무장지대
    return taken, cut, spent


def _reads_on(text: str, english: str, taken: list[_Word], w: _Word) -> bool:
    """Whether the span with w before it reads the English aloud, at least as closely as without."""
    closer = reading_similarity(english, text[w.start : taken[0].end])
    without = reading_similarity(english, text[taken[-1].start : taken[0].end])
    return closer >= NAME_READING and closer >= without


def _accounted(words: Sequence[_Word], english: Sequence[str] | None = None) -> int:
    """How many English words these Korean words stand for: one per noun morpheme (로그 우도: two)
    and one per modifier. Given the `english` words, at most: a Hangul morpheme may then stand for
    one word per two syllables, as Kiwi reads many compounds as one noun (신경망 = neural network,
    중앙은행 = central bank), unless it reads one of those words aloud (그래프 = graph)."""
    n = 0
    for w in words:
        parts = [x for t, x in zip(w.tags, w.texts, strict=True) if t.startswith(_COUNTED_PARTS)]
        if w.kind not in ("noun", "genitive") or not parts:
            n += 1  # a modifier, or a nominalised verb (내보내기)
        elif english is None:
            n += len(parts)
        else:
            n += sum(_most_words(x, english) for x in parts)
    return n


def _most_words(part: str, english: Sequence[str]) -> int:
    syllables = len(HANGUL_SYLLABLE.findall(part))
    if syllables < 3 or any(reading_similarity(e, part) >= NAME_READING for e in english):
        return 1
    return (syllables + 1) // 2


def _go_on(
    text: str,
    words: list[_Word],
    taken: list[_Word],
    budget: tuple[int, int],
    verbs: bool,
    read_as_noun: Callable[[str], bool] | None,
) -> list[_Word]:
    """The span, gone on to the left while it accounts for fewer words than the English has
    (`budget`, see `english_budget`): through a genitive with the nouns before it (어휘의 의미 =
    Lexical semantics, 입력 데이터의 크기 = input size), a word Kiwi reads as nouns elsewhere in the
    text, and last one modifier, an adjective or (`verbs`) a verb's, that opens the noun phrase:
    nothing before it may belong to its clause. A hyphenated English word may be a noun or adverb
    and a verb's modifier (사전 학습된 = pre-trained, 잘 알려진 = well-known)."""
    english_words, hyphen_parts = budget
    taken = list(taken)
    i = len(taken)
    genitive = False
    while i < len(words):
        w = words[i]
        if genitive and w.kind == "noun":
            taken.append(w)  # the genitive's own noun phrase: 입력 데이터의, never half of it
            i += 1
            continue
        if _accounted(taken) >= english_words:
            break
        reread = read_as_noun is not None and _noun_and_particle(w) and read_as_noun(text[w.start : w.end])
        genitive = w.kind == "genitive" and bool(HANGUL_SYLLABLE.search(w.texts[0]))
        if w.kind == "noun" or reread or genitive:
            taken.append(w)  # reread: 변화도 is 변화 + the particle 도 here, the noun 변화도 elsewhere
            i += 1
            continue
        n = 1 if w.kind == "adnominal" else _verb_modifier(words, i) if verbs else 0
        if n and i + n < len(words) and _accounted([*taken, w]) < hyphen_parts:
            before = words[i + n]
            if before.kind == "noun" or before.tags == ("MAG",):
                n += 1  # 사전 학습된 (pre-trained): the hyphenated word's first half
        if n and _opens_phrase(words, i + n, passive=_is_passive(w)):
            taken.extend(words[i : i + n])
        break
    return taken


def _is_passive(w: _Word) -> bool:
    """학습+되+ㄴ, 알리+어+지+ㄴ: a passive takes no object, so an object before it is another verb's."""
    pairs = zip(w.tags, w.forms, strict=True)
    return any((t.startswith("XSV") and f == "되") or (t.startswith("VX") and f == "지다") for t, f in pairs)


def _noun_and_particle(w: _Word) -> bool:
    """Nouns and one particle (변화+도), a word that might be a noun Kiwi split differently."""
    *head, last = w.tags or ("",)
    return bool(head) and last.startswith("J") and all(t.startswith(_NOUN_PARTS) for t in head)


def _verb_modifier(words: list[_Word], i: int) -> int:
    """How many words at words[i] make one verb's adnominal modifier: 1 (틀린, 밀집된), 2 for a
    negation (순환하지 않는), 0 for none, nor for a clause about the past or future (했던, 할)."""
    w = words[i]
    if w.kind != "verb" or w.forms[-1] in _CLAUSE_ETM or "EP" in w.tags:
        return 0
    if not w.tags[0].startswith("VX"):
        return 1
    before = words[i + 1] if i + 1 < len(words) else None
    if before is None or before.tags[-1:] != ("EC",) or before.forms[-1] != "지":
        return 0  # an auxiliary with no verb before it
    return 2 if _verb_stem(before.tags[:-1], before.forms[:-1], ("VV", "VA"), ("XSV", "XSA")) else 0


def _verb_stem(
    tags: Sequence[str], forms: Sequence[str], stems: tuple[str, ...], suffixes: str | tuple[str, ...]
) -> bool:
    """One predicate stem (틀리, 않), or a noun, root or adverb with a verb suffix (밀집+되, 순환+하,
    오래+되), either maybe made passive by 어/아 + 지 (알리+어+지: 알려진, 주+어+지: 주어진)."""
    tags = list(tags)
    if len(tags) >= 3 and tags[-2] == "EC" and tags[-1].startswith("VX") and tuple(forms[-2:]) in _PASSIVE:
        tags = tags[:-2]
    if len(tags) == 1:
        return tags[0].startswith(stems)
    *head, last = tags or ("",)
    return bool(head) and last.startswith(suffixes) and all(t.startswith(("NNG", "XR", "MAG")) for t in head)


def _opens_phrase(words: list[_Word], i: int, passive: bool = False) -> bool:
    """Whether words[i] (the word before a modifier) leaves the modifier without a clause of its own:
    the text starts there, or punctuation, or the word ends a clause (하여, 했다), is a genitive (사이의
    틀린 정도), a conjunction (그래서) or a topic (X는: a topic never sits inside a modifier's clause).
    An object, a subject, an adverb or a bare noun before it belong to the modifier (대법관으로 지명한);
    not an object before a `passive` one (데이터를 사전 학습된 모델에 넣는다)."""
    if i >= len(words):
        return len(words) < _WORDS_READ  # the text starts there (not: the walk stopped reading)
    if not words[i].tags:
        return True
    last, form = words[i].tags[-1], words[i].forms[-1]
    if last == "EC":
        return form not in _CLAUSE_LINK_EXCLUDED
    if passive and last == "JKO":
        return True
    return last in ("EF", "SF", "SP", "SSC", "JKG", "MAJ") or (last == "JX" and form in ("은", "는"))


def noun_readings(sentences: Sequence[str]) -> Callable[[str], bool]:
    """Whether Kiwi reads a word as nouns alone somewhere in these sentences (변화도를 = 변화+도+를,
    NNG NNG JKO), looked up only for the few words that need it: Kiwi reads a noun ending in a
    particle's syllable (도, 이) either way, and the text's other uses settle which."""

    @cache
    def read_as_noun(word: str) -> bool:
        for sentence in sentences:
            for m in re.finditer(rf"(?<![\w가-힣]){re.escape(word)}", sentence):
                inside = [t for t in morphemes(sentence) if m.start() <= t.start < m.end()]
                if (
                    inside
                    and inside[0].start == m.start()
                    and inside[-1].end == m.end()
                    and all(t.tag.startswith(_NOUN_PARTS) for t in inside)
                ):
                    return True
        return False

    return read_as_noun


def _reading(text: str, paren_start: int, english: str) -> GlossSpan | None:
    """The words before the parenthesis that read the English aloud, if some do: the last one to
    one more than the English has, whatever Kiwi makes of them (키한 is 키+하+ㄴ to Kiwi, and a name
    to the reader); the closest reading wins, the longer one on a tie."""
    n = len(english.split()) + 1
    words = list(re.finditer(r"[가-힣][가-힣\-·.]*", text[:paren_start]))[-n:]
    if not words or words[-1].end() != len(text[:paren_start].rstrip()):
        return None
    best: tuple[float, int] = (0.0, 0)
    for k in range(len(words) - 1, -1, -1):
        between = text[words[k].end() : words[k + 1].start()] if k + 1 < len(words) else ""
        if between.strip():
            break  # punctuation between the words: the reading cannot span it
        score = reading_similarity(english, text[words[k].start() : words[-1].end()])
        if score >= best[0]:
            best = (score, k)
    if best[0] < NAME_READING:
        return None
    start, end = words[best[1]].start(), words[-1].end()
    return GlossSpan(start, end, text[start:end], best[0], False)
