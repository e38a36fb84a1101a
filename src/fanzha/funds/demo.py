"""Demo step: statements with mule chains around recent cases, requests in every state, 断卡 list.

Hold times run from the real clock (not the demo's fixed "now"), so the 48-hour countdowns
and expiry warnings are live when the console is opened.
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
from fanzha.core.demo_context import DemoContext
from fanzha.core.principal import Principal, system_principal
from fanzha.core.timeutil import utcnow
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


def _requests(session: Session, heads: dict[int, tuple[str, str, str]]) -> None:
    maker = system_principal(name="演示民警")
    checker = system_principal(name="演示审批民警")
    now = utcnow()

    def bank(code: str) -> Principal:
        return replace(
            system_principal(name=f"演示{code}驻点"), bank_code=code, permissions=frozenset({"funds.bank"})
        )

    def stop(case_id: int, account: str, code: str, state: str, acked_hours_ago: float = 1) -> FundRequest:
        data = HoldIn(case_id=case_id, bank_code=code, account=account, amount=Decimal("20000.00"))
        req = service.request_hold(session, data, maker)
        if state in ("requested",):
            return req
        service.decide(session, req.id, DecisionIn(approve=state != "rejected"), checker)
        if state in ("approved", "rejected"):
            return req
        ack = AckIn(executed_amount=Decimal("18650.40"), balance_found=Decimal("18650.40"))
        return service.acknowledge(
            session, req.id, ack, bank(code), now=now - timedelta(hours=acked_hours_ago)
        )

    def carry(hold: FundRequest, kind: str, code: str) -> FundRequest:
        follow = service.follow_up(session, hold.id, FollowUpIn(kind=kind), maker)
        service.decide(session, follow.id, DecisionIn(approve=True), checker)
        ack = AckIn(
            executed_amount=hold.executed_amount or Decimal(0),
            balance_found=hold.executed_amount or Decimal(0),
        )
        return service.acknowledge(session, follow.id, ack, bank(code), now=now)

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
    for (case_id, (_, mule, code)), state in zip(sorted(heads.items()), plan, strict=False):
        if state in ("requested", "approved", "rejected"):
            stop(case_id, mule, code, state)
        elif state == "fresh":
            stop(case_id, mule, code, "in_effect")
        elif state == "near_expiry":
            stop(case_id, mule, code, "in_effect", acked_hours_ago=40)
        elif state == "expired":
            stop(case_id, mule, code, "in_effect", acked_hours_ago=50)
        else:
            freeze = carry(stop(case_id, mule, code, "in_effect", 20), "freeze", code)
            if state != "freeze":
                carry(freeze, "release" if state == "released" else "return", code)
    service.tick(session, now)


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
    _requests(session, heads)
    listed = _listed(session, ctx)
    ctx.summary.append(
        f"资金：{len(heads)} 起案件的流水与跑分链路（另有 {NOISE_TRANSFERS} 笔背景交易），"
        f"止付冻结请求覆盖全部状态，断卡惩戒名单 {listed} 人"
    )
