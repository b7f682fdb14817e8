"""The known-member deny-list: members' own identifiers found in text, held only as digests."""

from __future__ import annotations

import pickle

import pytest

from transforms.pii.candidates import phone_key
from transforms.pii.known_members import KnownMembers, deny_list, derive_key, member_tokens

KEY = derive_key(b"k" * 32)
MEMBER = [
    ("real_name", "김민수"),
    ("real_name", "Jiwoo Park"),
    ("nickname", "sunny_park88"),
    ("email", "minsu.kim88@naver.com"),
    ("mobile_phone", "010-9876-5432"),
]


@pytest.fixture(scope="module")
def known() -> KnownMembers:
    return KnownMembers(KEY, deny_list(KEY, MEMBER, frozenset({"seoul"})))


@pytest.mark.parametrize(
    ("text", "found", "entity"),
    [
        ("제 이름은 김민수입니다", "김민수", "PERSON"),
        ("김민수님이 당첨되셨나요", "김민수", "PERSON"),
        ("I am Jiwoo Park, a reader", "Jiwoo Park", "PERSON"),
        ("PARK JIWOO here", "PARK JIWOO", "PERSON"),
        ("sunny_park88님 안녕하세요", "sunny_park88", "NICKNAME"),
        ("my id is sunny_park88.", "sunny_park88", "NICKNAME"),
        ("경품은 minsu.kim88@naver.com로", "minsu.kim88@naver.com", "EMAIL_ADDRESS"),
        ("handle minsu.kim88 please", "minsu.kim88", "EMAIL_ADDRESS"),
        ("+82 10-9876-5432 로 연락", "+82 10-9876-5432", "PHONE_NUMBER"),
        ("번호 01098765432", "01098765432", "PHONE_NUMBER"),
    ],
)
def test_a_members_own_identifier_is_found(known, text, found, entity) -> None:
    spans = known.find(text)
    start = text.index(found)
    assert any((s.start, s.end, s.entity) == (start, start + len(found), entity) for s in spans), (
        spans
    )


@pytest.mark.parametrize(
    "text", ["김민지 기자님 기사 좋아요", "Park is lovely", "sunny day", "010-1111-2222", "Seoul"]
)
def test_other_people_and_words_are_not_members(known, text) -> None:
    assert known.find(text) == []


def test_no_plain_value_is_held(known) -> None:
    held = pickle.dumps(known)
    for _, value in MEMBER:
        for token in (value, value.lower(), value.replace("-", "")):
            assert token.encode() not in held


def test_public_vocabulary_and_short_tokens_are_left_out() -> None:
    assert member_tokens("nickname", "Seoul", frozenset({"seoul"})) == []
    assert member_tokens("nickname", "ab", frozenset()) == []
    assert member_tokens("real_name", "이준", frozenset()) == ["이준"]


def test_phone_forms_share_one_key() -> None:
    assert {phone_key(p) for p in ("010-9876-5432", "+82 10 9876 5432", "01098765432")} == {
        "01098765432"
    }


def test_another_key_matches_nothing() -> None:
    other = KnownMembers(derive_key(b"o" * 32), deny_list(KEY, MEMBER, frozenset()))
    assert other.find("제 이름은 김민수입니다") == []
