"""The rules people are taught (六个一律, 十个凡是) and the centre's own patterns, as
features. Each rule is a named pattern; the model learns how much each one weighs,
and a rule that fired becomes a reason the officer can read."""

import re
from dataclasses import dataclass
from typing import NamedTuple

from fanzha.core.vocab import TechniqueTag as G
from fanzha.detect.starts import Scan


@dataclass(frozen=True)
class Rule:
    code: str
    label: str
    pattern: re.Pattern[str]
    tag: G | None = None


_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")
_ASCII_UPPER = re.compile("[A-Z]")
_UPPER_OUTSIDE_ESCAPES = re.compile(r"\\.|\(\?P|[A-Z]")


def compiled(pattern: str, flags: int = 0) -> re.Pattern[str]:
    """The pattern, matching ASCII letters in either case, for ``fire``.

    ``fire`` lower-cases the text's ASCII letters (same length, so spans hold) and the pattern's
    letters are lower-cased here (escapes such as ``\\D`` kept): a case-sensitive search over
    Chinese text is several times faster than ``re.IGNORECASE``, which folds every character.
    """
    lowered = _UPPER_OUTSIDE_ESCAPES.sub(
        lambda m: m.group() if len(m.group()) > 1 else m.group().lower(), pattern
    )
    return re.compile(lowered, flags)


def _r(code: str, label: str, pattern: str, tag: G | None = None) -> Rule:
    return Rule(code, label, compiled(pattern, re.DOTALL), tag)


_ = r".{0,20}"  # a short gap between the two halves of a pattern

