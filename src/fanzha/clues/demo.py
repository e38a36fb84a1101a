"""Demo step: four gangs whose accounts, phones, domains and app names recur across dozens of the
demo city's cases (written as victims report them: spaces, dashes, +86, full-width digits, a
different page of the same domain), two of them joined late by one case naming both gangs'
accounts (a merge with its bridging account); every case indexed into series; and clues on the
gangs' identifiers in every stage — fresh, judged, closed with each result, overdue and escalated.
The operations step that follows works the two largest series."""

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy.orm import Session

from fanzha.cases.demo import demo_case
from fanzha.cases.schemas import CaseIn, SuspectIdentifier
from fanzha.cases.service import register_cases_bulk
from fanzha.clues import bulk, service, workflow
from fanzha.clues.models import ClueLevel, ClueResult, ClueSource
from fanzha.clues.normalise import Kind
from fanzha.clues.schemas import ClueIn, JudgeIn, ResultIn, SeriesQuery
from fanzha.clues.tick import tick
from fanzha.core.demo_context import DemoContext
from fanzha.core.principal import system_principal
from fanzha.core.vocab import FraudType

DEMO = system_principal(name="demo")
INDEX_BATCH = 5000
HISTORY_DAYS = 150
FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")


@dataclass(frozen=True)
class Gang:
    name: str
    fraud_type: FraudType
    cases: int
    # (kind, value) as the gang uses it; each case names two of them, in a ring, so all link.
    identifiers: tuple[tuple[str, str], ...]


GANGS = (
    Gang("“刷单返利”话务团伙", FraudType.REBATE_TASK, 36, (
        ("bank_account", "6222020200011112222"), ("phone", "13907911234"),
        ("url", "https://m.task-vip88.com/reg"), ("app", "快赚联盟"), ("wechat", "kz_kefu_01"),
    )),
    Gang("“冒充客服”洗钱团伙", FraudType.FAKE_CUSTOMER_SERVICE, 30, (
        ("bank_account", "6217856100044455566"), ("phone", "17079112345"),
        ("url", "http://refund-kf.cn/s/1"), ("app", "速退宝"), ("qq", "2837465512"),
    )),
    Gang("“荐股老师”投资诈骗团伙", FraudType.FAKE_INVESTMENT, 14, (
        ("bank_account", "6228480400077788899"), ("url", "https://www.hx-capital.vip/login"),
        ("app", "鸿鑫财富"), ("phone", "16579110001"),
    )),
    Gang("“无抵押贷款”团伙", FraudType.FAKE_LOAN, 10, (
        ("bank_account", "6230520500012312312"), ("app", "闪借钱包"), ("phone", "19179118888"),
    )),
)  # fmt: skip


def written(kind: str, value: str, n: int) -> str:
    """The n-th way a victim writes the gang's identifier: as is, spaced, dashed, full-width, +86;
    a URL keeps its domain and changes the page."""
    if kind == "url":
        return f"{value.split('?')[0]}?id={n}" if n % 2 else value
    if kind not in ("phone", "bank_account"):
        return value if n % 2 else f" {value} "
    ways = (
        value,
        " ".join(value[i : i + 4] for i in range(0, len(value), 4)),
        "-".join(value[i : i + 4] for i in range(0, len(value), 4)),
        value.translate(FULL_WIDTH),
        f"+86 {value}" if kind == "phone" else value,
    )
    return ways[n % len(ways)]


def _gang_cases(ctx: DemoContext, gang: Gang, district: int) -> list[CaseIn]:
    """The gang's cases over the last months, in the grids of one district."""
    under = ctx.districts[district % len(ctx.districts)].path
    grids = [g for g in ctx.grids if g.path.startswith(under)] or ctx.grids
    pool, items = gang.identifiers, []
    for n in range(gang.cases * ctx.scale):
        base = demo_case(ctx, ctx.now - timedelta(days=1 + ctx.rng.random() * HISTORY_DAYS))
        named = [pool[n % len(pool)], pool[(n + 1) % len(pool)]]
        idents = [SuspectIdentifier(kind=k, value=written(k, v, n)) for k, v in named]
        idents.append(base.suspect_identifiers[0])  # the caller's own number, seen once
        grid = ctx.rng.choice(grids)
        items.append(
            base.model_copy(
                update={"node_code": grid.code, "fraud_type": gang.fraud_type, "suspect_identifiers": idents}
            )
        )
    return items


