"""The centre's alert templates: per fraud type, the trick in one sentence and what to do.

Written for residents from the rules in docs/domain (六个一律, 十个凡是); a centre edits them here.
"""

from fanzha.core.vocab import FraudType

# fraud type → (the trick, what to do)
TEMPLATES: dict[FraudType, tuple[str, str]] = {
    FraudType.REBATE_TASK: (
        "先让你点赞、关注、刷单拿小额返利，再以“连单”“卡单”为由要求大额垫付。",
        "凡是要你先垫钱的兼职刷单都是诈骗，立即停止转账。",
    ),
    FraudType.FAKE_CUSTOMER_SERVICE: (
        "冒充电商、快递客服，以退款理赔、取消“百万保障”为名，诱导共享屏幕或转账。",
        "退款理赔只走官方平台，不下载陌生软件、不共享屏幕、不透露验证码。",
    ),
    FraudType.FAKE_INVESTMENT: (
        "“老师”拉你进群荐股、炒币，先让你小赚，再诱你在虚假平台大额投入后无法提现。",
        "承诺高收益、稳赚不赔的投资都是诈骗，只在正规持牌机构理财。",
    ),
    FraudType.FAKE_LOAN: (
        "自称无抵押秒批贷款，再以解冻费、保证金、验资为由让你先转钱。",
        "正规贷款放款前不收任何费用，凡是先交钱的贷款都是诈骗。",
    ),
    FraudType.FAKE_CREDIT_REPAIR: (
        "谎称你的学生贷款账户要注销、否则影响征信，诱导你“清空额度”转账到指定账户。",
        "征信问题只向人民银行征信中心核实，不向任何个人账户转账。",
    ),
    FraudType.FAKE_SHOPPING: (
        "以低价商品、门票、证件、宠物为诱饵，诱你脱离平台私下付款后消失。",
        "购物坚持在正规平台下单付款，不私下转账。",
    ),
    FraudType.IMPERSONATE_AUTHORITY: (
        "冒充公安、检察院、法院或医保、税务人员，称你涉嫌洗钱或名下有异常，要求把钱转入“安全账户”。",
        "公检法不会电话办案，更没有“安全账户”，接到这类电话立即挂断并拨打 110 核实。",
    ),
    FraudType.IMPERSONATE_ACQUAINTANCE: (
        "用新号码冒充领导、老师或亲友，甚至用 AI 换脸视频，以急事为由借钱或要求代付。",
        "凡是网上借钱、代付，务必打电话或当面核实本人。",
    ),
    FraudType.GAME_TRADING: (
        "以低价买卖游戏账号、装备、半价充值为诱饵，再以“账号冻结需解冻”为由收费。",
        "游戏交易只在官方平台进行，不私下交易、不付“解冻费”。",
    ),
    FraudType.ROMANCE: (
        "网上“交友”培养感情后，诱你在所谓内部平台投资、博彩，越投越多无法提现（杀猪盘）。",
        "网恋对象带你投资、博彩，一定是诈骗，立即停止并报警。",
    ),
    FraudType.IMPERSONATE_MILITARY: (
        "冒充部队采购人员大量订货，再要求商家先垫付“指定供应商”的货款。",
        "遇到“部队采购”要求垫资，一律拒绝，并向当地武装部核实。",
    ),
    FraudType.OTHER: (
        "以中奖、补贴、“绑架”亲人、钓鱼链接等各种理由要你转账或填写银行卡信息。",
        "陌生来电、短信、链接涉及转账或验证码，一律不信、不点、不转。",
    ),
}

CLOSING = "如遇可疑情况，请拨打 96110 反诈专线咨询，或拨打 110 报警。"
