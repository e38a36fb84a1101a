"""One spelling per word before any feature is computed.

Fraud posts dodge filters with full-width letters, traditional characters, separators inside
words ("刷.单"), emoji ("➕V") and sound-alike spellings of the contact words ("薇信", "Q裙",
"嘉我"). Features read the normalised text; ``Normalised.span`` maps a match back to the
original, so a reason still points at what the person actually wrote.
"""

import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from fanzha.detect import starts

_SEP = r"[ \t\u3000.·・•*_\-|/\\~～丶]"
_ZERO_WIDTH = re.compile("[\u200b-\u200f\u2060\ufeff]")
_CJK = r"[\u4e00-\u9fff]"
# Up to two separator characters between two Chinese characters ("刷.单", "刷 单", "兼*职").
_INNER_SEP = re.compile(rf"(?<={_CJK}){_SEP}{{1,2}}(?={_CJK})")
_LEADING_TAG = re.compile(r"^\s*(?:[【\[]([^】\]\n]{1,12})[】\]]\s*)+")
_TRAILING_TAG = re.compile(r"\s*[【\[]([^】\]\n]{1,12})[】\]]\s*$")

# Sound-alike and look-alike spellings of the words fraud scripts hide, in one spelling.
# Ordered: longer, more specific spellings first. A pictograph stands for a word only where it
# does not sit inside one ("领💰" is 领钱; "账💰户" is 账户 with an emoji thrown in).
_SPELLINGS: tuple[tuple[str, str], ...] = (
    (r"[+➕✚加嘉][ \t:：]?(?:[vV]|薇|威|卫)(?:信|x|X)?(?![A-Za-z])", "加微信"),
    (r"(?:薇|威|徽|卫|[vV])(?:信|芯|❤)|(?<![A-Za-z])(?:vx|VX|Vx|vX|wx|WX|Wx)(?![A-Za-z])", "微信"),
    (r"(?<![A-Za-z])[vV](?=[:：])|薇(?=[:：])", "微信"),
    (r"[+➕✚加嘉][ \t]?[qQ](?![A-Za-z])", "加QQ"),
    (r"(?:[qQ]|扣扣|抠抠)[裙群](?![A-Za-z])|企鹅群", "QQ群"),
    (r"扣扣|抠抠|企鹅号|(?<![A-Za-z])[qQ](?=[:：])|扣(?=[:：]\s?\d)|🐧", "QQ"),
    (r"[加嘉]我[ \t]?(?:[vV]|薇|威|卫)(?:信|x|X)?(?![A-Za-z])", "加我微信"),
    (r"嘉(?=我(?!们)|好友)", "加"),
    (r"[➕✚]", "加"),
    (r"(?:私|丝)(?=我(?!们))|(?<![A-Za-z])[sS](?=我)", "私信"),
    (r"(?:唰|涮|[sS]hua)(?:单|dan|丹)|刷(?:dan|丹|蛋|旦)", "刷单"),
    (r"兼(?:zhi|值|只)|(?:监|尖)职", "兼职"),
    (r"(?:反|饭)(?:利|li)|返li", "返利"),
    (r"点(?:zan|攒|👍)", "点赞"),
    (r"跑(?:fen|粉)", "跑分"),
    (r"(?:拥|勇)金|佣jin", "佣金"),
    (r"(?:代|袋|dai)款(?=.{0,6}(?:额度|下款|放款|利息|无抵押|审批|秒批|征信))", "贷款"),
    (r"(?:砖|専)(?:账|帐)|转zhang|转帐", "转账"),
    (r"菠菜|菠[cC]", "博彩"),
    (r"日(?:jie|洁)(?=[，,。！!\s]|$)", "日结"),
    (r"(?<![A-Za-z])[yY][hH][kK](?![A-Za-z])|yh卡", "银行卡"),
    (rf"(?<!{_CJK})[💰💵💴🧧]|[💰💵💴🧧](?!{_CJK})", "钱"),
    (rf"(?<!{_CJK})[📞☎📱]|[📞☎📱](?!{_CJK})", "电话"),
    (r"🔗", "链接"),
    (r"帐(?=户|号|单)", "账"),
)
# A contact id or number written in Chinese digits ("扣扣：三三七八二九一零四五"): six or more in a
# row are a number, not words.
_CHINESE_DIGITS = re.compile("[零〇一二三四五六七八九]{6,}")
_DIGIT_OF = str.maketrans("零〇一二三四五六七八九", "00123456789")
# Digits masked as x by whoever shared the text ("热线xxxxxxxx", "138xxxx5678", "x月x日"): the
# masked digits are still a number, and a run of x beside a word reads like a made-up contact id.
# A run of two or more, or one before a unit; never part of a Latin word ("box", "XXL").
_MASKED_DIGITS = re.compile(r"(?<![A-Za-z])(?:x{2,}|x(?=[年月日号时点分秒元块万千百折%]))(?![A-Za-z])")
_SPELLING = re.compile("|".join(f"({p})" for p, _ in _SPELLINGS))
# Pictographs carry no words here: dropped, like separators.
_EMOJI = re.compile("[\U0001f000-\U0001faff\u2600-\u27bf\u2b00-\u2bff\ufe0f\u200d]")


