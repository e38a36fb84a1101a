"""Contact verification codes: issued when an officer records a call, SMS or visit, checked by
residents on the public /verify page.

Only an HMAC of each code is stored (key: ``Settings.verification_secret``). A lookup does the
same work whether the code is right, wrong or expired — one HMAC, one index probe, one lookup
row, one audit entry — and a miss answers with the same status and body shape as a hit.
Guessing is throttled per client and across the whole code space (figures in
docs/verification.md).
"""

import hashlib
import hmac
import secrets
import unicodedata
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy.orm import Session

from fanzha.accounts import service as accounts
from fanzha.audit import service as audit
from fanzha.core.config import get_settings
from fanzha.core.errors import TooManyRequests, ValidationFailed
from fanzha.core.principal import Principal
from fanzha.core.ratelimit import TokenBucket
from fanzha.core.roles import Role
from fanzha.core.timeutil import to_local, utcnow
from fanzha.jurisdiction import service as jurisdiction
from fanzha.verification import repository as repo
from fanzha.verification import sms
from fanzha.verification.models import CodeLookup, ContactCode

CODE_DIGITS = 6
CHANNEL_LABELS = {"call": "电话", "sms": "短信", "visit": "上门"}
NOT_FOUND = "未查到记录：请挂断，并拨打 110 或 96110 核实"
NOT_FOUND_ADVICE = "真正的民警不会要求您转账、提供验证码或下载软件。"
FOUND_ADVICE = "请配合民警的劝阻；任何人要求您转账、提供验证码或下载软件，都是诈骗。"
_SPACE = "codes"
AUDIT_LABELS = {
    "verification.issue": "发出核验码",
    "verification.lookup": "群众核验",
    "verification.number_add": "登记官方号码",
    "verification.number_remove": "删除官方号码",
}


@dataclass(frozen=True)
class Limits:
    """Guessing limits. Defaults: one client may look up 10 codes at once, then one a minute; all
    clients together 300 an hour, so at most 7,200 of the 1,000,000 codes can be tried a day."""

    client: TokenBucket
    space: TokenBucket

    @classmethod
    def default(cls) -> "Limits":
        return cls(TokenBucket(rate=1 / 60, burst=10), TokenBucket(rate=300 / 3600, burst=300))


LIMITS = Limits.default()


@dataclass(frozen=True)
class Issued:
    """A new code, shown once to the officer who made the contact."""

    code: str
    expires_at: datetime
    unit_name: str


@dataclass(frozen=True)
class Answer:
    """What the resident may know; ``found`` is False alike for wrong and expired codes."""

    found: bool
    message: str
    advice: str


@dataclass(frozen=True)
class ContactView:
    """An issued code as officers see it on the warning: who, how, until when, and its lookups."""

    channel_label: str
    officer_label: str
    unit_name: str
    contacted_at: datetime
    expires_at: datetime
    lookups: list[datetime]


def _keyed(value: str) -> str:
    secret = get_settings().verification_secret.encode()
    return hmac.new(secret, value.encode(), hashlib.sha256).hexdigest()


def code_hash(code: str) -> str:
    return _keyed(f"code:{code}")


def client_tag(address: str) -> str:
    """Enough to count one client's lookups without keeping its address."""
    return _keyed(f"client:{address}")[:16]


def normalise_code(text: str) -> str:
    """Full-width digits, spaces and dashes as people type them; 6 digits or a field error."""
    code = "".join(ch for ch in unicodedata.normalize("NFKC", text) if ch not in " -")
    if len(code) != CODE_DIGITS or not code.isascii() or not code.isdigit():
        raise ValidationFailed.on("code", "核验码是 6 位数字，请对照短信或民警告知的号码重新输入")
    return code


def masked_officer(name: str) -> str:
    """ "张某某": the family name only, as the officer introduces themself on the phone."""
    return name[0] + "某" * min(2, max(1, len(name) - 1)) if name else "工作人员"


