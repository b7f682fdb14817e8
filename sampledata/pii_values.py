"""Identifiers as people type them in comments: Korean ID numbers with valid checksums, phones,
cards, IP addresses. Each maker takes the seeded generator and returns one string."""

from __future__ import annotations

import datetime as dt

import numpy as np

Rng = np.random.Generator
LANDLINE_AREAS = ("02", "031", "032", "033", "041", "042", "051", "053", "055", "062", "064")
DL_REGIONS = ("11", "12", "13", "14", "15", "16", "17", "18", "19", "20", "21", "22", "23",
              "24", "25", "26", "28")  # fmt: skip
PASSPORT_LETTERS = "MMMMMMSROD"  # mostly M (ordinary passports)
# (cumulative share, first and last birth year, gender digits) of resident numbers
RRN_ERAS = ((0.08, 1890, 1899, (9, 0)), (0.3, 2000, 2012, (3, 4)), (1.0, 1935, 1999, (1, 2)))
CARD_PREFIXES = ("4", "4", "4", "51", "53", "55", "35", "9410", "9430")  # 94xx: domestic cards


def pick(rng: Rng, options: tuple[str, ...] | str) -> str:
    return options[int(rng.integers(0, len(options)))]


def digits(rng: Rng, n: int) -> str:
    return "".join(str(d) for d in rng.integers(0, 10, n))


def mobile(rng: Rng) -> str:
    """A member's mobile as stored: 010-XXXX-XXXX, the middle block starting 2-9."""
    return f"010-{int(rng.integers(2000, 10000))}-{digits(rng, 4)}"


def phone_form(rng: Rng, stored: str) -> str:
    """A stored 010-XXXX-XXXX in one of the forms people type."""
    a, b, c = stored.split("-")
    forms = (stored, stored, a + b + c, f"{a} {b} {c}", f"{a}.{b}.{c}", f"+82 {a[1:]}-{b}-{c}",
             f"+82 {a[1:]} {b} {c}")  # fmt: skip
    return pick(rng, forms)


def landline(rng: Rng) -> str:
    """An office or home line: area code, a middle block of 3 or 4 digits (not starting 0/1)."""
    middle = int(rng.integers(200, 1000) if rng.random() < 0.5 else rng.integers(2000, 10000))
    return f"{pick(rng, LANDLINE_AREAS)}-{middle}-{digits(rng, 4)}"


def _birth(rng: Rng, first_year: int, last_year: int) -> tuple[int, str]:
    year = int(rng.integers(first_year, last_year + 1))
    day = dt.date(year, 1, 1) + dt.timedelta(days=int(rng.integers(0, 365)))
    return year, day.strftime("%y%m%d")


def _id_number(rng: Rng, birth: str, gender: int, offset: int, dash: str) -> str:
    """YYMMDD G HI JKL X: HI (a region code) at most 95, X the checksum with `offset`
    (11 for residents, 13 for foreigners)."""
    body = f"{birth}{gender}{int(rng.integers(0, 96)):02d}{digits(rng, 3)}"
    weights = (2, 3, 4, 5, 6, 7, 8, 9, 2, 3, 4, 5)
    total = sum(int(d) * w for d, w in zip(body, weights, strict=True))
    check = (offset - total % 11) % 10
    return f"{body[:6]}{dash}{body[6:]}{check}"


def _dash(rng: Rng) -> str:
    return "-" if rng.random() < 0.75 else ""


def rrn(rng: Rng) -> str:
    """Resident registration number: gender digit 1/2 (1900s), 3/4 (2000s), 9/0 (1800s)."""
    u = rng.random()
    _, first, last, genders = next(era for era in RRN_ERAS if u < era[0])
    _, birth = _birth(rng, first, last)
    return _id_number(rng, birth, genders[int(rng.integers(0, 2))], 11, _dash(rng))


def frn(rng: Rng) -> str:
    """Foreigner registration number: gender digit 5/6 (1900s), 7/8 (2000s)."""
    year, birth = _birth(rng, 1950, 2010)
    gender = (5 if year < 2000 else 7) + int(rng.integers(0, 2))
    return _id_number(rng, birth, gender, 13, _dash(rng))


def passport(rng: Rng) -> str:
    letter = pick(rng, PASSPORT_LETTERS)
    if rng.random() < 0.7:
        return f"{letter}{digits(rng, 3)}{chr(ord('A') + int(rng.integers(0, 26)))}{digits(rng, 4)}"
    return letter + digits(rng, 8)


def driver_license(rng: Rng) -> str:
    parts = (pick(rng, DL_REGIONS), digits(rng, 2), digits(rng, 6), digits(rng, 2))
    return ("-" if rng.random() < 0.8 else "").join(parts)


def brn(rng: Rng) -> str:
    """Business registration number AAA-BB-CCCCC with its check digit."""
    body = [int(d) for d in str(int(rng.integers(101, 1000))) + digits(rng, 6)]
    keys = (1, 3, 7, 1, 3, 7, 1, 3, 5)
    total = sum(d * k for d, k in zip(body, keys, strict=True)) + body[8] * 5 // 10
    number = "".join(map(str, body)) + str((10 - total % 10) % 10)
    return f"{number[:3]}-{number[3:5]}-{number[5:]}" if rng.random() < 0.8 else number


def luhn_digit(partial: str) -> str:
    total = 0
    for i, ch in enumerate(reversed(partial)):
        d = int(ch) * (2 if i % 2 == 0 else 1)
        total += d - 9 if d > 9 else d
    return str((10 - total % 10) % 10)


def credit_card(rng: Rng) -> str:
    prefix = pick(rng, CARD_PREFIXES)
    partial = prefix + digits(rng, 15 - len(prefix))
    number = partial + luhn_digit(partial)
    sep = pick(rng, (" ", " ", "-", ""))
    return sep.join(number[i : i + 4] for i in range(0, 16, 4))


def ip_address(rng: Rng) -> str:
    """IPv6 now and then, private IPv4 often, else a public (unicast) IPv4."""
    u = rng.random()
    if u < 0.15:
        groups = [f"{int(g):x}" for g in rng.integers(0, 65536, 4)]
        return pick(rng, (f"2001:e60:{groups[0]}:{groups[1]}::{groups[2]}",
                          f"2001:db8:{':'.join(groups)}:0:1", f"fe80::{groups[0]}:{groups[1]}"))  # fmt: skip
    if u < 0.45:
        return pick(rng, ("192.168", "10.0", "172.16")) + "".join(
            f".{int(g)}" for g in rng.integers(0, 255, 2)
        )
    return ".".join(str(int(g)) for g in (rng.integers(1, 224), *rng.integers(0, 256, 3)))
