"""The project-wide codes from domain.md: fraud types, technique tags, victim groups.

API, files, models and statistics all use these codes; the Chinese labels are for people.
"""

from fanzha.core.labels import LabelledEnum


class FraudType(LabelledEnum):
    REBATE_TASK = "rebate_task", "刷单返利"
    FAKE_CUSTOMER_SERVICE = "fake_customer_service", "冒充电商物流客服"
    FAKE_INVESTMENT = "fake_investment", "虚假网络投资理财"
    FAKE_LOAN = "fake_loan", "贷款、代办信用卡"
    FAKE_CREDIT_REPAIR = "fake_credit_repair", "虚假征信"
    FAKE_SHOPPING = "fake_shopping", "虚假购物、服务"
    IMPERSONATE_AUTHORITY = "impersonate_authority", "冒充公检法及政府机关"
    IMPERSONATE_ACQUAINTANCE = "impersonate_acquaintance", "冒充领导、熟人"
    GAME_TRADING = "game_trading", "网络游戏产品虚假交易"
    ROMANCE = "romance", "网络婚恋、交友"
    IMPERSONATE_MILITARY = "impersonate_military", "冒充军警购物类"
    OTHER = "other", "其他"


class TechniqueTag(LabelledEnum):
    SCREEN_SHARING = "screen_sharing", "共享屏幕"
    AI_FACE_SWAP = "ai_face_swap", "AI换脸"
    OVERSEAS_CALL = "overseas_call", "境外来电"
    REMOTE_CONTROL_APP = "remote_control_app", "远程控制软件"
    FAKE_APP_DOWNLOAD = "fake_app_download", "虚假APP下载"
    QR_CODE = "qr_code", "扫描二维码"
    VERIFICATION_CODE_THEFT = "verification_code_theft", "索要验证码"
    PHISHING_LINK = "phishing_link", "钓鱼链接"
    SAFE_ACCOUNT = "safe_account", "安全账户"
    PREPAYMENT = "prepayment", "先付款/垫付"


class VictimGroup(LabelledEnum):
    STUDENT = "student", "学生"
    ELDERLY = "elderly", "老年人"
    YOUNG_MOTHER = "young_mother", "宝妈"
    WORKER = "worker", "在职人员"
    ENTREPRENEUR = "entrepreneur", "个体经营者"
    OTHER = "other", "其他"


# Kinds of contact identifier (a warning's evidence, a case's suspect identifiers) as officers read them.
IDENTIFIER_LABELS = {
    "phone": "号码",
    "bank_account": "账户",
    "url": "网址",
    "app": "App",
    "wechat": "微信",
    "qq": "QQ",
    "other": "其他",
}