@lru_cache(maxsize=1)
def _char_table() -> dict[int, str]:
    """Full-width → half-width and traditional → simplified, character by character.

    The traditional table is OpenCC's (Apache-2.0, shipped by opencc-python-reimplemented); a
    character is mapped to its first simplified form, which is right for the words that matter here.
    """
    table: dict[int, str] = {0x3000: " "}
    # Letters, digits and the signs of ids and links; Chinese punctuation (，：！) stays as it is.
    for code in [*range(0xFF10, 0xFF1A), *range(0xFF21, 0xFF3B), *range(0xFF41, 0xFF5B)]:
        table[code] = chr(code - 0xFEE0)
    for code in (0xFF0B, 0xFF0D, 0xFF0E, 0xFF0F, 0xFF20, 0xFF3F):
        table[code] = chr(code - 0xFEE0)
    source = resources.files("opencc").joinpath("dictionary/TSCharacters.txt")
    for line in source.read_text(encoding="utf-8").splitlines():
        trad, _, simple = line.partition("\t")
        first = simple.split(" ")[0]
        if len(trad) == 1 and len(first) == 1 and trad != first:
            table[ord(trad)] = first
    for hanzi, fixed in (("妳", "你"), ("帳", "账")):
        table[ord(hanzi)] = fixed
    return table


@dataclass(frozen=True)
class Normalised:
    """The normalised text and, for each of its characters, where it came from in the original."""

    original: str
    text: str
    origin: tuple[int, ...]  # len(text) + 1 entries; the last is len(original)
    sender: str  # the 【sender】 tag's words, "" when there is none
    body: tuple[int, int]  # the span of ``text`` without the sender tag

    def span(self, start: int, end: int) -> tuple[int, int]:
        """The original text's span for ``text[start:end]``."""
        if start >= end:
            return self.origin[start], self.origin[start]
        return self.origin[start], self.origin[end - 1] + 1


def _replace(text: str, origin: list[int], step: "_Step") -> tuple[str, list[int]]:
    """Apply a substitution, keeping for each output character the origin of what it replaced."""
    pattern, at, repl = step
    matches = list(starts.finditer(pattern, at, text))
    if not matches:
        return text, origin
    out: list[str] = []
    where: list[int] = []
    last = 0
    for m in matches:
        out.append(text[last : m.start()])
        where += origin[last : m.start()]
        new = repl(m) if callable(repl) else str(repl)
        out.append(new)
        # Spread the new characters over the ones they replace, the last on the last, so a
        # span of the new word covers all of what was written ("➕V" for "加微信").
        if new:
            last_in = m.end() - 1
            where += [origin[min(m.start() + k, last_in)] for k in range(len(new) - 1)]
            where.append(origin[last_in])
        last = m.end()
    out.append(text[last:])
    where += origin[last:]
    return "".join(out), where


def _digits(m: re.Match[str]) -> str:
    return m.group().translate(_DIGIT_OF)


def _unmasked(m: re.Match[str]) -> str:
    return "0" * len(m.group())


def _spelling(m: re.Match[str]) -> str:
    return _SPELLINGS[(m.lastindex or 1) - 1][1]


_Step = tuple[re.Pattern[str], re.Pattern[str] | None, object]
# Each substitution with the characters its matches start with (``starts``): the spellings
# pattern alone, tried at every position, took most of the normalising time.
_STEPS: tuple[_Step, ...] = tuple(
    (pattern, starts.starts_pattern(pattern), repl)
    for pattern, repl in (
        (_ZERO_WIDTH, ""),
        (_CHINESE_DIGITS, _digits),
        (_MASKED_DIGITS, _unmasked),
        (_SPELLING, _spelling),
        (_EMOJI, ""),
        (_INNER_SEP, ""),
    )
)


def normalise(text: str) -> Normalised:
    converted = text.translate(_char_table())
    origin = list(range(len(text)))
    for step in _STEPS:
        converted, origin = _replace(converted, origin, step)
    start, end, sender = 0, len(converted), ""
    leading = _LEADING_TAG.match(converted)
    if leading:
        start, sender = leading.end(), leading.group(1)
    trailing = _TRAILING_TAG.search(converted, start)
    if trailing:
        end, sender = trailing.start(), sender or trailing.group(1)
    return Normalised(text, converted, (*origin, len(text)), sender, (start, end))


def has_masked_digits(original: str) -> bool:
    """Whether the normaliser read x-masked digits here: a number found in them is not a real
    number, so it must not be shown or looked up as one."""
    return _MASKED_DIGITS.search(original) is not None


def without_sender(n: Normalised) -> str:
    """The text the n-grams and rules read: a 【sender】 tag is whatever the sender typed, so its
    words are no sign of a genuine notice (or of a fraud); the elements still read the identity
    it claims."""
    return n.text[n.body[0] : n.body[1]]
