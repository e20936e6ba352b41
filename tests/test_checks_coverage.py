"""The addition check: runs of Korean without English, page chrome, Latin ids and invented facts."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.models import Article, Bead, Block, Document, Sentence
from pipeline.stages import checks, ingest
from pipeline.stages.checks import additions


@pytest.fixture(autouse=True)
def no_embeddings(monkeypatch):
    monkeypatch.setenv("READNOTES_SEMANTIC", "0")


def article_of(en: list[str], ko: list[str], beads: list[tuple[list[int], list[int]]]) -> Article:
    """Sentences in one paragraph per side, aligned as the given (English, Korean) index beads."""
    en_s = [Sentence(i, 0, t) for i, t in enumerate(en)]
    ko_s = [Sentence(j, 0, t) for j, t in enumerate(ko)]
    made = [Bead(e, k, 0.9, " ".join(en[i] for i in e), " ".join(ko[j] for j in k)) for e, k in beads]
    return Article(
        "a",
        Document("en", [Block(0, "paragraph", " ".join(en))]),
        Document("ko", [Block(0, "paragraph", " ".join(ko))]),
        en_s,
        ko_s,
        made,
    )


def additions_of(article: Article) -> list[tuple[str, str]]:
    return [(f.severity, f.evidence) for f in checks.run_checks(article) if f.check == "addition"]


EN = ["The model was trained on public data.", "It works well on short questions."]
KO = ["이 모델은 공개 데이터로 학습되었다.", "짧은 질문에서 잘 작동한다."]


def test_a_run_of_korean_past_the_english_is_one_summary(kiwi):
    more = [f"번역문은 원문보다 훨씬 길게 이어지는 {n}번째 문장을 담고 있습니다." for n in range(12)]
    beads = [([0], [0]), ([1], [1])] + [([], [2 + n]) for n in range(12)]
    flags = [f for f in checks.run_checks(article_of(EN, KO + more, beads)) if f.check == "addition"]
    assert len(flags) == 1
    [summary] = flags
    assert summary.severity == "warning" and summary.ko == list(range(2, 14))
    assert summary.message.startswith("12 Korean sentences in a row (3–14) have no English, past the end")
    assert summary.evidence == more[0]


def test_a_short_run_is_flagged_sentence_by_sentence(kiwi):
    extra = ["번역자가 덧붙인 꽤 긴 설명 문장입니다.", "이것도 번역자가 덧붙인 설명 문장입니다."]
    beads = [([0], [0]), ([], [1]), ([], [2]), ([1], [3])]
    article = article_of(EN, [KO[0], *extra, KO[1]], beads)
    assert additions_of(article) == [("warning", extra[0]), ("warning", extra[1])]


def test_page_chrome_is_one_info_flag_and_not_an_omission(kiwi):
    en = [*EN, "Comments"]
    ko = [*KO, "댓글 3", "공유하기", "사진 = 로이터"]
    beads = [([0], [0]), ([1], [1]), ([2], []), ([], [2]), ([], [3]), ([], [4])]
    flags = checks.run_checks(article_of(en, ko, beads))
    assert [f.check for f in flags if f.check in ("addition", "omission")] == ["addition"]
    [chrome] = [f for f in flags if f.check == "addition"]
    assert chrome.severity == "info" and chrome.ko == [2, 3, 4] and chrome.en == [2]
    assert chrome.message == "page chrome, not article text: 댓글 3, 공유하기, 사진 = 로이터, Comments"


def test_chrome_paired_with_chrome_is_the_same_info_flag(kiwi):
    """Pasted pages that both start with a menu: the aligner pairs `Subscribe` with `공유하기`."""
    en = ["Subscribe", *EN]
    ko = ["공유하기", *KO]
    beads = [([0], [0]), ([1], [1]), ([2], [2])]
    flags = [f for f in checks.run_checks(article_of(en, ko, beads)) if f.check == "addition"]
    chrome = [f for f in flags if f.message.startswith("page chrome")]
    assert [(f.severity, f.en, f.ko) for f in chrome] == [("info", [0], [0])]
    assert chrome[0].message == "page chrome, not article text: 공유하기, Subscribe"


def test_chrome_paired_with_article_text_is_not_called_chrome(kiwi):
    beads = [([0], [0]), ([1], [1])]
    flags = checks.run_checks(
        article_of(["Subscribe", EN[1]], ["이 모델은 공개 데이터로 학습되었다.", KO[1]], beads)
    )
    assert not [f for f in flags if f.message.startswith("page chrome")]


@pytest.mark.parametrize(
    "text", ["댓글", "댓글 0", "공유하기", "Subscribe", "Comments (12)", "무단 전재 및 재배포 금지"]
)
def test_chrome_lines_are_recognised(text: str):
    lang = "en" if text.isascii() else "ko"
    assert additions.is_chrome(text, lang)


@pytest.mark.parametrize("text", ["댓글을 남긴 독자가 많았다.", "공유 경제가 커졌다.", "Share prices fell."])
def test_article_text_is_not_chrome(text: str):
    lang = "en" if text.isascii() else "ko"
    assert not additions.is_chrome(text, lang)


@pytest.mark.parametrize(
    ("ko", "token"),
    [
        ("IMG_2041.png 모델은 공개 데이터로 학습되었다.", "IMG_2041.png"),
        ("ax2QJvy0thguMNZ이 모델은 공개 데이터로 학습되었다.", "ax2QJvy0thguMNZ"),
        ("이 모델은 공개 데이터로 학습되었다 (example.com/post?id=7).", "example.com/post?id=7"),
        ("이 모델은 a9f3c21e 공개 데이터로 학습되었다.", "a9f3c21e"),
    ],
)
def test_a_latin_id_the_english_lacks_is_an_addition_warning(kiwi, ko: str, token: str):
    article = article_of(EN[:1], [ko], [([0], [0])])
    assert ("warning", token) in additions_of(article)


def test_latin_names_and_ids_the_english_has_are_not_flagged(kiwi):
    en = ["GPT-4o and COVID-19 data from RTX 4090 cards; see IMG_2041.png."]
    ko = ["GPT-4o와 COVID-19 데이터는 RTX4090 카드에서 나왔다. IMG_2041.png 참조."]
    assert additions_of(article_of(en, ko, [([0], [0])])) == []


@pytest.mark.parametrize("image_id", ["ax2QJvy0thguMNZ", "gfER5MaixmaSxui"])
def test_an_image_id_cut_off_as_its_own_line_is_a_warning(kiwi, image_id: str):
    article = article_of(EN, [KO[0], image_id, KO[1]], [([0], [0]), ([], [1]), ([1], [2])])
    assert additions_of(article) == [("warning", image_id)]


INVENTED = "라마 4는 2025년 4월에 공개되었으며 매개변수는 4000억 개다."


def test_an_invented_entry_folded_into_a_pair_is_a_warning(kiwi):
    article = article_of(EN[:1], [KO[0], INVENTED], [([0], [0, 1])])
    [flag] = [f for f in checks.run_checks(article) if f.check == "addition"]
    assert flag.severity == "warning" and flag.evidence == INVENTED
    assert "2025년" in flag.message and "4000억" in flag.message


@pytest.mark.parametrize(
    ("en", "ko"),
    [
        ("Llama 4 came out in April 2025 with 400 billion parameters.", INVENTED),
        ("At 4.40 am the camera saw him.", "오전 4시 40분에 카메라가 그를 보았다."),
        ("Sales rose last year, the firm said.", "회사는 지난해 매출이 늘었다고 밝혔다."),
    ],
)
def test_facts_the_english_has_are_not_invented(kiwi, en: str, ko: str):
    assert additions.invented(ko, en) is None


def test_an_invented_clause_in_a_translated_sentence_is_a_warning(kiwi):
    ko = "이 모델은 공개 데이터로 학습되었으며, 라마 4는 2025년 4월에 공개되었다."
    [flag] = [f for f in checks.run_checks(article_of(EN[:1], [ko], [([0], [0])])) if f.check == "addition"]
    assert flag.severity == "warning" and flag.evidence == "라마 4는 2025년 4월에 공개되었다."


def test_an_invented_clause_beside_a_translated_number_is_a_warning(kiwi):
    en = "Sales reached $1 billion."
    ko = "매출은 10억 달러에 달했고, 라마 4는 2025년 4월에 공개되었다."
    assert additions.invented(ko, en) == (
        "라마 4는 2025년 4월에 공개되었다.",
        additions.Unsaid(["4", "2025년", "4"], [], 0),
    )


def test_a_short_invented_entry_on_its_own_line_is_a_warning(kiwi):
    entry = "Gemma 3 (2025년 3월): 매개변수 270억 개"
    article = article_of(EN, [KO[0], entry, KO[1]], [([0], [0]), ([], [1]), ([1], [2])])
    [flag] = [f for f in checks.run_checks(article) if f.check == "addition"]
    assert flag.severity == "warning" and "270억" in flag.message and "Gemma" in flag.message


@pytest.mark.parametrize("kept_blocks", [3, 5])
def test_the_sample_korean_past_its_cut_english_is_one_summary(kiwi, kept_blocks: int):
    """The bundled article with its English cut after the opening: the rest of the Korean is one
    addition flag, not one per sentence."""
    from pipeline.app import build_article

    root = Path(__file__).resolve().parent.parent / "raw"
    en = ingest.read_document(root / "karpathy-2025.en.md", "en")
    ko = ingest.read_document(root / "karpathy-2025.ko.md", "ko")
    cut = Document(en.lang, en.blocks[:kept_blocks])
    flags = [f for f in build_article(cut, ko, "cut", "file").flags if f.check == "addition"]
    assert [f.severity for f in flags] == ["warning"]
    assert "past the end of the English" in flags[0].message and len(flags[0].ko) >= 10


def omissions_of(article: Article) -> list[tuple[str, str]]:
    return [(f.severity, f.evidence) for f in checks.run_checks(article) if f.check == "omission"]


HEADLINE = "LeBron to make Lakers debut Sunday in San Diego"
STORY = ["LeBron James will play his first game for the Lakers on Sunday.", "Tickets sold out in an hour."]
STORY_KO = ["르브론 제임스는 일요일에 레이커스에서 첫 경기를 치른다.", "표는 한 시간 만에 매진되었다."]


def test_a_headline_folded_into_a_translated_pair_is_an_omission(kiwi):
    # The Korean lacks the headline, so the aligner folded it into the next pair (2-1).
    article = article_of([HEADLINE, *STORY], STORY_KO, [([0, 1], [0]), ([2], [1])])
    assert omissions_of(article) == [("warning", HEADLINE)]


@pytest.mark.parametrize(
    ("korean", "beads"),
    [
        # the headline translated: its own pair
        (["르브론, 일요일 샌디에이고에서 레이커스 데뷔", *STORY_KO], [([0], [0]), ([1], [1]), ([2], [2])]),
        # the headline translated and merged with the sentence: the Korean has a headline too
        (["르브론, 일요일 샌디에이고에서 레이커스 데뷔", *STORY_KO], [([0, 1], [0, 1]), ([2], [2])]),
        # two English sentences in one Korean sentence: no headline among them
        (STORY_KO[:1], [([1, 2], [0])]),
    ],
)
def test_headlines_with_korean_and_merged_sentences_are_not_omissions(
    kiwi, korean: list[str], beads: list[tuple[list[int], list[int]]]
):
    assert omissions_of(article_of([HEADLINE, *STORY], korean, beads)) == []
