"""Specifications for `arabic.grouping`: label mapping, Arabic normalisation and grouping of entity mentions."""

from __future__ import annotations

from pathlib import Path

import pytest

from arabic import grouping
from arabic.grouping import (
    attested_words,
    group_entities,
    map_label,
    mention_words,
    normalize,
    strip_proclitic,
)
from core.types import Entity, EntityGroup

SEED = Path("/work/shared/samples/seed.txt")
TRAVEL = "زار وليد بغداد ثم لبنان وفلسطين. وقال وليد إن بغداد وفلسطين ولبنان تستحق الزيارة، وإن فلسطين قريبة."


@pytest.fixture(scope="session")
def seed_text() -> str:
    return SEED.read_text(encoding="utf-8")


def locate(text: str, word: str, nth: int = 0) -> int:
    """Offset of the `nth` whole-word occurrence of `word` in `text` (not one glued inside a longer word)."""
    start = text.find(word)
    while start != -1:
        end = start + len(word)
        before = text[start - 1] if start else " "
        after = text[end] if end < len(text) else " "
        if not before.isalpha() and not after.isalpha():
            if nth == 0:
                return start
            nth -= 1
        start = text.find(word, start + 1)
    raise AssertionError(f"{word!r} occurs fewer than {nth + 1} more times as a whole word")


def mention(text: str, word: str, nth: int = 0, label: str = "LOC", score: float = 0.9) -> Entity:
    start = locate(text, word, nth)
    return Entity(start, start + len(word), label, word, score)


def group_of(text: str, mentions: list[Entity]) -> tuple[dict[str, int], tuple[EntityGroup, ...]]:
    """Group the mentions, check the invariants every grouping keeps, and map each mention's text to its group."""
    entities, groups = group_entities(text, mentions)
    for entity in entities:
        assert entity.text == text[entity.start : entity.end]
        assert 0 <= entity.group < len(groups)
    assert [group.id for group in groups] == list(range(len(groups)))
    assert sum(group.count for group in groups) == len(entities)
    return {entity.text: entity.group for entity in entities}, groups


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("PERS", "PER"),
        ("B-PERS", "PER"),
        ("I-PER", "PER"),
        ("person", "PER"),
        ("B-ORGANIZATION", "ORG"),
        ("I-Organisation", "ORG"),
        ("E-ORG", "ORG"),
        ("S-LOC", "LOC"),
        ("B-LOCATION", "LOC"),
        ("U-GPE", "LOC"),
        ("L-MISC", "MISC"),
        ("B_LOC", "LOC"),
        ("B-EVENT", "EVENT"),
        ("I-Product", "Product"),
        ("LABEL_3", "LABEL_3"),
    ],
)
def test_model_labels_map_to_the_four_newsroom_types_and_unknown_ones_are_kept(raw: str, expected: str) -> None:
    assert map_label(raw) == expected


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        ("أنقرة", "انقره"),
        ("إسطنبول", "اسطنبول"),
        ("آسيا", "اسيا"),
        ("ٱلله", "الله"),
        ("مصطفى", "مصطفي"),
        ("مسؤول", "مسؤول"),
        ("رئيس", "رئيس"),
        ("کرکوک", "كركوك"),
        ("إیران", "ايران"),
        ("سماء", "سماء"),
        ("كازَاخِستانُ", "كازاخستان"),
        ("رحمٰن", "رحمن"),
        ("كازاخـــستان", "كازاخستان"),
        ("\u200fكازاخستان\u200e", "كازاخستان"),
        ("«أنقَرة»", "انقره"),
        ('"منظمة،', "منظمه"),
    ],
)
def test_normalize_folds_spelling_variants_and_trims_punctuation(word: str, expected: str) -> None:
    assert normalize(word) == expected


