"""Survey free text in Korean and English; about one in ten holds a personal identifier."""

from __future__ import annotations

import numpy as np

HARMLESS = (
    "기사 잘 읽었습니다", "경제면이 더 자세했으면 좋겠어요", "북한 소식 항상 감사합니다",
    "앱이 조금 느려요", "스포츠 기사가 좋아요", "Great coverage of the economy this week",
    "Please add more world news", "The app crashes on my phone", "Love the culture section",
    "좋아요", "별로예요", "광고가 너무 많아요",
)  # fmt: skip
# One kind of identifier per comment, kinds equally likely, so small samples hold every kind.
WITH_IDENTIFIER: dict[str, tuple[str, ...]] = {
    "name": ("제 이름은 {name}입니다", "I am {name}, a reader since 2019", "{name} 드림"),
    "nickname": ("{nickname} 입니다. 당첨되면 알려주세요", "my id is {nickname}"),
    "phone": ("연락 주세요 {phone}", "{phone}으로 연락 바랍니다", "Reach me on {phone} please",
              "경품 받을 번호 {phone}로 부탁해요"),
    "email": ("이메일 {email}로 보내주세요", "경품은 {email} 로 부탁드려요",
              "Contact me at {email}"),
    "rrn": ("주민번호 {rrn} 맞나요?", "본인확인: {rrn}"),
}  # fmt: skip
_KINDS = tuple(WITH_IDENTIFIER)


def _phone_variant(rng: np.random.Generator, phone: str) -> str:
    digits = phone.replace("-", "")
    forms = (
        phone,
        digits,
        f"+82 {digits[1:3]}-{digits[3:7]}-{digits[7:]}",
        phone.replace("-", " "),
    )
    return forms[int(rng.integers(0, len(forms)))]


def _rrn(rng: np.random.Generator) -> str:
    """A fake resident registration number: YYMMDD-G, G 1/2 for the 1900s and 3/4 after."""
    year = int(rng.integers(1950, 2013))
    mm, dd, sex = rng.integers(1, 13), rng.integers(1, 29), rng.integers(1, 3)
    g = sex + (2 if year >= 2000 else 0)
    return f"{year % 100:02d}{mm:02d}{dd:02d}-{g}{rng.integers(0, 1_000_000):06d}"


def make_comment(
    rng: np.random.Generator, name: str, nickname: str, email: str, phone: str
) -> str | None:
    u = rng.random()
    if u < 0.55:
        return None
    if u < 0.90:
        return HARMLESS[int(rng.integers(0, len(HARMLESS)))]
    templates = WITH_IDENTIFIER[_KINDS[int(rng.integers(0, len(_KINDS)))]]
    template = templates[int(rng.integers(0, len(templates)))]
    return template.format(
        name=name, nickname=nickname, email=email, phone=_phone_variant(rng, phone), rrn=_rrn(rng)
    )
