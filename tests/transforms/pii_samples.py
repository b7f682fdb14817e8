"""Valid-looking Korean ID numbers (true checksums) for the PII tests."""

from __future__ import annotations

RRN_WEIGHTS = (2, 3, 4, 5, 6, 7, 8, 9, 2, 3, 4, 5)


def _weighted(digits: str) -> int:
    return sum(int(d) * w for d, w in zip(digits, RRN_WEIGHTS, strict=True))


def rrn(birth: str, gender: int, serial: str = "23456") -> str:
    """YYMMDD-G + serial + check digit (RRN rule; gender 5-8 gives the FRN rule)."""
    body = f"{birth}{gender}{serial}"
    base = 13 if gender in (5, 6, 7, 8) else 11
    return f"{birth}-{gender}{serial}{(base - _weighted(body) % 11) % 10}"


def brn(first9: str = "123456789") -> str:
    d = [int(c) for c in first9]
    keys = (1, 3, 7, 1, 3, 7, 1, 3, 5)
    total = sum(x * k for x, k in zip(d[:8], keys, strict=False)) + d[8] * 5 + d[8] * 5 // 10
    check = (10 - total % 10) % 10
    return f"{first9[:3]}-{first9[3:5]}-{first9[5:]}{check}"


def luhn(first15: str = "411111111111111") -> str:
    total = 0
    for i, c in enumerate(reversed(first15)):
        n = int(c) * (2 if i % 2 == 0 else 1)
        total += n - 9 if n > 9 else n
    return first15 + str((10 - total % 10) % 10)