@pytest.mark.parametrize(
    ("word", "attested", "expected"),
    [
        ("وكازاخستان", {"كازاخستان"}, "كازاخستان"),
        ("بكازاخستان", {"كازاخستان"}, "كازاخستان"),
        ("كازاخستان", {"كازاخستان"}, "كازاخستان"),
        ("بغداد", {"بغداد"}, "بغداد"),
        ("لبنان", {"لبنان"}, "لبنان"),
        ("ولبنان", set(), "لبنان"),
        ("للبنان", set(), "لبنان"),
        ("وليد", {"وليد", "يد"}, "وليد"),
        ("العراق", {"العراق"}, "العراق"),
        ("بالعراق", set(), "العراق"),
        ("والعراق", {"عراق"}, "العراق"),
        ("للمنظمه", set(), "المنظمه"),
        ("للمنظمه", {"منظمه"}, "المنظمه"),
        ("وللمنظمه", {"للمنظمه"}, "المنظمه"),
        ("كوفي", set(), "كوفي"),
        ("فيصل", set(), "فيصل"),
        ("بكين", {"كين"}, "بكين"),
        ("وموريتانيا", set(), "موريتانيا"),
        ("وكرستوفانيا", set(), "وكرستوفانيا"),
    ],
)
def test_a_proclitic_is_stripped_only_on_evidence(word: str, attested: set[str], expected: str) -> None:
    assert strip_proclitic(word, attested) == expected


def test_no_proclitic_follows_a_preposition() -> None:
    assert strip_proclitic("ودمنهور", {"دمنهور"}, previous="في") == "ودمنهور"
    assert strip_proclitic("ودمنهور", {"دمنهور"}) == "دمنهور"


def test_a_shipped_name_stays_whole_even_when_its_tail_is_another_mention() -> None:
    assert strip_proclitic("وجده", {"جده"}) == "وجده"


def test_grouping_evidence_is_the_folded_words_of_the_mentions_not_of_the_article() -> None:
    text = "زار كوفي أنان وفي يده رسالة إلى الأمم المتحدة."
    mentions = [mention(text, "كوفي أنان", label="PER"), mention(text, "الأمم المتحدة", label="ORG")]
    assert mention_words(mentions) == {"كوفي", "انان", "الامم", "المتحده"}
    assert {"وفي", "يده", "كوفي"} <= attested_words(text, mentions)


def test_seed_article_groups_kazakhstan_with_its_conjunction_form(seed_text: str) -> None:
    mentions = [
        mention(seed_text, "وكازاخستان"),
        mention(seed_text, "كازاخستان"),
        mention(seed_text, "كازاخستان", nth=1),
        mention(seed_text, "الكازاخي", label="MISC"),
    ]
    by_text, groups = group_of(seed_text, mentions)
    assert by_text["وكازاخستان"] == by_text["كازاخستان"]
    assert by_text["الكازاخي"] != by_text["كازاخستان"]
    assert groups[by_text["كازاخستان"]] == EntityGroup(0, "كازاخستان", "LOC", 3)


def test_a_preposition_joins_the_group_when_the_bare_name_is_in_the_article(seed_text: str) -> None:
    text = seed_text + "\nوالتقى الوزير نظيره بكازاخستان."
    by_text, groups = group_of(text, [mention(text, "بكازاخستان"), mention(text, "كازاخستان")])
    assert by_text["بكازاخستان"] == by_text["كازاخستان"]
    assert [group.canonical for group in groups] == ["كازاخستان"]


def test_names_that_start_with_a_clitic_letter_keep_it() -> None:
    mentions = [
        mention(TRAVEL, "وليد", label="PER"),
        mention(TRAVEL, "بغداد"),
        mention(TRAVEL, "لبنان"),
        mention(TRAVEL, "وفلسطين"),
        mention(TRAVEL, "وليد", nth=1, label="PER"),
        mention(TRAVEL, "ولبنان"),
        mention(TRAVEL, "فلسطين"),
    ]
    by_text, groups = group_of(TRAVEL, mentions)
    assert [(group.canonical, group.count) for group in groups] == [
        ("وليد", 2),
        ("بغداد", 1),
        ("لبنان", 2),
        ("فلسطين", 2),
    ]
    assert by_text["وفلسطين"] == by_text["فلسطين"]
    assert by_text["ولبنان"] == by_text["لبنان"]


def test_a_lone_clitic_form_keeps_its_letter_without_evidence() -> None:
    text = "وصل الوفد إلى وكرستوفانيا ثم بغداد."
    _, groups = group_of(text, [mention(text, "وكرستوفانيا"), mention(text, "بغداد")])
    assert [group.canonical for group in groups] == ["وكرستوفانيا", "بغداد"]


def test_two_different_clitics_before_one_name_vouch_for_it_when_the_bare_form_is_absent() -> None:
    text = "اجتمع وزراء فرنسا وبريطانيا ثم سافروا لبريطانيا، ومن وكرستوفانيا مرورا بكرستوفانيا."
    names = ["فرنسا", "وبريطانيا", "لبريطانيا", "وكرستوفانيا", "بكرستوفانيا"]
    by_text, groups = group_of(text, [mention(text, name) for name in names])
    assert by_text["وبريطانيا"] == by_text["لبريطانيا"]
    assert by_text["وكرستوفانيا"] == by_text["بكرستوفانيا"]
    assert [group.canonical for group in groups] == ["فرنسا", "بريطانيا", "كرستوفانيا"]


