"""The registers a text can be written in. Kept apart from the corpus loader so that
`fanzha check` and the detector read them without the web stack the loader's errors bring."""

from typing import Literal, get_args

# How the text is written: operator SMS, social post or ad, chat, call transcript, or a
# third-person case report. Detection must hold in each, so evaluation reports each apart.
Register = Literal["sms", "social", "chat", "call", "report"]
REGISTERS: tuple[str, ...] = get_args(Register)
REGISTER_LABELS = {
    "sms": "短信",
    "social": "社交平台帖子或广告",
    "chat": "聊天",
    "call": "通话",
    "report": "案情或报警记录",
}
_REGISTER_ALIASES = {"narrative": "report"}


def parse_register(value: object) -> str | None:
    """A register as callers write it ("SMS", "narrative") in its one spelling; None when not given.
    Raises ValueError with the Chinese line to show for a register that does not exist."""
    name = str(value or "").strip().lower() or None
    name = _REGISTER_ALIASES.get(name or "", name)
    if name is not None and name not in REGISTERS:
        raise ValueError(f"未知的文体 {name}（应为 {'/'.join(REGISTERS)}）")
    return name
