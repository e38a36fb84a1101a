"""The elements a fraud script combines, as named features the officer can read.

A fraud message claims an identity (police, customer service, a boss with any surname …),
gives a pretext (a suspected crime, a refund, task income …), and asks for an action (call a
number back, transfer, add a contact, tell a code …); a report of one tells the outcome. Each
element alone is common in genuine text; a claimed identity or a pretext *together with* an
action is the script. Both the elements and their pairs are features, so the model learns their
weights and a reason names them.
All patterns read the normalised text (``normalise.py``).
"""

from itertools import product

from fanzha.detect.rules import Hit, Rule, compiled, fire


def _e(code: str, label: str, pattern: str) -> Rule:
    return Rule(code, label, compiled(pattern))


# Common surnames: "我是吴总" is the same script as "我是王总".
_SURNAME = (
    "[王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任"
    "沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤]"
)
_TITLE = "(?:总|董|局|局长|处长|科长|主任|经理|老板|老师|校长|书记|厂长|院长|会计|行长|所长|总监|主管|师傅)"
_CH = r"[^。！？\n]"  # a character within the same sentence

IDENTITIES: tuple[Rule, ...] = (
    _e(
        "id.authority",
        "自称公检法或政府部门",
        r"公安|警官|民警|警察|派出所|刑侦|刑警|经侦|网警|检察|法院|法官|通缉|国家安全|国安|"
        r"税务|专管员|医保局|社保局|市场监管|银保监|金融监管|反洗钱|专案组|办案|交警|违章|车管所|12123|公积金中心|民政|政府|"
        r"证监会|信用中国|教育局|人社局|边防|网信办|未成年人保护中心|最高检|最高法|纪委|监委",
    ),
    _e(
        "id.service",
        "自称客服或平台工作人员",
        r"客服|售后|专员|工作人员|快递员|物流公司|理赔(?:员|中心|部)|VIP|会员|代理商|商家|店铺|小店|"
        r"(?:淘宝|京东|拼多多|抖音|快手|美团|支付宝|微信支付|闲鱼|携程|航空公司|12306)(?:官方|平台)?",
    ),
    _e(
        "id.bank",
        "自称银行或金融机构",
        r"银行|信用卡中心|银联|金融(?:公司|机构|平台)|贷款公司|网贷|借呗|花呗|微粒贷|金条|白条",
    ),
    _e(
        "id.acquaintance",
        "自称熟人、领导、老师或亲属",
        rf"我是{_CH}{{0,4}}(?:{_SURNAME}{_TITLE}|[你您]们?(?:的|单位|公司)?{_CH}{{0,3}}(?:领导|处长|局长|主任|经理|老板|上司|老师|班主任|同学|"
        r"朋友|同事|表[哥姐弟妹叔舅]|儿子|女儿|孙子|孙女|外孙|侄子|舅舅|叔叔|姑姑|亲戚|老乡|爸|妈)|(?:集团|公司|学校)?财务(?:总监|处|部)?|董事长)|"
        rf"{_SURNAME}{_TITLE}(?=[，,：:让叫说要在有这。！]|$)|[“\"](?:老板|领导|老总|董事长)[”\"]|"
        r"(?:新|换了?)(?:号|手机号|微信|QQ)|换号了|新换的|私人号|猜猜我是谁|老乡|老铁|(?:领导|老板|校长|董事长|局长)(?:让|叫|要|安排)|"
        r"^(?:爸|妈|爷爷|奶奶|外公|外婆|舅舅|姑姑)[，,！!]",
    ),
    _e(
        "id.lover",
        "网恋对象或交友身份",
        r"亲爱的|宝贝|老公|老婆|想你|网恋|交友|相亲|婚恋|男朋友|女朋友|异地恋|红娘|婚介|结婚|单身|约会|认识一下|"
        r"寂寞|附近的人|有缘人|离异|同城|美女|小姐姐|捧个场|成为朋友",
    ),
    _e(
        "id.military",
        "自称部队或军需采购",
        r"部队|军区|武警|军需|营区|连队|后勤|军人|战士|首长|采购员|驻军|某部|海警|舰艇|支队",
    ),
    _e(
        "id.platform",
        "投资、任务或博彩平台及其导师",
        r"平台|导师|分析师|老师带|带单|群主|投资顾问|交易所|博彩|彩票|派单员|接待员|任务员",
    ),
)

