"""Members and their cookies: who the synthetic site's readers are."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from faker.providers.lorem.en_US import Provider as EnglishWords
from faker.providers.person.en_US import Provider as EnglishNames
from faker.providers.person.ko_KR import Provider as KoreanNames

REGIONS = (
    "Seoul", "Busan", "Daegu", "Incheon", "Gwangju", "Daejeon", "Ulsan", "Sejong", "Gyeonggi",
    "Gangwon", "North Chungcheong", "South Chungcheong", "North Jeolla", "South Jeolla",
    "North Gyeongsang", "South Gyeongsang", "Jeju",
)  # fmt: skip
REGION_WEIGHTS = np.array(
    [19, 6.5, 4.5, 5.8, 2.8, 2.8, 2.2, 0.8, 26, 3, 3.1, 4.2, 3.4, 3.5, 5, 6.4, 1.3]
)
DOMAINS = ("naver.com", "daum.net", "gmail.com", "kakao.com", "hanmail.net")
USER_AGENTS = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Safari/537.36",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_4) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1.15",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148",
    "Mozilla/5.0 (Linux; Android 14; SM-S928N) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Mobile Safari/537.36",
    "Mozilla/5.0 (Linux; Android 13; SM-X710N) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Safari/537.36",
    "Mozilla/5.0 (iPad; CPU OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148",
    "Mozilla/5.0 (Linux; Android 14; SM-S918N) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/24.0 Chrome/117.0 Mobile Safari/537.36",
    "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
    "Mozilla/5.0 (compatible; Yeti/1.1; +https://naver.me/spd)",
)  # fmt: skip
UA_WEIGHTS = np.array([22, 8, 25, 28, 4, 3, 7, 2, 1])


@dataclass(frozen=True)
class Population:
    member_ids: pa.Array
    emails: pa.Array
    phones: pa.Array
    names: pa.Array
    nicknames: pa.Array
    cookie_ids: pa.Array  # member cookies first, then non-member cookies
    cookie_member: np.ndarray  # member index of each cookie, -1 for non-members
    cookie_ips: pa.Array
    cookie_agents: pa.Array
    female: np.ndarray
    # When each member asked for deletion (datetime64[us]); the far future for most members.
    requested_at: np.ndarray = field(default_factory=lambda: np.array([], "datetime64[us]"))

    @property
    def size(self) -> int:
        return len(self.member_ids)


def _weighted(rng: np.random.Generator, table: dict[str, float], n: int) -> np.ndarray:
    keys = np.array(list(table))
    weights = np.array(list(table.values()), dtype=float)
    return keys[rng.choice(len(keys), n, p=weights / weights.sum())]


def hex_ids(rng: np.random.Generator, n: int) -> pa.Array:
    raw = rng.integers(0, 256, size=(n, 16), dtype=np.uint8)
    return pa.array([row.tobytes().hex() for row in raw], pa.string())


def _phones(rng: np.random.Generator, n: int) -> pa.Array:
    middle, last = rng.integers(1000, 10000, n), rng.integers(0, 10000, n)
    return pa.array([f"010-{m}-{x:04d}" for m, x in zip(middle, last, strict=True)], pa.string())


def _names(rng: np.random.Generator, n: int, female: np.ndarray) -> pa.Array:
    last = _weighted(rng, KoreanNames.last_names, n)
    first_f = _weighted(rng, KoreanNames.first_names_female, n)
    first_m = _weighted(rng, KoreanNames.first_names_male, n)
    korean = np.char.add(last, np.where(female, first_f, first_m))
    en_f = np.array(list(EnglishNames.first_names_female))[rng.integers(0, 300, n)]
    en_m = np.array(list(EnglishNames.first_names_male))[rng.integers(0, 300, n)]
    en_first = np.where(female, en_f, en_m)
    en_last = np.array(list(EnglishNames.last_names))[rng.integers(0, 300, n)]
    latin = np.char.add(np.char.add(en_first, " "), en_last)
    return pa.array(np.where(rng.random(n) < 0.15, latin, korean), pa.string())


def make_population(rng: np.random.Generator, members: int) -> Population:
    idx = np.arange(members)
    female = rng.random(members) < 0.5
    # i * 7919 mod 9e7 is a bijection (7919 is prime to 9e7): unique ids, always "u" + 8 digits
    member_ids = pa.array([f"u{(i * 7919) % 90_000_000 + 10_000_000}" for i in idx], pa.string())
    words = np.array(EnglishWords.word_list)[rng.integers(0, len(EnglishWords.word_list), members)]
    handle = [f"{w}{(i * 104_729) % 1_000_003}" for w, i in zip(words, idx, strict=True)]
    domains = np.array(DOMAINS)[rng.integers(0, len(DOMAINS), members)]
    cookies_per_member = rng.integers(1, 4, members)
    anon = members * 2
    cookie_member = np.concatenate([np.repeat(idx, cookies_per_member), np.full(anon, -1)])
    n_cookies = len(cookie_member)
    octets = rng.integers(1, 255, size=(n_cookies, 4))
    ips = [f"{a}.{b}.{c}.{d}" for a, b, c, d in octets]
    for i in np.flatnonzero(rng.random(n_cookies) < 0.05):
        ips[i] = f"2001:e60:{octets[i][0]:x}:{octets[i][1]:x}::{octets[i][2]:x}"
    return Population(
        member_ids=member_ids,
        emails=pa.array([f"{h}@{d}" for h, d in zip(handle, domains, strict=True)], pa.string()),
        phones=_phones(rng, members),
        names=_names(rng, members, female),
        nicknames=pa.array(
            [f"{w}_{i % 997}" for w, i in zip(words[::-1], idx, strict=True)], pa.string()
        ),
        cookie_ids=hex_ids(rng, n_cookies),
        cookie_member=cookie_member,
        cookie_ips=pa.array(ips, pa.string()),
        cookie_agents=pc.take(
            pa.array(USER_AGENTS),
            rng.choice(len(USER_AGENTS), n_cookies, p=UA_WEIGHTS / UA_WEIGHTS.sum()),
        ),
        female=female,
    )


def birth_dates(rng: np.random.Generator, n: int, run_date: dt.date) -> np.ndarray:
    """Ages 8-85 on the run date (about 3% under 14); the first members sit on band edges."""
    ages = np.where(rng.random(n) < 0.03, rng.integers(8, 14, n), rng.integers(14, 86, n))
    days_into_year = rng.integers(0, 365, n)
    base = np.datetime64(run_date, "D")
    births: np.ndarray = (
        base - (ages * 365.25).astype("timedelta64[D]") - days_into_year.astype("timedelta64[D]")
    )
    edges = [years_before(run_date, a) + dt.timedelta(days=d) for a in (14, 20, 30) for d in (0, 1)]
    births[: min(n, len(edges))] = np.array(edges[:n], dtype="datetime64[D]")
    return births


def years_before(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)
