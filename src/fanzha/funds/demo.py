"""Demo step: statements with mule chains around recent cases, requests in every state, 断卡 list.

Times run back from the moment the demo is built, so the 48-hour countdowns and expiry warnings
are live; each earlier month has money stopped, frozen and returned (bulletins have money figures).
"""

from collections.abc import Sequence
from dataclasses import replace
from datetime import date, datetime, timedelta
from decimal import Decimal
from random import Random

from sqlalchemy.orm import Session

from fanzha.cases.demo import id_number
from fanzha.cases.schemas import CaseBrief
from fanzha.cases.service import recent_cases
from fanzha.core.demo_clock import HISTORY_MONTHS, month_start
from fanzha.core.demo_context import DemoContext
from fanzha.core.principal import Principal, system_principal
from fanzha.core.timeutil import as_utc
from fanzha.funds import punishment, service
from fanzha.funds.importer import COLUMNS, import_statement
from fanzha.funds.models import FundRequest
from fanzha.funds.schemas import AckIn, DecisionIn, FollowUpIn, HoldIn, PunishedIn
from fanzha.funds.store import TransactionStore

TRACED_CASES = 12
NOISE_ACCOUNTS = 300
NOISE_TRANSFERS = 4000


def _account(rng: Random) -> str:
    return f"62{rng.randint(10**16, 10**17 - 1)}"


class _Statements:
    """Statement lines (as the sender's bank reports them) in the documented import columns."""

    def __init__(self, rng: Random, banks: list[str]) -> None:
        self.rng, self.banks = rng, banks
        self.bank_of: dict[str, str] = {}
        self.lines: list[list[str]] = []

    def send(self, src: str, dst: str, cents: int, at: datetime) -> None:
        bank = self.bank_of.setdefault(src, self.rng.choice(self.banks))
        self.bank_of.setdefault(dst, self.rng.choice(self.banks))
        amount = f"{Decimal(cents) / 100:.2f}"
        channel = self.rng.choice(["网银", "手机银行", "第三方支付", "ATM"])
        self.lines.append(
            [src, dst, bank, "out", amount, "", at.replace(microsecond=0).isoformat(), channel, ""]
        )

    def chain(self, start: str, cents: int, at: datetime, depth: int, bank: str | None = None) -> list[str]:
        """Split the money over 2–4 mules, each passing most of it on within minutes to hours;
        ``bank``: the first mule's bank (the random draw still happens, so the rest is unchanged)."""
        if depth == 0 or cents < 50_000:
            return []
        mules = [_account(self.rng) for _ in range(self.rng.randint(2, 4))]
        if bank is not None:
            self.bank_of[mules[0]] = bank
        share = cents // len(mules)
        for mule in mules:
            when = at + timedelta(minutes=self.rng.randint(3, 240))
            self.send(start, mule, share, when)
            kept = share * self.rng.randint(5, 30) // 100
            self.chain(mule, share - kept, when, depth - 1)
        return mules

    def csv(self) -> bytes:
        rows = [",".join(COLUMNS)] + [",".join(line) for line in self.lines]
        return ("\n".join(rows) + "\n").encode()


def _transactions(ctx: DemoContext, cases: Sequence[CaseBrief]) -> dict[int, tuple[str, str, str]]:
    """Writes the statements; returns per case (victim account, first mule, its bank)."""
    rng = ctx.rng
    st = _Statements(rng, sorted(ctx.banks))
    noise = [_account(rng) for _ in range(NOISE_ACCOUNTS)]
    for _ in range(NOISE_TRANSFERS):
        a, b = rng.sample(noise, 2)
        st.send(a, b, rng.randint(1_000, 2_000_000), ctx.now - timedelta(minutes=rng.randint(0, 30 * 1440)))
    heads = {}
    # The first mules (the accounts the requests stop) rotate over the banks in case order, so each
    # bank's liaison has requests to see (ICBC's, user bank, one near expiry; CCB's, bank2, one fresh).
    rank = {case.id: i for i, case in enumerate(sorted(cases, key=lambda c: c.id))}
    for case in cases:
        victim = _account(rng)
        cents = int(case.loss_amount * 100)
        bank = st.banks[rank[case.id] % len(st.banks)]
        first = st.chain(victim, cents, case.occurred_at, depth=3, bank=bank)
        if first:
            heads[case.id] = (victim, first[0], st.bank_of[first[0]])
        for mule in first:  # mules also move other people's money, as real ones do
            st.send(
                rng.choice(noise), mule, rng.randint(10_000, 500_000), case.occurred_at - timedelta(hours=2)
            )
    store = TransactionStore()
    with store.connect() as con:
        con.execute("DELETE FROM tx WHERE batch LIKE 'demo%'")
    import_statement(store, st.csv(), "demo.csv", "system:0:demo", batch_prefix="demo-")
    return heads


MAKER = system_principal(name="演示民警")
CHECKER = system_principal(name="演示审批民警")
# Cases per earlier month whose money was stopped, frozen and returned within that month.
HISTORY_CASES_PER_MONTH = 2


def _bank(code: str) -> Principal:
    return replace(
        system_principal(name=f"演示{code}驻点"), bank_code=code, permissions=frozenset({"funds.bank"})
    )