PRETEXTS: tuple[Rule, ...] = (
    _e(
        "pre.crime",
        "称涉嫌犯罪或被调查",
        r"涉嫌|洗钱|涉案|犯罪|通缉|逮捕|拘捕|协查|冻结令|非法集资|传唤|配合调查|立案|资金清查|"
        r"身份(?:信息)?被(?:冒用|盗用)|名下.{0,6}(?:卡|账户)|侦查|刑事责任|妨碍司法|案件|案子|间谍|国家机密|泄密|失信名单",
    ),
    _e(
        "pre.account",
        "称账户、银行卡或证件出了问题",
        r"(?:账户|账号|银行卡|卡号|信用卡|支付宝|微信|ETC|医保|社保|身份证|快递|订单|会员)"
        rf"{_CH}{{0,8}}(?:冻结|异常|风险|违规|限制|停用|注销|失效|被盗|封号|升级|过期|扣费|锁定|年检)|征信|校园贷|学生账户|"
        r"失信|黑名单|白户|信用记录|逾期记录|额度清零|停发",
    ),
    _e(
        "pre.refund",
        "称退款、理赔或补偿",
        r"退款|退费|退税|理赔|赔付|补偿|双倍赔偿|赔偿|快递.{0,6}(?:丢|损坏|破损)|质量问题|召回|多付|多扣|多缴|退还|原路退回|可以退",
    ),
    _e(
        "pre.loan",
        "贷款、额度或放款",
        r"贷款|借款|额度|放款|下款|无抵押|低息|秒批|审批通过|解冻费|银行流水|刷流水|信用分不足|套现|提额|信用贷|车贷|房贷",
    ),
    _e(
        "pre.task",
        "刷单、做任务或兼职收入",
        r"刷单|点赞|做任务|兼职|日结|返利|佣金|垫付|任务单|连单|打字员|手工活|关注.{0,6}(?:元|佣金)|提现|任务量|返佣|冲量|做单|接单|"
        r"(?:完成|还差|差)\s?[\d一二两三四五]\s?单|"
        r"日赚|躺赚|在家(?:赚|就能)|做数据|投入\d+返\d+|\d+返\d+|一小时\d+|挣钱|提成|拿不回来|前面的钱|再充|提不出|卡单|倍投",
    ),
    _e(
        "pre.mule",
        "出借账户、代收代付（跑分、洗钱）",
        r"跑分|代收|代付|收款码|出租.{0,6}(?:银行卡|账户|微信|支付宝|电话卡)|"
        r"收\s?\d+\s?(?:元|块)?(?:给你|返你|你拿)|借.{0,4}(?:卡|账户)用|收卡|收购.{0,6}(?:银行卡|电话卡|微信号|QQ号|账户)|"
        r"出租.{0,4}(?:微信号|QQ号|账号|手机卡)|走流水|刷脸认证|帮忙.{0,4}(?:收款|转账|取现)",
    ),
    _e(
        "pre.prize",
        "称中奖、领奖或领补贴",
        r"中奖|抽中|幸运|恭喜您?获得|大礼包|免费领取|积分.{0,6}(?:兑换|清零)|兑换礼品|领取.{0,6}(?:补贴|奖)|补贴|返现|低保|福利|奖励|红包|互助金|慈善|"
        r"兑换现金|领奖|奖品|二等奖|一等奖|发钱",
    ),
    _e(
        "pre.investment",
        "投资、理财或高回报",
        r"投资|理财|股票|牛股|内幕|收益|回报|稳赚|翻倍|数字货币|USDT|虚拟币|期货|外汇|上分|充值.{0,4}(?:返|送)|博彩|"
        r"涨停|荐股|主力|分红|原始股|认购|基金|满仓|券商|机构|期权|币圈|赔率|下注|竞猜|回本|打新|追加|投进去|赚了|"
        r"复牌|六合彩|开奖|押庄|本金|年化|还本|体验金|入金|百倍|早进早赚|矿机|挖矿|拉盘|庄家|杠杆|MT[45]|带单|内部单|跟一单|众筹",
    ),
    _e(
        "pre.shopping",
        "低价商品、代购或订金",
        r"低价|代购|内部价|特价|清仓|原价|订金|定金|包邮|二手|转让|预售|囤货|下单|代办|代考|包过|包拿证|内部渠道|优惠|门票|"
        r"演唱会|回收|以旧换新|卖家|运费|中转|开箱|免考|拿证|发票|学历提升|文凭|指标|员工价|工厂直|不走平台|私下交易|先款|"
        r"驾照分|消分|查人|找人服务|代购",
    ),
    _e(
        "pre.game",
        "游戏账号、装备或点券交易",
        r"游戏|皮肤|装备|点券|代练|账号交易|买号|卖号|收号|出号|解封|王者|和平精英|原神|吃鸡|英雄联盟|上号|换绑|验号|代抽|648",
    ),
    _e(
        "pre.trouble",
        "称亲友出事、急需用钱",
        r"出事|被抓|被拘|住院|车祸|手术|急需|救急|打架|取保|保释|急用钱|周转|绑架|扣了|放人",
    ),
)