def _officer_label(session: Session, principal: Principal) -> tuple[str, str]:
    name = accounts.display_name(session, principal.id) if principal.kind == "user" else None
    role = Role(principal.role).label if principal.role in Role.__members__.values() else "工作人员"
    unit = jurisdiction.require_unit(session, principal.unit_id).name if principal.unit_id else "反诈中心"
    return f"{role} {masked_officer(name or '')}", unit


def issue(session: Session, warning_id: int, node_path: str, channel: str, principal: Principal) -> Issued:
    """A fresh code for one contact on one warning, unique among live codes; audited, never stored."""
    now = utcnow()
    officer, unit = _officer_label(session, principal)
    while True:
        code = f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"
        digest = code_hash(code)
        if repo.live_code(session, digest, now) is None:
            break
    expires = now + timedelta(hours=get_settings().verification_code_hours)
    row = ContactCode(
        code_hash=digest,
        warning_id=warning_id,
        node_path=node_path,
        channel=channel,
        officer_id=principal.id,
        officer_label=officer,
        unit_name=unit,
        contacted_at=now,
        expires_at=expires,
    )
    session.add(row)
    session.flush()
    after = {"warning_id": warning_id, "channel": channel, "expires_at": expires.isoformat()}
    audit.record(session, principal.actor, "verification.issue", "verification_code", row.id, None, after)
    return Issued(code, expires, unit)


def sms_text(issued: Issued, level: str, fraud_type: str) -> str:
    """The dissuasion SMS for this contact, carrying its code and no link."""
    return sms.render(issued.unit_name, level, fraud_type, issued.code)


def _throttle(limits: Limits, client: str) -> None:
    for bucket, key in ((limits.client, client), (limits.space, _SPACE)):
        wait = bucket.take(key)
        if wait > 0:
            raise TooManyRequests(
                f"核验查询过于频繁，请 {int(wait) + 1} 秒后再试，或直接拨打 96110 核实", int(wait) + 1
            )


_DECOY = ContactCode(
    unit_name="", officer_label="", channel="call", contacted_at=datetime(2026, 1, 1, tzinfo=UTC)
)


def describe(contact: ContactCode) -> str:
    at = to_local(contact.contacted_at)
    channel = CHANNEL_LABELS.get(contact.channel, "联系")
    return (
        f"这是{contact.unit_name} {contact.officer_label} 于 {at.month}月{at.day}日 {at:%H:%M} "
        f"的劝阻联系（{channel}）"
    )


def verify(
    session: Session, text: str, client_address: str, limits: Limits = LIMITS, now: datetime | None = None
) -> Answer:
    """The public answer for a code; a wrong and an expired code are indistinguishable."""
    client = client_tag(client_address)
    _throttle(limits, client)
    code = normalise_code(text)
    contact = repo.live_code(session, code_hash(code), now or utcnow())
    session.add(CodeLookup(code_id=contact.id if contact else None, client=client))
    session.flush()
    object_id = contact.id if contact else "-"
    found = {"found": contact is not None}
    audit.record(
        session, f"public:{client}", "verification.lookup", "verification_code", object_id, None, found
    )
    message = describe(contact or _DECOY)  # built on a miss too: the same work either way
    if contact is None:
        return Answer(False, NOT_FOUND, NOT_FOUND_ADVICE)
    return Answer(True, message, FOUND_ADVICE)


def contacts_for_warning(session: Session, warning_id: int, principal: Principal) -> list[ContactView]:
    """The codes issued on a warning and when residents checked them, within the principal's scope."""
    codes = [c for c in repo.codes_for_warning(session, warning_id) if principal.sees(c.node_path)]
    lookups = repo.lookup_times(session, [c.id for c in codes])
    return [
        ContactView(
            CHANNEL_LABELS.get(c.channel, c.channel),
            c.officer_label,
            c.unit_name,
            c.contacted_at,
            c.expires_at,
            lookups.get(c.id, []),
        )
        for c in codes
    ]
