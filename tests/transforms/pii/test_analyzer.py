"""Each Korean and English identifier format, through the scanner the pipeline uses: offline
Presidio with the Korean recognizers enabled, region KR phones, the RRN fix, glued particles."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.transforms.pii_samples import brn, luhn, rrn
from transforms.pii.analyzer import build_analyzer, language_of
from transforms.pii.scanner import ScanSettings, TextScanner

CARD = luhn()

FORMATS = [
    # Korean resident and foreigner registration numbers; 9 and 0: born in the 1800s
    ("주민번호 {} 맞나요?", rrn("900101", 1), "KR_RRN"),
    ("본인확인: {}", rrn("020304", 4), "KR_RRN"),
    ("주민등록번호 {}", rrn("990101", 9), "KR_RRN"),
    ("RRN {}", rrn("951231", 0), "KR_RRN"),
    ("주민번호는 {}", rrn("851111", 2).replace("-", ""), "KR_RRN"),
    ("외국인등록번호 {}", rrn("900101", 5), "KR_FRN"),
    ("my foreigner registration number is {}", rrn("880808", 6), "KR_FRN"),
    # passport, driver's licence, business registration number
    ("여권번호 {}", "M123A4567", "KR_PASSPORT"),
    ("Korean passport number {}", "M12345678", "KR_PASSPORT"),
    ("운전면허 {}", "11-12-123456-12", "KR_DRIVER_LICENSE"),
    ("driver license {}", "11-12-123456-12", "KR_DRIVER_LICENSE"),
    ("사업자등록번호 {}", brn(), "KR_BRN"),
    ("business registration number {}", brn("220811234"), "KR_BRN"),
    # phones as people type them
    ("연락 주세요 {}", "010-1234-5678", "PHONE_NUMBER"),
    ("{} 으로 문자 주세요", "01012345678", "PHONE_NUMBER"),
    ("Reach me on {} please", "+82 10-1234-5678", "PHONE_NUMBER"),
    ("call {}", "+82 10 1234 5678", "PHONE_NUMBER"),
    ("사무실 {}", "02-882-5580", "PHONE_NUMBER"),
    ("office {}", "031-123-4567", "PHONE_NUMBER"),
    ("US office {}", "(212) 555-0142", "PHONE_NUMBER"),
    # emails, cards, IPs
    ("이메일 {} 로 보내주세요", "minsu.kim@naver.com", "EMAIL_ADDRESS"),
    ("Contact me at {}", "jane.doe@example.co.uk", "EMAIL_ADDRESS"),
    ("카드 {}", f"{CARD[:4]} {CARD[4:8]} {CARD[8:12]} {CARD[12:]}", "CREDIT_CARD"),
    ("card {}", f"{CARD[:4]}-{CARD[4:8]}-{CARD[8:12]}-{CARD[12:]}", "CREDIT_CARD"),
    ("IP {} 에서 접속", "192.168.0.17", "IP_ADDRESS"),
    ("from {}", "2001:db8::8a2e:370:7334", "IP_ADDRESS"),
]
# Korean particles glued to the identifier: the plain recognizers miss some of these.
GLUED = [
    ("이메일 {}로 보내주세요", "minsu.kim@naver.com", "EMAIL_ADDRESS"),
    ("{}으로 연락 바랍니다", "010-1234-5678", "PHONE_NUMBER"),
    ("{}에서 접속했어요", "192.168.0.17", "IP_ADDRESS"),
    ("주민번호{}입니다", rrn("900101", 1), "KR_RRN"),
    ("카드번호는{}이에요", CARD, "CREDIT_CARD"),
]


@pytest.fixture(scope="module")
def scanner() -> TextScanner:
    return TextScanner(ScanSettings())


@pytest.mark.parametrize(("template", "value", "entity"), FORMATS + GLUED)
def test_each_format_is_found_with_its_type(scanner, template, value, entity) -> None:
    text = template.format(value)
    (spans,) = scanner.scan([text])
    start = text.index(value)
    found = {(s.entity, s.start, s.end) for s in spans}
    assert (entity, start, start + len(value)) in found, (text, found)


def test_plain_presidio_misses_glued_particles_the_scanner_finds(scanner) -> None:
    """Why the scanner splits scripts: Hangul counts as a word character for `\\b`."""
    analyzer = build_analyzer()
    missed = [
        t.format(v)
        for t, v, e in GLUED
        if e not in {r.entity_type for r in analyzer.analyze(t.format(v), language_of(t))}
    ]
    assert missed  # some glued forms are lost without the split ...
    assert all(scanner.scan([t])[0] for t in missed)  # ... and none with it


@pytest.mark.parametrize(
    "text",
    ["기사 잘 읽었습니다", "Great coverage of the economy this week", "15,000원 할인 감사해요",
     "3 stars", "2024년 기사 좋아요"],
)  # fmt: skip
def test_harmless_text_stays_clean(scanner, text) -> None:
    strong = [s for s in scanner.scan([text])[0] if s.score >= 0.4]
    assert strong == []


NO_NETWORK = """
import socket
def refuse(*args, **kwargs):
    raise AssertionError("network used: " + repr(args[:2]))
socket.socket.connect = refuse
socket.socket.connect_ex = refuse
socket.create_connection = refuse
socket.getaddrinfo = refuse
from transforms.pii.analyzer import build_analyzer
analyzer = build_analyzer()
text = "mail minsu.kim@naver.com or visit https://news.example.co.kr, call 010-1234-5678"
found = {r.entity_type for r in analyzer.analyze(text, language="en")}
assert {"EMAIL_ADDRESS", "URL", "PHONE_NUMBER"} <= found, found
print("ok")
"""


def test_the_analyzer_starts_and_runs_with_networking_disabled() -> None:
    """A fresh interpreter where any connection or DNS lookup raises: building the analyzer
    and validating an email's domain (tldextract's suffix list) must not try."""
    done = subprocess.run(
        [sys.executable, "-c", NO_NETWORK], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == "ok"