CHANNELS: tuple[Rule, ...] = (
    _e(
        "ch.threat",
        "以曝光隐私相威胁",
        r"曝光|裸照|视频已录|录下|不雅|通讯录已|后果自负|发给你的?(?:家人|通讯录)|视频.{0,4}在我手|不想被(?:传播|曝光|公开)|"
        r"(?:发|传)到网上|你儿子在我们手|不许报警|不准报警",
    ),
    _e(
        "ch.urgent",
        "制造紧迫感",
        r"立即|马上|尽快|24小时|今天之内|逾期|否则|限时|过期|最后一天|抓紧|赶紧|紧急|立刻|仅限今|先到先得|名额有限|\d小时内",
    ),
    _e(
        "ch.secret",
        "要求保密",
        r"保密|不要告诉|别告诉|不能告诉|不准告诉|不要声张|不要跟.{0,4}说|别跟.{0,6}说|机密|别打电话|不能提",
    ),
)

ACTIONS: tuple[Rule, ...] = (
    _e(
        "act.call",
        "要求回电或拨打号码",
        r"(?:拨打|致电|回拨|回电|来电|打电话|电话联系|请打|请拨|速拨|联系电话|热线|详询|咨询)[^。\n]{0,8}\d|回电话|回个电话|"
        r"(?:请|速|立即|马上)回电",
    ),
    _e(
        "act.click",
        "要求点链接或登录网站",
        r"点击|点开|戳|打开.{0,6}(?:链接|网址|网站)|登录|登陆|访问|进入.{0,4}(?:网站|链接|网址)|复制.{0,6}(?:链接|网址)|"
        r"https?://|www\.|点此|入口|扫描二维码|扫码|二维码|点\s?[a-z0-9-]+\.[a-z]{2,}|按页面提示|填写信息|申领",
    ),
    _e(
        "act.transfer",
        "要求转账、汇款或缴费",
        r"转账|汇款|打款|转入|转到|转给|打钱|存入|缴纳|支付(?!宝)|付款|垫付|充值|汇到|转(?:\d|一下|过来)|"
        r"交.{0,4}(?:费|保证金|押金|定金|订金)|打到.{0,6}(?:卡|账户)|借.{0,4}钱|先交|先款|先付|付尾款|购物卡|借我|转钱|"
        r"充.{0,4}进去|下注|转我|补交|再付|交钱|诚意金|押金|赶快充|给我.{0,4}(?:块|元)|加.{0,3}[\d一二三四五六七八九十百千万]+块|"
        r"付.{0,3}(?:全款|运费|保险费|定金|订金|材料费|办理费)|办理费|先付款|入金|交给.{0,6}(?:上门|来人|民警|便衣|保管)|上门.{0,4}取",
    ),
    _e(
        "act.contact",
        "要求加微信、QQ、好友或进群",
        r"加.{0,3}(?:微信|QQ|好友|群)|私信|进群|入群|拉你进|扫码加|联系我|添加.{0,6}(?:微信|QQ|好友)|微信[:：]|QQ[:：]|"
        r"QQ群|详聊|私聊|LINE|Telegram|飞机号|TG[:：]|顾问|加我|滴滴我|找我|群号|拉我进|留(?:下)?(?:你的)?(?:微信|电话|联系方式)|"
        r"微信\s?[a-z][a-z0-9_-]{4,}|QQ\s?\d{5,}",
    ),
    _e("act.download", "要求下载或安装APP", r"下载|安装|APP|客户端|软件"),
    _e(
        "act.reply",
        "要求回复短信参与",
        r"回复\s?[“\"「]|回复\s?\d|回复[^\n]{0,2}(?:参与|领取|办理|借|确认)|"
        r"回复?\s?(?!t)[a-z0-9]\s?(?:参与|领取|办理|确认|了解|查询|报名|申请|即可)",
    ),
    _e(
        "act.screen",
        "要求共享屏幕或开会议",
        r"共享屏幕|屏幕共享|分享屏幕|开(?:个|一下)?会议|会议号|腾讯会议|向日葵|远程|ToDesk|TeamViewer|打开摄像头|对着镜头",
    ),
    _e(
        "act.code",
        "要求说出验证码",
        r"(?:告诉|提供|发给|报给|念|说一下|转发|截图|发我|发过来|留)[^。\n]{0,8}验证码|验证码[^。\n]{0,8}(?:告诉|发给|给我|报|发我|发过来|就行)",
    ),
    _e(
        "act.card",
        "索要卡号、密码或证件",
        r"(?:提供|告诉|发|报|填写|输入|把|留|登记|拍|填)[^。\n]{0,8}(?:卡号|密码|身份证|银行卡|CVV|安全码|开户行|U盾)|开户行和卡号",
    ),
)

