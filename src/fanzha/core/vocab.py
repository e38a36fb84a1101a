"""The project-wide codes from domain.md: fraud types, technique tags, victim groups.

API, files, models and statistics all use these codes; the Chinese labels are for people.
"""

from enum import StrEnum


class FraudType(StrEnum):
    REBATE_TASK = "rebate_task"
    FAKE_CUSTOMER_SERVICE = "fake_customer_service"
    FAKE_INVESTMENT = "fake_investment"
    FAKE_LOAN = "fake_loan"
    FAKE_CREDIT_REPAIR = "fake_credit_repair"
    FAKE_SHOPPING = "fake_shopping"
    IMPERSONATE_AUTHORITY = "impersonate_authority"
    IMPERSONATE_ACQUAINTANCE = "impersonate_acquaintance"
    GAME_TRADING = "game_trading"
    ROMANCE = "romance"
    IMPERSONATE_MILITARY = "impersonate_military"
    OTHER = "other"

    @property
    def label(self) -> str:
        return FRAUD_TYPE_LABELS[self]


FRAUD_TYPE_LABELS = {
    FraudType.REBATE_TASK: "刷单返利",
    FraudType.FAKE_CUSTOMER_SERVICE: "冒充电商物流客服",
    FraudType.FAKE_INVESTMENT: "虚假网络投资理财",
    FraudType.FAKE_LOAN: "贷款、代办信用卡",
    FraudType.FAKE_CREDIT_REPAIR: "虚假征信",
    FraudType.FAKE_SHOPPING: "虚假购物、服务",
    FraudType.IMPERSONATE_AUTHORITY: "冒充公检法及政府机关",
    FraudType.IMPERSONATE_ACQUAINTANCE: "冒充领导、熟人",
    FraudType.GAME_TRADING: "网络游戏产品虚假交易",
    FraudType.ROMANCE: "网络婚恋、交友",
    FraudType.IMPERSONATE_MILITARY: "冒充军警购物类",
    FraudType.OTHER: "其他",
}


class TechniqueTag(StrEnum):
    SCREEN_SHARING = "screen_sharing"
    AI_FACE_SWAP = "ai_face_swap"
    OVERSEAS_CALL = "overseas_call"
    REMOTE_CONTROL_APP = "remote_control_app"
    FAKE_APP_DOWNLOAD = "fake_app_download"
    QR_CODE = "qr_code"
    VERIFICATION_CODE_THEFT = "verification_code_theft"
    PHISHING_LINK = "phishing_link"
    SAFE_ACCOUNT = "safe_account"
    PREPAYMENT = "prepayment"

    @property
    def label(self) -> str:
        return TAG_LABELS[self]


TAG_LABELS = {
    TechniqueTag.SCREEN_SHARING: "共享屏幕",
    TechniqueTag.AI_FACE_SWAP: "AI换脸",
    TechniqueTag.OVERSEAS_CALL: "境外来电",
    TechniqueTag.REMOTE_CONTROL_APP: "远程控制软件",
    TechniqueTag.FAKE_APP_DOWNLOAD: "虚假APP下载",
    TechniqueTag.QR_CODE: "扫描二维码",
    TechniqueTag.VERIFICATION_CODE_THEFT: "索要验证码",
    TechniqueTag.PHISHING_LINK: "钓鱼链接",
    TechniqueTag.SAFE_ACCOUNT: "安全账户",
    TechniqueTag.PREPAYMENT: "先付款/垫付",
}


class VictimGroup(StrEnum):
    STUDENT = "student"
    ELDERLY = "elderly"
    YOUNG_MOTHER = "young_mother"
    WORKER = "worker"
    ENTREPRENEUR = "entrepreneur"
    OTHER = "other"

    @property
    def label(self) -> str:
        return GROUP_LABELS[self]


GROUP_LABELS = {
    VictimGroup.STUDENT: "学生",
    VictimGroup.ELDERLY: "老年人",
    VictimGroup.YOUNG_MOTHER: "宝妈",
    VictimGroup.WORKER: "在职人员",
    VictimGroup.ENTREPRENEUR: "个体经营者",
    VictimGroup.OTHER: "其他",
}