def test_two_names_that_differ_in_a_clitic_letter_before_a_short_stem_stay_apart() -> None:
    text = "التقى وانغ مع فانغ في بكين."
    by_text, groups = group_of(text, [mention(text, "وانغ", label="PER"), mention(text, "فانغ", label="PER")])
    assert by_text["وانغ"] != by_text["فانغ"]
    assert [group.canonical for group in groups] == ["وانغ", "فانغ"]


def test_the_shortest_clitic_that_leaves_a_known_name_wins(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(grouping, "known_names", lambda: frozenset({"لبنان", "بنان"}))
    assert strip_proclitic("ولبنان", set()) == "لبنان"
    assert strip_proclitic("للبنان", set()) == "لبنان"
    assert strip_proclitic("وبنان", set()) == "بنان"


def test_a_mention_that_starts_with_a_known_name_keeps_it_whole(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(grouping, "known_names", lambda: frozenset({"باريس", "اريس"}))
    text = "فاز نادي باريس سان جيرمان على ضيفه."
    _, groups = group_of(text, [mention(text, "باريس سان جيرمان", label="ORG")])
    assert [group.canonical for group in groups] == ["باريس سان جيرمان"]


@pytest.mark.parametrize(("written", "shown"), [
    ("للأمم المتحدة", "الأمم المتحدة"),
    ("والولايات المتحدة", "الولايات المتحدة"),
    ("بالاتحاد السوفياتي", "الاتحاد السوفياتي"),
    ("وأوزبكستان", "أوزبكستان"),
    ("لإثيوبيا", "إثيوبيا"),
])
def test_unambiguous_clitics_come_off_and_the_article_stays(written: str, shown: str) -> None:
    text = f"قال المتحدث إن الاجتماع {written} كان مثمرا."
    _, groups = group_of(text, [mention(text, written, label="ORG")])
    assert [group.canonical for group in groups] == [shown]


@pytest.mark.parametrize("name", ["الاتحاد السوفياتي", "الشرق الأوسط", "اليورو", "الأمم المتحدة"])
def test_display_names_keep_their_definite_article(name: str) -> None:
    text = f"تحدث التقرير عن {name} طويلا."
    _, groups = group_of(text, [mention(text, name, label="MISC")])
    assert groups[0].canonical == name


def test_names_keep_first_letters_that_an_ordinary_word_of_the_article_would_explain() -> None:
    text = "قال كوفي أنان إن فيصل يصل إلى بكين مع باسم، وفي يده رسالة باسم الحكومة."
    names = ["كوفي أنان", "فيصل", "باسم", "بكين"]
    _, groups = group_of(text, [mention(text, name, label="PER") for name in names])
    assert [group.canonical for group in groups] == ["كوفي أنان", "فيصل", "بكين", "باسم"]


def test_a_name_after_a_preposition_keeps_its_first_letter() -> None:
    text = "وصل الملك إلى جدة ثم سافر الوفد إلى وجدة في المغرب."
    by_text, groups = group_of(text, [mention(text, "جدة"), mention(text, "وجدة")])
    assert by_text["جدة"] != by_text["وجدة"]
    assert [group.canonical for group in groups] == ["جدة", "وجدة"]


def test_hamza_seats_keep_two_names_apart() -> None:
    text = "التقى لؤي بصديقه لوي في المطعم."
    by_text, _ = group_of(text, [mention(text, "لؤي", label="PER"), mention(text, "لوي", label="PER")])
    assert by_text["لؤي"] != by_text["لوي"]


def test_hamza_alef_and_ta_marbuta_variants_share_a_group() -> None:
    text = "زار الوزير أنقرة ثم عاد إلى انقرة، وفي انقره قال إن وأنقرة تريد الحوار."
    mentions = [mention(text, word) for word in ("أنقرة", "انقرة", "انقره", "وأنقرة")]
    by_text, groups = group_of(text, mentions)
    assert len(set(by_text.values())) == 1
    assert groups == (EntityGroup(0, "أنقرة", "LOC", 4),)


def test_diacritics_do_not_split_a_group() -> None:
    text = "وصل إلى كازَاخستان صباحا ثم غادر كازاخستان ليلا، وَكازاخِستان بلد كبير."
    mentions = [mention(text, word) for word in ("كازَاخستان", "كازاخستان", "وَكازاخِستان")]
    by_text, groups = group_of(text, mentions)
    assert len(set(by_text.values())) == 1
    assert groups[0].count == 3


def test_canonical_form_drops_the_clitic_together_with_its_vowel() -> None:
    text = "قال إن وَكازاخستان بلد كبير مثل كازَاخستان."
    _, groups = group_of(text, [mention(text, "وَكازاخستان"), mention(text, "كازَاخستان")])
    assert groups == (EntityGroup(0, "كازاخستان", "LOC", 2),)


def test_canonical_form_keeps_the_spelling_of_the_text() -> None:
    text = "وصل بكازَاخستان ثم عاد بكازَاخستان، فكازاخستان أرض كازَاخستان."
    mentions = [mention(text, word) for word in ("بكازَاخستان", "فكازاخستان", "كازَاخستان")]
    mentions.append(mention(text, "بكازَاخستان", nth=1))
    _, groups = group_of(text, mentions)
    assert groups == (EntityGroup(0, "كازَاخستان", "LOC", 4),)


def test_canonical_form_is_the_most_frequent_surface_form() -> None:
    text = "أنقرة قالت إن انقرة تريد الحوار، وانقرة لا تريد الحرب."
    mentions = [mention(text, word) for word in ("أنقرة", "انقرة", "وانقرة")]
    _, groups = group_of(text, mentions)
    assert groups[0].canonical == "انقرة"


def test_multi_word_mentions_strip_the_clitic_from_their_first_word_only(seed_text: str) -> None:
    name = "منظمة الدول التركية"
    mentions = [mention(seed_text, "ومنظمة الدول التركية", label="ORG"), mention(seed_text, name, label="ORG")]
    by_text, groups = group_of(seed_text, mentions)
    assert len(set(by_text.values())) == 1
    assert groups[0].canonical == name


def test_group_label_is_the_majority_label_and_ties_go_to_the_first() -> None:
    text = "تركيا وتركيا وتركيا. روسيا وروسيا."
    mentions = [
        mention(text, "تركيا", label="ORG"),
        mention(text, "وتركيا", label="LOC"),
        mention(text, "وتركيا", nth=1, label="LOC"),
        mention(text, "روسيا", label="ORG"),
        mention(text, "وروسيا", label="LOC"),
    ]
    _, groups = group_of(text, mentions)
    assert [group.label for group in groups] == ["LOC", "ORG"]


def test_groups_are_numbered_in_order_of_first_mention_and_entities_are_sorted() -> None:
    text = "بغداد ثم دمشق ثم بغداد."
    mentions = [mention(text, "بغداد", nth=1), mention(text, "دمشق"), mention(text, "بغداد")]
    entities, groups = group_entities(text, mentions)
    assert [(entity.start, entity.group) for entity in entities] == [(0, 0), (9, 1), (17, 0)]
    assert [(group.canonical, group.count) for group in groups] == [("بغداد", 2), ("دمشق", 1)]


def test_overlapping_mentions_keep_the_longer_one() -> None:
    text = "قال الشيخ محمد بن عبدالرحمن إن قطر تدعم الحوار."
    full = mention(text, "محمد بن عبدالرحمن", label="PER", score=0.6)
    part = mention(text, "عبدالرحمن", label="PER", score=0.99)
    qatar = mention(text, "قطر")
    entities, groups = group_entities(text, [part, qatar, full])
    assert [entity.text for entity in entities] == ["محمد بن عبدالرحمن", "قطر"]
    assert [group.canonical for group in groups] == ["محمد بن عبدالرحمن", "قطر"]


def test_overlapping_mentions_of_equal_length_keep_the_higher_score() -> None:
    text = "زار أنقرة."
    start = locate(text, "أنقرة")
    low = Entity(start, start + 5, "ORG", "أنقرة", 0.4)
    high = Entity(start, start + 5, "LOC", "أنقرة", 0.8)
    entities, _ = group_entities(text, [low, high])
    assert entities == (Entity(start, start + 5, "LOC", "أنقرة", 0.8, group=0),)


def test_no_mentions_give_no_groups(seed_text: str) -> None:
    assert group_entities(seed_text, []) == ((), ())