def _backdate(req: FundRequest, at: datetime) -> None:
    """The service stamps request and decision with the real clock; in the demo both came before ``at``."""
    req.requested_at = at - timedelta(minutes=40)
    if req.decided_at is not None:
        req.decided_at = at - timedelta(minutes=25)


def _stop(
    session: Session, case_id: int, account: str, code: str, state: str, at: datetime, executed: Decimal
) -> FundRequest:
    """A stop-payment requested, then decided and (``in_effect``) carried out by the bank at ``at``."""
    data = HoldIn(case_id=case_id, bank_code=code, account=account, amount=Decimal("20000.00").max(executed))
    req = service.request_hold(session, data, MAKER)
    if state != "requested":
        service.decide(session, req.id, DecisionIn(approve=state != "rejected"), CHECKER)
    if state == "in_effect":
        ack = AckIn(executed_amount=executed, balance_found=executed)
        service.acknowledge(session, req.id, ack, _bank(code), now=at)
    _backdate(req, at)
    return req


def _carry(session: Session, hold: FundRequest, kind: str, code: str, at: datetime) -> FundRequest:
    """A follow-up (freeze, release, return) of a hold in effect, carried out by the bank at ``at``."""
    follow = service.follow_up(session, hold.id, FollowUpIn(kind=kind), MAKER)
    service.decide(session, follow.id, DecisionIn(approve=True), CHECKER)
    executed = hold.executed_amount or Decimal(0)
    service.acknowledge(
        session, follow.id, AckIn(executed_amount=executed, balance_found=executed), _bank(code), now=at
    )
    _backdate(follow, at)
    return follow


def _requests(session: Session, heads: dict[int, tuple[str, str, str]], now: datetime) -> None:
    """Requests around the latest cases in every state, timed so the 48-hour countdowns run live."""
    plan = [
        "requested",
        "approved",
        "rejected",
        "fresh",
        "near_expiry",
        "expired",
        "freeze",
        "released",
        "returned",
    ]
    executed = Decimal("18650.40")
    for (case_id, (_, mule, code)), state in zip(sorted(heads.items()), plan, strict=False):
        if state in ("requested", "approved", "rejected"):
            _stop(session, case_id, mule, code, state, now - timedelta(hours=1), executed)
        elif state in ("fresh", "near_expiry", "expired"):
            hours = {"fresh": 1, "near_expiry": 40, "expired": 50}[state]
            _stop(session, case_id, mule, code, "in_effect", now - timedelta(hours=hours), executed)
        else:
            hold = _stop(session, case_id, mule, code, "in_effect", now - timedelta(hours=20), executed)
            freeze = _carry(session, hold, "freeze", code, now)
            if state != "freeze":
                _carry(session, freeze, "release" if state == "released" else "return", code, now)
    service.tick(session, now)


def _history(session: Session, ctx: DemoContext) -> int:
    """In each earlier month of the history, money stopped, frozen and returned to victims within
    the month, so that every month's bulletin has money figures and a year-on-year change."""
    rng, banks, count = ctx.rng, sorted(ctx.banks), 0
    for back in range(1, HISTORY_MONTHS + 1):
        start = month_start(ctx.now, back)
        per_month = HISTORY_CASES_PER_MONTH * ctx.scale
        for case in recent_cases(session, start, per_month, until=start + timedelta(days=20)):
            at = as_utc(case.occurred_at) + timedelta(hours=rng.uniform(1, 6))
            code, share = rng.choice(banks), Decimal(rng.randint(20, 90)) / 100
            executed = (case.loss_amount * share).quantize(Decimal("0.01"))
            hold = _stop(session, case.id, _account(rng), code, "in_effect", at, executed)
            freeze = _carry(session, hold, "freeze", code, at + timedelta(hours=2))
            _carry(session, freeze, "return", code, at + timedelta(days=3))
            count += 1
    return count


def _listed(session: Session, ctx: DemoContext) -> int:
    rng = ctx.rng
    count = 8 * ctx.scale
    for _ in range(count):
        station = rng.choice(ctx.stations)
        start = date(2024, 1, 1) + timedelta(days=rng.randint(0, 1000))
        data = PunishedIn(
            id_number=id_number(rng, station.code[:6], rng.randint(1975, 2005)),
            name=rng.choice("王李张刘陈杨黄赵") + rng.choice("伟芳娜敏静丽强磊"),
            reason=rng.choice(["出售本人银行卡", "出租手机卡用于引流", "出借对公账户", "收购他人银行卡"]),
            node_code=station.code,
            starts_on=start,
        )
        punishment.list_person(session, data, system_principal(name="demo"))
    return count


def build(session: Session, ctx: DemoContext) -> None:
    cases = recent_cases(session, ctx.now - timedelta(days=10), TRACED_CASES * ctx.scale)
    heads = _transactions(ctx, cases)
    _requests(session, heads, ctx.now)
    returned = _history(session, ctx)
    listed = _listed(session, ctx)
    ctx.summary.append(
        f"资金：{len(heads)} 起案件的流水与跑分链路（另有 {NOISE_TRANSFERS} 笔背景交易），"
        f"止付冻结请求覆盖全部状态，此前 {HISTORY_MONTHS} 个月止付、冻结并返还 {returned} 起，"
        f"断卡惩戒名单 {listed} 人"
    )