RULES: tuple[Rule, ...] = (
    # 六个一律
    _r(
        "six.bank_card",
        "六个一律：电话里谈及银行卡（冻结、异常、涉案）",
        rf"(银行卡|卡号|账户){_}(冻结|异常|涉嫌|涉案|止付|风险|升级|注销)",
    ),
    _r(
        "six.safe_account",
        "六个一律：“安全账户”一律是诈骗",
        r"安全账户|资金清查|清查账户|核查账户|国家账户|监管账户",
        G.SAFE_ACCOUNT,
    ),
    _r(
        "six.sms_link",
        "六个一律：短信让点链接",
        rf"(点击|登录|打开|进入|访问|复制){_}(链接|网址|网站|http|www\.)",
        G.PHISHING_LINK,
    ),
    _r(
        "six.authority_money",
        "六个一律：自称公检法、税务或医保要求转账",
        rf"(公安|警官|民警|检察|法院|税务|医保局|社保局|通缉){_}(转账|汇款|缴纳|保证金|罚款|资金|打款)",
    ),
    _r(
        "six.prize",
        "六个一律：称“中奖”",
        rf"(中奖|抽中|幸运(用户|观众|粉丝)|获得{_}(奖|大礼)|恭喜您获得)",
    ),
    # 十个凡是
    _r(
        "ten.high_return",
        "十个凡是：承诺高额回报、稳赚不赔",
        r"稳赚|保本保息|高额回报|高收益|日收益|躺赚|内幕|稳赚不赔|翻倍|带单|收益率|日赚",
    ),
    _r(
        "ten.refund",
        "十个凡是：无故退税、退款、理赔",
        rf"(退税|退费|退款|理赔|赔付|补偿){_}(点击|链接|加|联系|操作|扫码|下载|提供|共享)",
    ),
    _r(
        "ten.pay_first",
        "十个凡是：先交钱才能领奖、领补贴、放款",
        rf"(手续费|保证金|解冻费|激活费|税费|服务费|会员费|押金|诚意金|验资|工本费){_}(先|才能|方可|后|即可)|先(交|付|转|垫)",
        G.PREPAYMENT,
    ),
    _r(
        "ten.relative_trouble",
        "十个凡是：亲友出事急需用钱",
        rf"(出事|被抓|被拘|住院|车祸|打架|急需|救急|手术){_}(转账|打钱|汇款|借|转我|转给)",
    ),
    _r(
        "ten.card_details",
        "十个凡是：索要银行卡号、密码",
        r"(卡号|银行卡)[^。]{0,10}(密码|有效期|CVV|安全码)|(提供|告诉|发我){_}(卡号|密码)",
    ),
    _r(
        "ten.online_banking",
        "十个凡是：要求开通网银接受检查",
        rf"(网银|网上银行|手机银行){_}(检查|核查|清查|验证)",
    ),
    _r(
        "ten.insurance_cert",
        "十个凡是：陌生链接认证医保社保",
        rf"(医保|社保|公积金){_}(认证|激活|异常|失效|停用|补贴|领取)",
    ),
    _r(
        "ten.warrant",
        "十个凡是：网上查看“通缉令”",
        r"通缉令|逮捕令|拘捕令|协查通报|冻结令",
    ),
    _r(
        "ten.ask_code",
        "十个凡是：索要验证码",
        rf"(告诉|提供|发给|报给|念|说一下|转发|截图){_}验证码|验证码{_}(告诉|提供|发给|报给|发我|给我)",
        G.VERIFICATION_CODE_THEFT,
    ),
    _r(
        "ten.register_card",
        "十个凡是：陌生网站注册、绑定银行卡",
        rf"(注册|绑定|填写){_}(银行卡|身份证){_}(网站|链接|平台|APP)",
    ),
    # The centre's own patterns for the big types
    _r(
        "type.task",
        "刷单返利话术（点赞、做任务、垫付、日结）",
        r"刷单|点赞|关注.{0,6}(元|佣金)|做任务|任务单|垫付|日结|返利|佣金|连单|兼职",
    ),
    _r(
        "type.credit",
        "虚假征信话术（注销校园贷、影响征信）",
        r"征信|校园贷|学生账户|注销.{0,8}(账户|贷款|金条|白条)",
    ),
    _r(
        "type.loan",
        "贷款诈骗话术（无抵押、秒批、解冻费）",
        r"无抵押|秒批|秒到账|低息|免息|放款|额度.{0,6}(秒|高)|贷款.{0,10}(解冻|保证金|流水)",
    ),
    _r(
        "type.service",
        "冒充客服话术（快递丢件、百万保障、会员扣费）",
        r"快递.{0,8}(丢|理赔)|百万保障|自动扣费|会员.{0,6}(扣费|取消)|ETC.{0,8}(失效|认证)|航班.{0,8}(取消|改签)",
    ),
    _r(
        "type.game",
        "游戏交易诈骗话术（账号、皮肤、充值）",
        r"游戏.{0,10}(账号|装备|皮肤|点券|充值)|皮肤|点券|代练|解冻.{0,4}(账号|账户)",
    ),
    _r(
        "type.military",
        "冒充军警采购话术",
        r"部队|军需|武警|营区|军人|连队|后勤",
    ),
    _r(
        "type.acquaintance",
        "冒充熟人、领导（新号、换号）",
        r"(我是|这是我).{0,6}(领导|[\u4e00-\u9fff](总|局|董)|老板|老师|局长|主任)|新(号|微信|QQ)|换号|猜猜我是谁",
    ),
    _r(
        "type.romance",
        "网络交友话术（亲爱的、见面、带你赚钱）",
        r"亲爱的|宝贝|老婆|老公|见面|交友|相亲|婚恋|裸聊",
    ),
    # Techniques
    _r(
        "tag.screen",
        "要求共享屏幕或开会议",
        r"共享屏幕|屏幕共享|开(个|一下)?会议|会议号|进入会议",
        G.SCREEN_SHARING,
    ),
    _r(
        "tag.app",
        "诱导下载陌生APP",
        r"下载.{0,10}(APP|app|软件|客户端)|安装.{0,6}(APP|软件)",
        G.FAKE_APP_DOWNLOAD,
    ),
    _r("tag.qr", "诱导扫码", r"扫码|二维码|扫一扫", G.QR_CODE),
    _r("tag.secret", "要求保密、不要告诉家人", r"保密|不要告诉|别告诉|不能告诉|不要声张"),
    _r("tag.urgent", "制造紧迫感", r"立即|马上|尽快|24小时内|否则|逾期|限时|过期作废|最后一天"),
    # Warnings about fraud are not fraud
    _r(
        "ctx.warning",
        "反诈提醒语境（警方、银行或亲友提醒）",
        r"警方提醒|反诈提醒|温馨提示|谨防|提高警惕|切勿|请勿|不要轻信|凡是.{0,20}(都是|均为|一律).{0,4}(诈骗|骗子|骗局)|是诈骗|是骗子|骗子|反诈中心|防骗|上当受骗|挂了|差点被骗|不要相信|请注意防范|不会.{0,10}(索要|要求|让您)|"
        # "我把他拉黑了" warns; "被拉黑", "将其拉黑", "把我拉黑" is what a victim reports.
        r"(?<![被其我])拉黑|劝阻|多留个心眼|不受法律保护|不承诺|(不需要|无需|不用)(交|付|缴)|不收取任何|没有先收费|不会(向您|向你)?(要|收取)",
    ),
    _r(
        "ctx.code_notice",
        "正规验证码短信（请勿泄露）",
        r"验证码.{0,30}(请勿|切勿|不要).{0,6}(泄露|告诉|提供)|(请勿|切勿|不要).{0,6}(泄露|告诉).{0,10}验证码",
    ),
)


class Hit(NamedTuple):
    """Where a rule matched. A named tuple: a message makes a dozen or more of these, and a
    frozen dataclass took twice as long to make."""

    rule: Rule
    start: int
    end: int


# Each rule list's scan, built on its first use (``fire`` takes any list): id → (list, scan).
_SCANS: dict[int, tuple[tuple[Rule, ...], Scan]] = {}


def _scan(rules: tuple[Rule, ...]) -> Scan:
    kept = _SCANS.get(id(rules))
    if kept is None or kept[0] is not rules:
        kept = _SCANS[id(rules)] = (rules, Scan([r.pattern for r in rules]))
    return kept[1]


def fire(text: str, rules: tuple[Rule, ...] = RULES) -> list[Hit]:
    """Each rule that matches, at its first match. One pass over the text finds where each
    rule's match could begin (``starts.Scan``); a rule is searched only from there, and most
    rules are not searched at all."""
    if _ASCII_UPPER.search(text):  # translating Chinese text is slow; most has no capitals
        text = text.translate(_ASCII_LOWER)
    hits = []
    for i, start in sorted(_scan(rules).starts(text).items()):
        rule = rules[i]
        m = rule.pattern.search(text, start)
        if m:
            hits.append(Hit(rule, m.start(), m.end()))
    return hits
