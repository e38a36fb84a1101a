"""Demo step: cases registered directly (walk-in reports) over the demo's 13 months of history,
two of them earlier today (and two in the same hours a year before) so the dashboard's today
and this-month figures and their year-on-year change are never empty.

Cases that follow from defrauded warnings are added by the warnings step through
``register_case``; these are the rest, so statistics and tracing have history to show.
"""

from datetime import datetime, timedelta
from decimal import Decimal
from random import Random

from sqlalchemy.orm import Session

from fanzha.cases.schemas import CaseIn, SuspectIdentifier
from fanzha.cases.service import register_cases_bulk
from fanzha.core.demo_clock import earlier_today, history_days, year_earlier
from fanzha.core.demo_context import DemoContext
from fanzha.core.demo_names import GIVEN, SURNAMES
from fanzha.core.principal import system_principal
from fanzha.core.vocab import FraudType, TechniqueTag, VictimGroup

CASES_PER_MONTH = 30
CASES_TODAY = 2
# Roughly the mix domain.md reports: rebate tasks about a third, then investment, loans, customer service.
TYPE_WEIGHTS = {
    FraudType.REBATE_TASK: 33,
    FraudType.FAKE_INVESTMENT: 14,
    FraudType.FAKE_LOAN: 10,
    FraudType.FAKE_CUSTOMER_SERVICE: 12,
    FraudType.IMPERSONATE_AUTHORITY: 6,
    FraudType.ROMANCE: 6,
    FraudType.GAME_TRADING: 4,
    FraudType.FAKE_SHOPPING: 5,
    FraudType.FAKE_CREDIT_REPAIR: 3,
    FraudType.IMPERSONATE_ACQUAINTANCE: 4,
    FraudType.IMPERSONATE_MILITARY: 1,
    FraudType.OTHER: 2,
}


def id_number(rng: Random, area: str, birth_year: int) -> str:
    """Shaped like a resident ID (area, birth date, serial); the check digit is not computed."""
    return f"{area}{birth_year}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}{rng.randint(0, 9999):04d}"


def demo_case(ctx: DemoContext, occurred_at: datetime) -> CaseIn:
    rng = ctx.rng
    grid = rng.choice(ctx.grids)
    age = rng.randint(16, 82)
    group = (
        VictimGroup.STUDENT
        if age < 23
        else VictimGroup.ELDERLY
        if age >= 60
        else rng.choice(list(VictimGroup))
    )
    loss = Decimal(
        rng.choice([rng.randint(500, 9_000), rng.randint(10_000, 80_000), rng.randint(100_000, 600_000)])
    )
    idents = [
        SuspectIdentifier(kind="phone", value=f"1{rng.randint(30, 99)}{rng.randint(0, 99_999_999):08d}"),
        SuspectIdentifier(kind="bank_account", value=f"62{rng.randint(10**16, 10**17 - 1)}"),
    ]
    if rng.random() < 0.4:
        idents.append(
            SuspectIdentifier(
                kind="url",
                value=f"http://www.{rng.choice(['pay', 'task', 'vip'])}-{rng.randint(10**5, 10**6)}.cn",
            )
        )
    return CaseIn(
        occurred_at=occurred_at,
        node_code=grid.code,
        fraud_type=rng.choices(list(TYPE_WEIGHTS), weights=list(TYPE_WEIGHTS.values()))[0],
        tags=rng.sample(list(TechniqueTag), rng.randint(0, 2)),
        loss_amount=loss + Decimal(rng.randint(0, 99)) / 100,
        victim_name=rng.choice(SURNAMES) + "".join(rng.choices(GIVEN, k=rng.randint(1, 2))),
        victim_phone=f"1{rng.choice([38, 39, 58, 86, 77])}{rng.randint(0, 99_999_999):08d}",
        victim_id_number=id_number(rng, grid.code[:6], ctx.now.year - age),
        victim_age=age,
        victim_group=group,
        suspect_identifiers=idents,
        summary="群众报案（演示数据）",
    )


def build(session: Session, ctx: DemoContext) -> None:
    rng, days = ctx.rng, history_days(ctx.now)
    spread = int(CASES_PER_MONTH * days / 30) * ctx.scale
    moments = [ctx.now - timedelta(days=rng.random() * days) for _ in range(spread)]
    for at in (ctx.now, year_earlier(ctx.now)):
        moments += [earlier_today(rng, at) for _ in range(CASES_TODAY * ctx.scale)]
    items = [demo_case(ctx, at) for at in moments]
    count = len(items)
    register_cases_bulk(session, items, system_principal(name="demo"))
    ctx.summary.append(f"案件：{count} 起（直接报案登记）")
