"""The identifier normaliser: every way of writing one identifier gives one form."""

from hypothesis import given, settings
from hypothesis import strategies as st

from fanzha.clues.normalise import domain, normalise

FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")
digits = st.text("0123456789", min_size=8, max_size=19)
separators = st.sampled_from([" ", "-", "  ", "－", "\u3000", ""])


def _grouped(value: str, sep: str, size: int) -> str:
    return sep.join(value[i : i + size] for i in range(0, len(value), size))


@settings(deadline=None)  # a loaded machine must not fail a pure function on time
@given(digits, separators, st.integers(2, 6), st.booleans())
def test_account_groups_and_full_width_digits_mean_nothing(
    value: str, sep: str, size: int, wide: bool
) -> None:
    written = _grouped(value, sep, size)
    if wide:
        written = written.translate(FULL_WIDTH)
    assert normalise("bank_account", written) == value


@given(
    st.text("0123456789", min_size=10, max_size=10),
    st.sampled_from(["", "+86", "+86 ", "0086", "86"]),
    separators,
)
def test_mainland_phone_prefixes_and_separators_mean_nothing(rest: str, prefix: str, sep: str) -> None:
    number = "1" + rest
    written = prefix + _grouped(number, sep, 4)
    assert normalise("phone", written) == number
    assert normalise("phone", written.translate(FULL_WIDTH)) == number


@given(st.sampled_from(["http://", "https://", "HTTPS://", ""]), st.sampled_from(["", "www.", "m.", "a.b."]))
def test_url_becomes_its_registered_domain(scheme: str, sub: str) -> None:
    assert normalise("url", f"{scheme}{sub}Pay-X.com/login?id=3") == "pay-x.com"
    assert normalise("url", f"{scheme}{sub}pay-x.com.cn:8080/") == "pay-x.com.cn"


def test_chat_ids_apps_and_devices_ignore_case_and_spacing() -> None:
    assert normalise("wechat", " Scam_Boss ") == normalise("wechat", "scamboss")
    assert normalise("app", "金融 宝") == normalise("app", "金融宝")
    assert normalise("device", "86-1234-5678-9012-345") == "861234567890123 45".replace(" ", "")
    assert normalise("card", "6222 0200") == "62220200" and normalise("other", "x") == "x"
    assert domain("192.168.1.10:8000/x") == "192.168.1.10"