# What a third-person report (a police record, a 96110 note) says instead of the script's request:
# the victim was deceived and lost money.
OUTCOMES: tuple[Rule, ...] = (
    _e(
        "out.loss",
        "叙述被骗经过或钱款损失",
        r"被骗|骗走|骗取|共计损失|损失(?:人民币|现金|\d)|上当|对方失联|联系不上|(?:被|将其|把我)拉黑|冒充|自称",
    ),
)

ELEMENTS: tuple[Rule, ...] = (*IDENTITIES, *PRETEXTS, *CHANNELS, *ACTIONS, *OUTCOMES)
_LABEL = {e.code: e.label for e in ELEMENTS}
PAIRS: tuple[tuple[str, str], ...] = tuple(
    (a.code, b.code) for a, b in product((*IDENTITIES, *PRETEXTS), ACTIONS)
)


def pair_code(first: str, second: str) -> str:
    return f"{first}×{second}"


def label(code: str) -> str:
    """The Chinese name of an element or of a pair ("自称公检法或政府部门 + 要求转账、汇款或缴费")."""
    if "×" in code:
        first, second = code.split("×")
        return f"{_LABEL[first]} + {_LABEL[second]}"
    return _LABEL[code]


def find(text: str) -> list[Hit]:
    """Each element found in the (normalised) text, at its first match."""
    return fire(text, ELEMENTS)


def pairs(found: list[Hit]) -> list[str]:
    """The identity×action and pretext×action pairs present."""
    codes = {f.rule.code for f in found}
    actions = [c for c in codes if c.startswith("act.")]
    return sorted(pair_code(c, a) for c in codes if c.startswith(("id.", "pre.")) for a in actions)


PAIR_CODES = tuple(pair_code(a, b) for a, b in PAIRS)
