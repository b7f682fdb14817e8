"""Scrubbing free text and URLs: identifiers replaced by their type, counted per row."""

from __future__ import annotations

from transforms.pii.known_members import KnownMembers, deny_list, derive_key
from transforms.pii.scanner import ScanSettings, TextScanner
from transforms.pii.scrub import scrub_free_text, scrub_urls

KEY = derive_key(b"s" * 32)
SCANNER = TextScanner(
    ScanSettings(), KnownMembers(KEY, deny_list(KEY, [("real_name", "김민수")], frozenset()))
)


def test_comments_are_scrubbed_and_counted_per_row() -> None:
    out = scrub_free_text({"연락 010-1234-5678으로": 3, "좋아요": 9, "김민수입니다": 1}, SCANNER)
    assert out.replaced == {
        "연락 010-1234-5678으로": "연락 <PHONE_NUMBER>으로",
        "김민수입니다": "<PERSON>입니다",
    }
    assert out.entities == {"PHONE_NUMBER": 3, "PERSON": 1}


def test_urls_are_scanned_decoded_and_keep_being_urls() -> None:
    urls = {
        "https://x.example/search/%EA%B9%80%EB%AF%BC%EC%88%98": 1,
        "https://x.example/u/hong%40gmail.com": 2,
        "https://www.nktimes.example/economy/articleView.html": 5,
    }
    out = scrub_urls(urls, SCANNER)
    assert out.replaced == {
        "https://x.example/search/%EA%B9%80%EB%AF%BC%EC%88%98": "https://x.example/search/<PERSON>",
        "https://x.example/u/hong%40gmail.com": "https://x.example/u/<EMAIL_ADDRESS>",
    }
    assert out.entities == {"PERSON": 1, "EMAIL_ADDRESS": 2}