def _bridge(ctx: DemoContext, left: Gang, right: Gang) -> CaseIn:
    """A recent case naming an account of each gang: the two series merge through it."""
    base = demo_case(ctx, ctx.now - timedelta(days=2))
    idents = [
        SuspectIdentifier(kind="bank_account", value=written("bank_account", left.identifiers[0][1], 1)),
        SuspectIdentifier(kind="bank_account", value=written("bank_account", right.identifiers[0][1], 2)),
    ]
    return base.model_copy(update={"fraud_type": right.fraud_type, "suspect_identifiers": idents})


# (hours ago, level, where it ends): every stage, some past their deadline.
STAGES = (
    (2, ClueLevel.FIRST, "judging"),
    (40, ClueLevel.FIRST, "judging"),  # 24 h: overdue, escalated
    (20, ClueLevel.SECOND, "verifying"),
    (100, ClueLevel.SECOND, "verifying"),  # 72 h: overdue, escalated
    (200, ClueLevel.THIRD, ClueResult.DEN),
    (150, ClueLevel.SECOND, ClueResult.SUSPECT),
    (60, ClueLevel.THIRD, ClueResult.NOTHING),
    (8, ClueLevel.THIRD, "judging"),
)
JUDGED = JudgeIn(note="该标识近期在多起案件中出现，转辖区落地核查")
RESULT_NOTES = {
    ClueResult.DEN: "确认出租屋为话务窝点，已固定证据",
    ClueResult.SUSPECT: "查明实际使用人一名",
    ClueResult.NOTHING: "现场无人，已排除",
}


def _clues(session: Session, ctx: DemoContext, case_ids: list[list[int]]) -> int:
    """Clues on the gangs' identifiers (and a den address on the city's streets), each moved to
    its stage at its own past moments."""
    made = 0
    for g, (gang, ids) in enumerate(zip(GANGS, case_ids, strict=True)):
        street = ctx.streets[(7 * g) % len(ctx.streets)]
        items = [
            ClueIn(kind=Kind(k), value=v, case_id=ids[i % len(ids)], summary=f"{gang.name}：{Kind(k).label}")
            for i, (k, v) in enumerate(gang.identifiers)
        ]
        den = f"{street.road}{street.first_no + g}号"
        items.append(
            ClueIn(kind=Kind.DEN, value=den, node_code=street.grid_code, summary=f"{gang.name}落脚点")
        )
        for item in items:
            hours, level, end = STAGES[made % len(STAGES)]
            at = ctx.now - timedelta(hours=hours)
            upstream = made % 3 == 0
            source = (
                ClueSource.UPSTREAM if upstream else ClueSource.CASE if item.case_id else ClueSource.ANALYST
            )
            data = item.model_copy(update={"level": level, "source_id": f"DEMO-{made}" if upstream else None})
            clue = workflow.create_clue(session, data, DEMO, source, now=at)
            if end != "judging":
                workflow.judge(session, clue.id, JUDGED, DEMO, now=at + timedelta(hours=hours / 4))
            if isinstance(end, ClueResult):
                result = ResultIn(result=end, note=RESULT_NOTES[end])
                workflow.record_result(session, clue.id, result, DEMO, now=at + timedelta(hours=hours / 2))
            made += 1
    return made


def build(session: Session, ctx: DemoContext) -> None:
    if ctx.city is None or not ctx.districts or not ctx.streets:
        return
    case_ids = [register_cases_bulk(session, _gang_cases(ctx, gang, g), DEMO) for g, gang in enumerate(GANGS)]
    (last,) = register_cases_bulk(session, [_bridge(ctx, GANGS[2], GANGS[3])], DEMO)
    # The city's history at once; the gangs' cases one by one, so their series keep the merge.
    earlier = bulk.index_case_backlog(session, case_ids[0][0] - 1, DEMO, ctx.now)
    indexed = earlier + service.index_new_cases(session, ctx.now, batch=INDEX_BATCH, upto=last)
    made = _clues(session, ctx, case_ids)
    late = tick(session, ctx.now)
    found = service.list_series(session, DEMO, SeriesQuery(limit=10))
    sizes = "、".join(str(s.case_count) for s in found[:4])
    series = f"串并案：索引 {indexed} 起案件，{len(found)} 个串并案（案件数 {sizes}）"
    ctx.summary.append(f"{series}；线索 {made} 条，超时升级 {late.escalated} 条")
