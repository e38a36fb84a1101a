"""Demo step: one joint operation done yesterday (results reported, cases solved, dens
destroyed) and one planned for tomorrow 05:00, with a target package of the gang they hit.
Dens sit on the demo city's streets, so their addresses route to grids; one target is in
another city, worked by that city's unit."""

from datetime import timedelta

from sqlalchemy.orm import Session

from fanzha.cases import service as cases
from fanzha.clues import service as clues
from fanzha.clues.schemas import SeriesQuery
from fanzha.core.demo_clock import local_midnight
from fanzha.core.demo_context import DemoContext
from fanzha.core.principal import system_principal
from fanzha.operations import graph, service
from fanzha.operations.models import SeizedCategory
from fanzha.operations.schemas import ConcludeIn, ItemIn, OperationIn, PackageIn, StatusIn, TargetIn

DEMO = system_principal(name="demo")


def _den_address(ctx: DemoContext, index: int) -> str:
    street = ctx.streets[index % len(ctx.streets)]
    return f"{street.road}{street.first_no + index}号 {index + 1}0{index + 2}室"


def _package(session: Session, ctx: DemoContext, title: str, base: int, series_id: int | None) -> int:
    assert ctx.city is not None
    data = PackageIn(title=title, node_code=ctx.city.code, series_id=series_id)
    package = service.create_package(session, data, DEMO)
    items = [
        ItemIn(kind="den", label="刷单话务窝点", address=_den_address(ctx, base)),
        ItemIn(kind="den", label="跑分窝点", address=_den_address(ctx, base + 1)),
        ItemIn(kind="place", label="落脚点（出租屋）", address=_den_address(ctx, base + 2)),
        ItemIn(kind="person", label="话务组长", person_name="赵某某", phone="13907911234"),
        ItemIn(kind="account", label="一级收款卡", account="6222020200011112222"),
    ]
    for item in items:
        service.add_item(session, package.id, item, DEMO)
    return package.id


def _targets(session: Session, ctx: DemoContext, package_id: int) -> list[TargetIn]:
    found = service.get_package(session, package_id, DEMO)
    units = [u.name for u in list(ctx.units.values())[:3]] or ["反诈中心"]
    local = [
        TargetIn(
            kind=i.kind,
            label=i.label,
            item_id=i.id,
            unit_name=units[n % len(units)],
            team=f"第{n + 1}组",
            leader=f"带队民警{n + 1}",
            leader_phone=f"1390791{n:04d}",
        )
        for n, i in enumerate(x for x in found.items if x.kind in ("den", "place"))
    ]
    away = TargetIn(
        label="异地窝点",
        address="天河区某大厦 18 楼",
        city="广州市",
        unit_name="广州市公安局天河分局",
        team="异地协作组",
        leader="协作民警",
    )
    return [*local, away]


def _gangs(session: Session, ctx: DemoContext) -> list[tuple[int | None, list[int]]]:
    """(series id, case ids) of the two largest demo gangs (the clues step's series); without
    series, recent cases stand in."""
    found = clues.list_series(session, DEMO, SeriesQuery(limit=2))
    gangs: list[tuple[int | None, list[int]]] = [
        (s.id, [c for c, _ in graph.series_cases(clues.get_series(session, DEMO, s.id))][:40]) for s in found
    ]
    if len(gangs) < 2:
        until = local_midnight(ctx.now) - timedelta(days=1)
        recent = [c.id for c in cases.recent_cases(session, ctx.now - timedelta(days=60), 8, until=until)]
        gangs = [(None, recent[:5]), (None, recent[5:])]
    return gangs


def build(session: Session, ctx: DemoContext) -> None:
    if ctx.city is None or not ctx.streets:
        return
    today = local_midnight(ctx.now)
    (done_series, done_cases), (next_series, next_cases) = _gangs(session, ctx)
    done_pkg = _package(session, ctx, "“刷单返利”话务团伙", 0, done_series)
    done = service.create_operation(
        session,
        OperationIn(
            title="“雷霆-刷单”统一收网",
            strike_at=today - timedelta(hours=19),
            node_code=ctx.city.code,
            commander="反诈中心指挥长",
            briefing="三处窝点同时收网，异地窝点由广州警方协同。",
            package_id=done_pkg,
            case_ids=done_cases,
            targets=_targets(session, ctx, done_pkg),
        ),
        DEMO,
    )
    reported = today - timedelta(hours=18)
    for n, target in enumerate(done.targets):
        seized = {
            SeizedCategory.PHONE: 12 + n,
            SeizedCategory.SIM_CARD: 40 + 5 * n,
            SeizedCategory.BANK_CARD: 9,
        }
        is_den = target.kind == "den"
        status = StatusIn(arrived=True, arrests=3 + n, seized=seized, den_destroyed=is_den, note="现场已控制")
        service.report_status(session, target.id, status, DEMO, now=reported)
    service.conclude(session, done.id, ConcludeIn(result_note="团伙主要成员全部到案"), DEMO, now=today)
    next_pkg = _package(session, ctx, "“冒充客服”洗钱团伙", 3, next_series)
    planned = service.create_operation(
        session,
        OperationIn(
            title="“清源-客服”统一收网",
            strike_at=today + timedelta(days=1, hours=5),
            node_code=ctx.city.code,
            commander="反诈中心指挥长",
            briefing="凌晨五点统一行动，先控人后搜查。",
            package_id=next_pkg,
            case_ids=next_cases,
            targets=_targets(session, ctx, next_pkg),
        ),
        DEMO,
    )
    o = service.operation_out(session, service.get_operation(session, done.id, DEMO), DEMO)
    result = f"抓获 {o.arrests} 人，捣毁窝点 {o.dens_destroyed} 个"
    ctx.summary.append(f"收网行动：{o.code} 已收网（{result}），{planned.code} 明日 05:00 收网")
