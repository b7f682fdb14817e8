"""Words the synthetic site uses: sections, referrers, shop categories, surveys, campaigns."""

from __future__ import annotations

import numpy as np

SECTIONS = (
    "politics", "economy", "society", "north_korea", "world", "sports", "culture", "opinion",
    "shopping",
)  # fmt: skip
SECTION_WEIGHTS = np.array([16, 15, 12, 14, 10, 13, 8, 6, 6])
REFERRERS = (
    None, "https://search.naver.com/search.naver?where=news&query=%EB%B6%81%ED%95%9C",
    "https://www.google.com/search?q=nk+times", "https://m.facebook.com/story.php?id=1",
    "https://www.daum.net/", "https://news.naver.com/main/read.naver?oid=1#comment",
)  # fmt: skip
REFERRER_WEIGHTS = np.array([35, 25, 15, 8, 10, 7])
CATEGORIES = ("books", "electronics", "fashion", "food", "health", "home", "travel", "tickets")
CATEGORY_WEIGHTS = np.array([18, 12, 15, 20, 10, 10, 7, 8])
SURVEYS = {
    "s2026_11_reader": ("a", "b", "c", "d", "e"),
    "s2026_11_app": ("yes", "no"),
    "ev_2026_fall_quiz": ("1", "2", "3", "4"),
}
CAMPAIGNS = (
    "c_fall_books", "c_winter_travel", "c_health_week", "c_electronics_sale", "c_culture_pass",
)  # fmt: skip
