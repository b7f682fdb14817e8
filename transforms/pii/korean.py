"""Presidio's five Korean ID recognizers, enabled for every language we analyze, with the gaps
measured on presidio-analyzer 2.2.366 closed: RRN gender digits 9 and 0 (born in the 1800s),
numbers typed with a space between the two halves, and domestic cards starting with 9."""

from __future__ import annotations

from collections.abc import Iterable

from presidio_analyzer import EntityRecognizer, Pattern
from presidio_analyzer.predefined_recognizers import (
    CreditCardRecognizer,
    KrBrnRecognizer,
    KrDriverLicenseRecognizer,
    KrFrnRecognizer,
    KrPassportRecognizer,
    KrRrnRecognizer,
)

_BIRTH = r"(?<!\d)\d{2}(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])"
# Gender digit: 1-4 for the 1900s and 2000s, 9 and 0 for the 1800s; 5-8 are foreigners (FRN).
RRN_PATTERN = Pattern("RRN (Medium)", _BIRTH + r"[- ]?[0-49]\d{6}(?!\d)", 0.5)
FRN_PATTERN = Pattern("FRN (Medium)", _BIRTH + r"[- ]?[5-8]\d{6}(?!\d)", 0.5)
KOREAN_CONTEXT = {
    "KR_RRN": ["주민등록번호", "주민번호", "주민", "본인확인", "생년월일"],
    "KR_FRN": ["외국인등록번호", "외국인번호", "외국인"],
    "KR_PASSPORT": ["여권", "여권번호"],
    "KR_DRIVER_LICENSE": ["운전면허", "면허번호", "면허"],
    "KR_BRN": ["사업자등록번호", "사업자번호", "사업자"],
}
_SEPARATORS = [("-", ""), (" ", "")]
# Cards issued for Korea's domestic network start with 9, which Presidio's pattern leaves out;
# the recognizer's Luhn check still decides.
DOMESTIC_CARD = Pattern(
    "Korean domestic card", r"(?<!\d)9\d{3}([- ]?)\d{4}\1\d{4}\1\d{4}(?!\d)", 0.3
)
CARD_CONTEXT = ["카드", "카드번호", "결제", "card", "credit"]


def korean_recognizers(languages: Iterable[str]) -> list[EntityRecognizer]:
    """One instance of each Korean recognizer per language, with English and Korean context."""
    out: list[EntityRecognizer] = []
    for lang in languages:
        out += [
            CreditCardRecognizer(
                patterns=[DOMESTIC_CARD],
                context=CARD_CONTEXT,
                supported_language=lang,
                name="KrDomesticCardRecognizer",
            ),
            KrRrnRecognizer(
                patterns=[RRN_PATTERN],
                context=[*KrRrnRecognizer.CONTEXT, *KOREAN_CONTEXT["KR_RRN"]],
                supported_language=lang,
                replacement_pairs=_SEPARATORS,
            ),
            KrFrnRecognizer(
                patterns=[FRN_PATTERN],
                context=[*KrFrnRecognizer.CONTEXT, *KOREAN_CONTEXT["KR_FRN"]],
                supported_language=lang,
                replacement_pairs=_SEPARATORS,
            ),
            KrPassportRecognizer(
                context=[*KrPassportRecognizer.CONTEXT, *KOREAN_CONTEXT["KR_PASSPORT"]],
                supported_language=lang,
            ),
            KrDriverLicenseRecognizer(
                context=[*KrDriverLicenseRecognizer.CONTEXT, *KOREAN_CONTEXT["KR_DRIVER_LICENSE"]],
                supported_language=lang,
            ),
            KrBrnRecognizer(
                context=[*KrBrnRecognizer.CONTEXT, *KOREAN_CONTEXT["KR_BRN"]],
                supported_language=lang,
            ),
        ]
    return out
