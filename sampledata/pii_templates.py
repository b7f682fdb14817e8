"""Survey comments that quote an identifier, in Korean and English. `{TYPE}` marks where a
value of that entity type goes; Korean templates glue particles (으로, 로, 에서, 님이, 입니다)
directly after many of them, as people type."""

from __future__ import annotations

KO, EN = "ko", "en"
ENTITY_TYPES = ("PERSON", "NICKNAME", "EMAIL_ADDRESS", "PHONE_NUMBER", "KR_RRN", "KR_FRN",
                "KR_PASSPORT", "KR_DRIVER_LICENSE", "KR_BRN", "CREDIT_CARD", "IP_ADDRESS")  # fmt: skip

TEMPLATES: dict[str, dict[str, tuple[str, ...]]] = {
    "PERSON": {
        KO: ("제 이름은 {PERSON}입니다", "{PERSON} 드림", "저는 {PERSON}이에요. 구독 3년째예요",
             "{PERSON}님이 당첨자 맞나요?", "당첨자 {PERSON}님께 전달 부탁해요", "신청자: {PERSON}",
             "{PERSON}입니다. 경품 배송 확인 부탁드려요", "응모자 {PERSON}, 잘 부탁드립니다",
             "{PERSON}이고요 배송이 안 왔어요"),
        EN: ("I am {PERSON}, a reader since 2019", "Regards, {PERSON}", "This is {PERSON} from Busan",
             "{PERSON} here, love the paper", "Name: {PERSON}", "Please send the prize to {PERSON}"),
    },
    "NICKNAME": {
        KO: ("{NICKNAME} 입니다. 당첨되면 알려주세요", "닉네임 {NICKNAME}로 응모했어요",
             "아이디 {NICKNAME}입니다", "{NICKNAME}님 댓글에 동의해요", "{NICKNAME}으로 로그인이 안 돼요",
             "퀴즈 정답 맞힌 {NICKNAME}예요"),
        EN: ("my id is {NICKNAME}", "username: {NICKNAME}", "posted as {NICKNAME} yesterday",
             "{NICKNAME} here, the quiz answer is 3"),
    },
    "EMAIL_ADDRESS": {
        KO: ("이메일 {EMAIL_ADDRESS}로 보내주세요", "경품은 {EMAIL_ADDRESS} 로 부탁드려요",
             "{EMAIL_ADDRESS}으로 연락 부탁드립니다", "메일주소는 {EMAIL_ADDRESS}입니다",
             "{EMAIL_ADDRESS}에서 뉴스레터가 안 와요", "연락처 {EMAIL_ADDRESS}"),
        EN: ("Contact me at {EMAIL_ADDRESS}", "email: {EMAIL_ADDRESS}",
             "send it to {EMAIL_ADDRESS} thanks", "my address is {EMAIL_ADDRESS}."),
    },
    "PHONE_NUMBER": {
        KO: ("연락 주세요 {PHONE_NUMBER}", "{PHONE_NUMBER}으로 연락 바랍니다",
             "경품 받을 번호 {PHONE_NUMBER}로 부탁해요", "연락처 {PHONE_NUMBER}입니다",
             "{PHONE_NUMBER} 여기로 문자 주세요", "핸드폰 {PHONE_NUMBER}", "{PHONE_NUMBER}로 전화주세요",
             "사무실 {PHONE_NUMBER}에 연락 부탁"),
        EN: ("Reach me on {PHONE_NUMBER} please", "call {PHONE_NUMBER}", "my number is {PHONE_NUMBER}",
             "phone: {PHONE_NUMBER}", "text me at {PHONE_NUMBER} about the prize"),
    },
    "KR_RRN": {
        KO: ("주민번호 {KR_RRN} 맞나요?", "본인확인: {KR_RRN}", "주민등록번호는 {KR_RRN}입니다",
             "{KR_RRN}으로 인증했는데 안 돼요", "생년월일 확인용 {KR_RRN}", "주민번호 {KR_RRN}로 가입함"),
        EN: ("my RRN is {KR_RRN}", "resident registration number {KR_RRN}",
             "ID {KR_RRN} for the prize", "verification failed with {KR_RRN}"),
    },
    "KR_FRN": {
        KO: ("외국인등록번호 {KR_FRN}입니다", "외국인번호 {KR_FRN}로 가입했어요",
             "{KR_FRN} 외국인인데 인증이 안돼요", "등록번호 {KR_FRN}으로 확인 부탁드립니다"),
        EN: ("my foreigner registration number is {KR_FRN}", "FRN {KR_FRN}",
             "I'm not Korean, my ID is {KR_FRN}", "alien registration {KR_FRN} does not verify"),
    },
    "KR_PASSPORT": {
        KO: ("여권번호 {KR_PASSPORT}입니다", "여권 {KR_PASSPORT}로 본인인증", "{KR_PASSPORT} 확인 부탁드려요",
             "여행 이벤트 응모, 여권번호는 {KR_PASSPORT}", "{KR_PASSPORT} 여권으로 가입했어요"),
        EN: ("passport number {KR_PASSPORT}", "my passport: {KR_PASSPORT}",
             "Passport {KR_PASSPORT} for the travel prize", "booked with {KR_PASSPORT}"),
    },
    "KR_DRIVER_LICENSE": {
        KO: ("운전면허 {KR_DRIVER_LICENSE}", "면허번호 {KR_DRIVER_LICENSE}입니다",
             "운전면허번호는 {KR_DRIVER_LICENSE}이에요", "{KR_DRIVER_LICENSE} 면허증으로 인증했어요",
             "신분증은 운전면허 {KR_DRIVER_LICENSE}로 할게요"),
        EN: ("driver's license {KR_DRIVER_LICENSE}", "Korean driver license number: {KR_DRIVER_LICENSE}",
             "license no. {KR_DRIVER_LICENSE}", "verified with {KR_DRIVER_LICENSE}"),
    },
    "KR_BRN": {
        KO: ("사업자등록번호 {KR_BRN}입니다", "사업자번호 {KR_BRN}로 세금계산서 부탁드려요",
             "광고 문의, 사업자 {KR_BRN}", "{KR_BRN} 사업자로 구독 신청했어요",
             "세금계산서 발행: {KR_BRN}"),
        EN: ("business registration number {KR_BRN}", "BRN: {KR_BRN} for the invoice",
             "our company ({KR_BRN}) wants to advertise", "invoice to {KR_BRN} please"),
    },
    "CREDIT_CARD": {
        KO: ("카드번호 {CREDIT_CARD}로 결제했는데 두 번 빠졌어요", "{CREDIT_CARD} 카드 환불해주세요",
             "결제 카드 {CREDIT_CARD}입니다", "구독료가 {CREDIT_CARD}에서 빠져나갔어요"),
        EN: ("card number {CREDIT_CARD} was charged twice", "refund to {CREDIT_CARD} please",
             "my visa {CREDIT_CARD}", "charged on {CREDIT_CARD} without notice"),
    },
    "IP_ADDRESS": {
        KO: ("{IP_ADDRESS}에서 접속하면 안 열려요", "아이피 {IP_ADDRESS}로 차단된 것 같아요",
             "IP {IP_ADDRESS}인데 로그인이 안 돼요", "회사 {IP_ADDRESS}에서는 접속 불가"),
        EN: ("blocked from {IP_ADDRESS}", "my IP is {IP_ADDRESS}",
             "the site does not load from {IP_ADDRESS}", "login fails on {IP_ADDRESS}"),
    },
}  # fmt: skip

MULTI: dict[str, tuple[str, ...]] = {
    KO: ("{PERSON}입니다. 연락처는 {PHONE_NUMBER}이고 이메일은 {EMAIL_ADDRESS}입니다",
         "{NICKNAME} / {EMAIL_ADDRESS}", "이름 {PERSON}, 주민번호 {KR_RRN}",
         "{PERSON}님 여권번호 {KR_PASSPORT}로 예약 부탁", "{NICKNAME}인데 {PHONE_NUMBER}로 연락주세요",
         "사업자 {KR_BRN}, 담당자 {PERSON}", "{PERSON} {PHONE_NUMBER}"),
    EN: ("Name {PERSON}, phone {PHONE_NUMBER}", "I'm {PERSON} ({EMAIL_ADDRESS})",
         "{NICKNAME} - reach me at {EMAIL_ADDRESS}", "{PERSON}, card {CREDIT_CARD}, charged twice"),
}  # fmt: skip
