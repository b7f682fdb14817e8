"""URL columns scrubbed in the engine by their masked form (issue 14): an article id is not an
identifier, an identifier in a URL still is, and the scanner sees few texts however many
distinct article paths there are."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa

from runtime.engine.duck import open_database
from runtime.warehouse.scrubbing import forget_clean_urls, scrub_columns
from transforms.person.tables import FreeText
from transforms.pii.known_members import KnownMembers, deny_list, derive_key
from transforms.pii.scanner import ScanSettings, TextScanner
from transforms.pii.spans import Span

KEY = derive_key(b"s" * 32)
SITE = "https://www.nktimes.example"


class CountingScanner(TextScanner):
    """The real scanner, counting the distinct texts it is handed."""

    scanned = 0

    def scan_distinct(
        self, texts: list[str], ignore: frozenset[str] = frozenset()
    ) -> dict[str, list[Span]]:
        self.scanned += len(texts)
        return super().scan_distinct(texts, ignore)


def scanner() -> CountingScanner:
    known = KnownMembers(KEY, deny_list(KEY, [("real_name", "김민수")], frozenset()))
    return CountingScanner(ScanSettings(workers=1), known)


def scrubbed(
    tmp_path: Path, urls: list[str | None], s: CountingScanner
) -> tuple[list[str], dict[str, int]]:
    rows, found, _ = days_scrubbed(tmp_path, [urls], s)[0]
    return rows, found


def test_article_ids_are_kept_and_identifiers_are_replaced(tmp_path: Path) -> None:
    urls = [
        f"{SITE}/news/articleView/20261203004512",  # Presidio alone calls it a US bank number
        f"{SITE}/story/election-20261203004513",
        f"{SITE}/sports/list?page=3",
        f"{SITE}/my/010-1234-5678/orders",
        f"{SITE}/my/01012345678",
        f"{SITE}/u/hong%40gmail.com",
        f"{SITE}/search/%EA%B9%80%EB%AF%BC%EC%88%98",
        f"{SITE}/pay/4111111111111111",
        f"{SITE}/id/9001011234567",
        f"{SITE}/call/+821012345678",
        f"{SITE}/bad/%FF/hong%40gmail.com",  # no UTF-8 once decoded: scanned as Python reads it
        None,
    ]
    rows, found = scrubbed(tmp_path, urls, scanner())
    assert rows == [
        f"{SITE}/news/articleView/20261203004512",
        f"{SITE}/story/election-20261203004513",
        f"{SITE}/sports/list?page=3",
        f"{SITE}/my/<PHONE_NUMBER>/orders",
        f"{SITE}/my/<PHONE_NUMBER>",
        f"{SITE}/u/<EMAIL_ADDRESS>",
        f"{SITE}/search/<PERSON>",
        f"{SITE}/pay/<CREDIT_CARD>",
        f"{SITE}/id/<KR_RRN>",
        f"{SITE}/call/ <PHONE_NUMBER>",
        f"{SITE}/bad/\ufffd/<EMAIL_ADDRESS>",
        None,
    ]
    assert found == {
        "PHONE_NUMBER": 3,
        "EMAIL_ADDRESS": 2,
        "PERSON": 1,
        "CREDIT_CARD": 1,
        "KR_RRN": 1,
    }


def test_the_scanner_sees_a_few_forms_of_many_article_paths(tmp_path: Path) -> None:
    urls = [f"{SITE}/news/articleView/{20261203000000 + i * 7919}" for i in range(5000)]
    urls += [f"{SITE}/story/budget-{20261203000000 + i}" for i in range(5000)]
    s = scanner()
    rows, found = scrubbed(tmp_path, urls, s)
    assert rows == urls and found == {}
    assert s.scanned <= 4  # one masked form per path shape and id length


def test_a_number_next_to_letters_or_digits_is_no_bare_number(tmp_path: Path) -> None:
    """`u10000042` (a member id's shape), an IP, a phone split by slashes: scanned as is."""
    urls = [f"{SITE}/m/u10000042", f"{SITE}/ip/10.0.0.1", f"{SITE}/p/010/1234/5678"]
    rows, _ = scrubbed(tmp_path, urls, scanner())
    assert rows[0] != urls[0] and rows[1] != urls[1] and rows[2] != urls[2]


def days_scrubbed(
    tmp_path: Path,
    days: list[list[str | None]],
    s: CountingScanner,
    forget_between: bool = False,
) -> list[tuple[list[str], dict[str, int], int]]:
    """Each day's URLs scrubbed in turn on one connection, as a load's days are: (rows,
    entities, texts the scanner saw) per day."""
    out = []
    with open_database(tmp_path) as conn:
        forget_clean_urls(conn)
        for urls in days:
            if forget_between:
                forget_clean_urls(conn)
            before = s.scanned
            conn.register("_in", pa.table({"i": list(range(len(urls))), "url_path": urls}))
            conn.execute("CREATE OR REPLACE TEMP TABLE shaped AS SELECT * FROM _in")
            conn.unregister("_in")
            found = scrub_columns(conn, "shaped", {"url_path": FreeText(url=True)}, s)
            rows = [r[0] for r in conn.execute("SELECT url_path FROM shaped ORDER BY i").fetchall()]
            out.append((rows, dict(found), s.scanned - before))
    return out


def test_a_url_found_clean_is_not_scanned_again_on_a_later_day(tmp_path: Path) -> None:
    """The load's second day scans only the URLs the first did not find clean, and a URL that
    held an identifier is scrubbed (and counted) on every day it appears."""
    clean = [f"{SITE}/search?q=weather", f"{SITE}/u/kim-a"]
    leak = f"{SITE}/my/010-1234-5678/orders"
    days = days_scrubbed(tmp_path, [[*clean, leak], [*clean, leak, leak]], scanner())
    (first, found_1, scanned_1), (second, found_2, scanned_2) = days
    scrubbed_leak = f"{SITE}/my/<PHONE_NUMBER>/orders"
    assert first == [*clean, scrubbed_leak] and found_1 == {"PHONE_NUMBER": 1}
    assert second == [*clean, scrubbed_leak, scrubbed_leak] and found_2 == {"PHONE_NUMBER": 2}
    assert scanned_1 == 3 and scanned_2 == 1  # only the leak, again


def test_a_new_load_forgets_the_urls_found_clean(tmp_path: Path) -> None:
    """A later load may know other members (its deny-list): it scans every URL again."""
    urls = [f"{SITE}/search?q=weather", f"{SITE}/u/kim-a"]
    days = days_scrubbed(tmp_path, [urls, urls], scanner(), forget_between=True)
    assert [scanned for _, _, scanned in days] == [2, 2]
