"""Dissuasion SMS templates, by warning level and fraud type. Each carries the contact's
verification code and never a link: a resident checks the code on the /verify page they reach
themselves, or by calling 96110 (docs/verification.md lists every text)."""

from fanzha.core.vocab import FraudType

LEVEL_OPENINGS = {
    "high": "紧急提醒：您可能正在被诈骗，请立即停止转账！民警正在联系您，请接听来电。",
    "medium": "提醒：您可能正在遭遇电信网络诈骗，请暂停转账，注意接听民警来电。",
    "low": "提醒：近期电信网络诈骗多发，请提高警惕。",
}
TYPE_TIPS = {
    FraudType.REBATE_TASK: "网上刷单、点赞关注返利都是诈骗，先垫钱后返利的一律不要做。",
    FraudType.FAKE_CUSTOMER_SERVICE: "自称客服说要退款、理赔、取消会员的，请挂断后通过官方客服电话核实。",
    FraudType.FAKE_INVESTMENT: "网上“老师”带您投资、稳赚不赔的，都是诈骗。",
    FraudType.FAKE_LOAN: "放贷前要交解冻费、保证金的，都是诈骗。",
    FraudType.FAKE_CREDIT_REPAIR: "“注销学生贷账户”“修复征信”都是诈骗，征信不能花钱修改。",
    FraudType.FAKE_SHOPPING: "低价商品、私下交易要求先付款的，请走正规平台。",
    FraudType.IMPERSONATE_AUTHORITY: "公检法机关不会电话办案，不存在“安全账户”。",
    FraudType.IMPERSONATE_ACQUAINTANCE: "“领导”“熟人”借钱的，请先当面或打原号码核实。",
    FraudType.GAME_TRADING: "游戏账号、装备私下交易和“解冻账户”收费的，都是诈骗。",
    FraudType.ROMANCE: "网恋对象带您投资、赌博的，都是诈骗。",
    FraudType.IMPERSONATE_MILITARY: "自称部队采购、要求您先垫付货款的，都是诈骗。",
    FraudType.OTHER: "中奖、补贴、退税要先交钱的，都是诈骗。",
}
CLOSING = "本短信不含任何链接。核验码{code}，24小时内可在本市公安反诈“核验”页面输入，或拨打96110核实。"


def render(unit_name: str, level: str, fraud_type: str, code: str) -> str:
    """The SMS text for one contact; unknown levels and types read as low and other."""
    opening = LEVEL_OPENINGS.get(level, LEVEL_OPENINGS["low"])
    tip = TYPE_TIPS.get(
        FraudType(fraud_type) if fraud_type in FraudType.__members__.values() else FraudType.OTHER
    )
    return f"【{unit_name}】{opening}{tip}{CLOSING.format(code=code)}"
