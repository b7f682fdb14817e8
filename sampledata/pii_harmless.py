"""Comments without a personal identifier: the phrases readers repeat, comments composed from
parts (mostly distinct), and comments with harmless numbers (prices, years, ratings, counts,
dates, versions, the paper's own hotline) that a careless recognizer takes for an identifier."""

from __future__ import annotations

from sampledata.pii_values import Rng, digits, pick

COMMON = {
    "ko": ("기사 잘 읽었습니다", "경제면이 더 자세했으면 좋겠어요", "북한 소식 항상 감사합니다",
           "앱이 조금 느려요", "스포츠 기사가 좋아요", "좋아요", "별로예요", "광고가 너무 많아요",
           "항상 잘 보고 있습니다 감사해요", "글씨가 좀 더 컸으면 좋겠어요", "특별한 의견 없습니다",
           "북한 관련 심층 기사 더 부탁드려요", "기자님 수고 많으셨습니다", "사설이 너무 편향적이에요",
           "푸른 바다 사진이 정말 예뻐요", "행복한 하루 되세요", "로그인이 자주 풀려요",
           "댓글 기능 좀 개선해 주세요", "뉴스레터 잘 받아보고 있어요", "문화면 기사가 재미있어요",
           "모바일에서 사진이 잘 안 보여요 확인 부탁드립니다", "북한 경제 관련 분석 기사가 특히 유익했습니다",
           "기사 하단 광고 때문에 글이 잘 안 읽혀요", "종이신문도 계속 발행해 주셨으면 좋겠습니다",
           "설문 문항이 너무 많아서 조금 힘들었어요", "정치 기사는 좀 더 중립적으로 써주세요",
           "항상 좋은 기사 써주셔서 감사합니다 응원합니다", "앱 알림이 너무 자주 와서 꺼버렸어요"),
    "en": ("Great coverage of the economy this week", "Please add more world news",
           "The app crashes on my phone", "Love the culture section", "Nothing to add, thanks",
           "Too many ads on the mobile site", "Keep up the good work",
           "More North Korea analysis please", "The newsletter is great",
           "Fonts are too small on the app"),
}  # fmt: skip

# Lower-case fields are harmless numbers, filled by `harmless_numbers`.
WITH_NUMBERS = {
    "ko": ("{price}원이면 구독할게요", "구독료 {price}원은 비싸요", "{year}년부터 구독 중입니다",
           "별점 {n}개 드려요", "기사 {n}개 읽었어요", "{month}월 {day}일 기사에 오타 있어요",
           "제{n}회 퀴즈 정답은 {n}번이요", "앱 버전 {version}에서 오류가 나요",
           "{pct}% 할인 쿠폰 감사합니다", "오후 {n}시 뉴스 재방송 해주세요",
           "{year}년 대선 기사 다시 보고 싶어요", "{score}점 드립니다", "한 달에 {price}원 정도면 적당해요",
           "{n}년째 애독자예요", "경기 결과 {n}:{n} 맞나요?", "{date} 기사 링크가 깨졌어요",
           "{minutes}분 동안 로딩만 돼요", "고객센터 {hotline} 연결이 안 돼요",
           "앱 v{version}.{n} 업데이트 후 느려요"),
    "en": ("3 stars", "{n} stars, the app is fine", "I read {n} articles a day",
           "Subscribed since {year}", "Worth {dollars} dollars a month at most", "Page {n} had a typo",
           "iOS {version} crashes", "{pct}% of the stories are about Seoul",
           "The {year} election coverage was great", "Rated {score} out of 5",
           "{n} out of 10 would recommend", "The {date} story has a broken link",
           "app v{version}.{n} logs me out"),
}  # fmt: skip

# Slots of composed comments: opener, section, kind, intensifier, remark, ending.
PARTS = {
    "ko": (("오늘", "어제", "요즘", "이번 주", "매일", "가끔", "주말에", "출근길에", "퇴근하고",
            "아침마다", "점심시간에", "오랜만에", "솔직히", "개인적으로", "항상", "요새"),
           ("경제", "북한", "스포츠", "문화", "국제", "정치", "사회", "연예", "과학", "부동산",
            "날씨", "건강"),
           ("기사", "뉴스", "칼럼"),
           ("정말 ", "너무 ", "꽤 ", "좀 ", "아주 ", "진짜 ", "", "많이 "),
           ("잘 봤어요", "좋았어요", "아쉬웠어요", "길었어요", "재미있었어요", "유익했어요",
            "기다려져요", "별로였어요", "읽기 편했어요", "어려웠어요", "감동이었어요",
            "지루했어요", "도움이 됐어요", "공감돼요", "새로웠어요", "궁금했어요"),
           ("", ".", "!", "!!", "~", "ㅎㅎ", "ㅋㅋ", "^^", "ㅠㅠ", "...", " 감사합니다",
            " 수고하세요")),
    "en": (("Today", "Lately", "This week", "Every morning", "Over the weekend", "Honestly",
            "Yesterday", "As always"),
           ("economy", "North Korea", "sports", "culture", "world", "politics", "society",
            "science", "property", "weather", "health", "tech"),
           ("stories", "news", "columns"),
           ("really ", "", "quite ", "so ", "very ", "a bit "),
           ("good", "long", "useful", "boring", "helpful", "interesting", "thin", "fair"),
           ("", ".", "!", "!!", " :)", " thanks")),
}  # fmt: skip


def harmless_numbers(rng: Rng) -> dict[str, str]:
    """Values for the lower-case fields of WITH_NUMBERS."""
    price = int(rng.integers(1, 60)) * 500
    year, month, day = (int(rng.integers(*r)) for r in ((1990, 2027), (1, 13), (1, 29)))
    return {
        "price": f"{price:,}" if rng.random() < 0.7 else str(price),
        "year": str(year),
        "n": str(int(rng.integers(1, 31))),
        "month": str(month),
        "day": str(day),
        "date": pick(rng, (f"{year}.{month}.{day}", f"{year}-{month:02d}-{day:02d}")),
        "version": f"{int(rng.integers(3, 18))}.{int(rng.integers(0, 10))}",
        "pct": str(int(rng.integers(5, 80))),
        "score": f"{rng.integers(1, 5)}.{rng.integers(0, 10)}",
        "minutes": str(int(rng.integers(2, 60))),
        "dollars": str(int(rng.integers(2, 30))),
        "hotline": f"1588-{digits(rng, 4)}",
    }


def with_numbers(rng: Rng, lang: str) -> str:
    return pick(rng, WITH_NUMBERS[lang]).format(**harmless_numbers(rng))


def composed(rng: Rng) -> str:
    """A comment composed from parts, now and then with a number: mostly distinct at scale."""
    lang = "ko" if rng.random() < 0.75 else "en"
    opener, section, kind, very, remark, end = (pick(rng, part) for part in PARTS[lang])
    text = (f"{opener} {section} {kind} {very}{remark}{end}" if lang == "ko" else
            f"{opener} the {section} {kind} were {very}{remark}{end}")  # fmt: skip
    u = rng.random()
    if u < 0.3:
        return f"{text} {with_numbers(rng, lang)}"
    return f"{text} {pick(rng, COMMON[lang])}" if u < 0.7 else text
