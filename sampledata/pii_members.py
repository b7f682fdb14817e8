"""The members whose names, nicknames, emails and phones the labelled comments quote, and the
ways people write those values in a comment."""

from __future__ import annotations

from dataclasses import asdict, dataclass

from faker.providers.person.en_US import Provider as EnglishNames
from faker.providers.person.ko_KR import Provider as KoreanNames

from sampledata.identities import DOMAINS
from sampledata.pii_values import Rng, digits, mobile, pick

SURNAMES = ("Kim", "Lee", "Park", "Choi", "Jung", "Kang", "Cho", "Yoon", "Jang", "Lim", "Han",
            "Oh", "Seo", "Shin", "Kwon", "Hwang", "Ahn", "Song", "Yoo", "Hong")  # fmt: skip
SYLLABLES = ("Min", "Ji", "Seo", "Hyun", "Jun", "Woo", "Yeon", "Soo", "Hye", "Eun", "Young",
             "Jae", "Sung", "Ha", "Yoon", "Do", "Ye", "Na", "Da", "Bin")  # fmt: skip
HANDLE_WORDS = ("sunny", "reader", "bluesky", "happy", "news", "coffee", "tiger", "moon",
                "seoul", "rainy", "cat", "panda", "daily", "green", "star")  # fmt: skip
HANGUL_ADJECTIVES = ("빛나는", "행복한", "조용한", "푸른", "작은", "용감한", "졸린", "바쁜")
HANGUL_NOUNS = ("고양이", "하늘", "바다", "여우", "곰돌이", "독자", "나무", "토끼")
MORE_DOMAINS = (*DOMAINS, *DOMAINS, "korea.ac.kr", "snu.ac.kr", "nate.com", "outlook.com")


@dataclass(frozen=True)
class Member:
    real_name: str
    nickname: str
    email: str
    mobile_phone: str

    def rows(self) -> list[tuple[str, str]]:
        """(field, value) rows, as known_members.deny_list takes them."""
        return list(asdict(self).items())


def _korean_name(rng: Rng) -> str:
    last = pick(rng, tuple(KoreanNames.last_names))
    female = rng.random() < 0.5
    firsts = KoreanNames.first_names_female if female else KoreanNames.first_names_male
    return last + pick(rng, tuple(firsts))


def _latin_name(rng: Rng) -> str:
    if rng.random() < 0.5:  # a romanized Korean name, given name first
        given = pick(rng, SYLLABLES) + pick(rng, SYLLABLES).lower()
        return f"{given} {pick(rng, SURNAMES)}"
    firsts = (*EnglishNames.first_names_female, *EnglishNames.first_names_male)
    return f"{pick(rng, tuple(firsts)[:400])} {pick(rng, tuple(EnglishNames.last_names)[:300])}"


def _nickname(rng: Rng, i: int) -> str:
    if rng.random() < 0.3:
        return pick(rng, HANGUL_ADJECTIVES) + pick(rng, HANGUL_NOUNS) + (
            str(i % 100) if rng.random() < 0.5 else "")  # fmt: skip
    sep = pick(rng, ("_", "", "."))
    return f"{pick(rng, HANDLE_WORDS)}{sep}{pick(rng, HANDLE_WORDS)}{i % 1000}"


def _email(rng: Rng, name: str, i: int) -> str:
    if name.isascii() and rng.random() < 0.6:
        first, last = name.lower().split()
        handle = f"{first}.{last}{i % 100}" if rng.random() < 0.5 else f"{first[0]}{last}{i}"
    else:
        handle = pick(rng, HANDLE_WORDS) + digits(rng, int(rng.integers(2, 6)))
    return f"{handle}@{pick(rng, MORE_DOMAINS)}"


def make_members(rng: Rng, n: int) -> list[Member]:
    """`n` members, about a third with Latin names."""
    members = []
    for i in range(n):
        name = _latin_name(rng) if rng.random() < 0.3 else _korean_name(rng)
        members.append(Member(name, _nickname(rng, i), _email(rng, name, i), mobile(rng)))
    return members


def name_form(rng: Rng, name: str) -> str:
    """A real name as typed: Latin names also surname first or in lower case, Hangul names
    sometimes with a space after the surname."""
    u = rng.random()
    if name.isascii():
        given, surname = name.split()
        return f"{surname} {given}" if u < 0.25 else name.lower() if u < 0.35 else name
    return f"{name[0]} {name[1:]}" if u < 0.05 else name


def email_form(rng: Rng, email: str) -> str:
    return email.upper() if rng.random() < 0.03 else email


def stranger_email(rng: Rng) -> str:
    """An address that is no member's: a colleague's or a shop's."""
    return f"{pick(rng, HANDLE_WORDS)}{digits(rng, 3)}@{pick(rng, ('company.co.kr', 'gmail.com'))}"
