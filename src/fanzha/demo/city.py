"""The demo city: 5 districts, 40 stations, 772 grids (Nanchang's count), ~5 million people."""

from itertools import product

from sqlalchemy.orm import Session

from fanzha.accounts import service as accounts
from fanzha.accounts.schemas import ApiKeyIn, UserIn
from fanzha.core import demo_names as names
from fanzha.core.demo_context import DEMO_PASSWORD, DemoContext, Street
from fanzha.core.principal import system_principal
from fanzha.core.roles import Perm, Role
from fanzha.jurisdiction import service as jurisdiction
from fanzha.jurisdiction.models import Node, UnitKind
from fanzha.jurisdiction.schemas import UnitIn

CITY_CODE = "369900"
CITY_NAME = "洪城市"
STATIONS_PER_DISTRICT = 8
GRIDS_TOTAL = 772


def _split(total: int, weights: list[float]) -> list[int]:
    """Split ``total`` into integers proportional to the weights, summing exactly."""
    weight_sum = sum(weights)
    shares = [int(total * w / weight_sum) for w in weights]
    shares[0] += total - sum(shares)
    return shares


def _road_pool(count: int) -> list[str]:
    roads = [w + k for w, k in product(names.ROAD_WORDS, names.ROAD_KINDS)]
    ordinal = 2
    while len(roads) < count:
        roads += [
            f"{w}{'二三四五六七八九'[ordinal - 2]}{k}" for w, k in product(names.ROAD_WORDS, names.ROAD_KINDS)
        ]
        ordinal += 1
    return roads


def _tree_rows(ctx: DemoContext) -> tuple[list[dict[str, object]], dict[str, list[str]]]:
    rng = ctx.rng
    districts = [
        (f"{n}" if ctx.scale == 1 else f"{n[:-1]}{i // 5 + 1}{n[-1]}", pop)
        for i, (n, pop) in enumerate(names.DISTRICTS * ctx.scale)
    ]
    rows: list[dict[str, object]] = [
        {"code": CITY_CODE, "name": CITY_NAME, "level": 1, "population": sum(p for _, p in districts)}
    ]
    station_grids: dict[str, list[str]] = {}
    n_stations = STATIONS_PER_DISTRICT * len(districts)
    grids_per_station = [GRIDS_TOTAL * ctx.scale // n_stations] * n_stations
    for k in range((GRIDS_TOTAL * ctx.scale) % n_stations):
        grids_per_station[k] += 1
    station_index = 0
    used_communities: set[str] = set()
    for d, (dname, dpop) in enumerate(districts, start=1):
        dcode = f"{CITY_CODE[:4]}{d:02d}"
        rows.append({"code": dcode, "name": dname, "level": 2, "parent_code": CITY_CODE, "population": dpop})
        station_pops = _split(dpop, [rng.uniform(0.6, 1.4) for _ in range(STATIONS_PER_DISTRICT)])
        for s in range(1, STATIONS_PER_DISTRICT + 1):
            word = names.STATION_WORDS[station_index % len(names.STATION_WORDS)]
            if station_index >= len(names.STATION_WORDS):
                word += str(station_index // len(names.STATION_WORDS) + 1)
            scode = f"{dcode}{s:03d}"
            rows.append(
                {
                    "code": scode,
                    "name": f"{word}派出所",
                    "level": 3,
                    "parent_code": dcode,
                    "population": station_pops[s - 1],
                }
            )
            n_grids = grids_per_station[station_index]
            grid_pops = _split(station_pops[s - 1], [rng.uniform(0.5, 1.5) for _ in range(n_grids)])
            rural = dname.endswith("县")
            station_grids[scode] = []
            for g in range(1, n_grids + 1):
                cword = names.COMMUNITY_WORDS[(g * 7 + station_index) % len(names.COMMUNITY_WORDS)]
                gname = f"{word}{cword}{'村' if rural else '社区'}"
                while gname in used_communities:
                    gname = f"{word}{cword}{len(used_communities) % 9 + 2}{'村' if rural else '社区'}"
                used_communities.add(gname)
                gcode = f"{scode}{g:03d}"
                rows.append(
                    {
                        "code": gcode,
                        "name": gname,
                        "level": 4,
                        "parent_code": scode,
                        "population": grid_pops[g - 1],
                    }
                )
                station_grids[scode].append(gcode)
            station_index += 1
    return rows, station_grids


def _streets(ctx: DemoContext, station_grids: dict[str, list[str]]) -> list[Street]:
    """Each station has three roads; each road is cut into numbered segments over its grids."""
    pool = _road_pool(3 * len(station_grids))
    ctx.rng.shuffle(pool)
    streets = []
    for s, grids in enumerate(station_grids.values()):
        roads = pool[3 * s : 3 * s + 3]
        for g, grid in enumerate(grids):
            road = roads[g % 3]
            segment = g // 3
            streets.append(Street(grid, road, segment * 120 + 1, segment * 120 + 120))
    return streets


def _units(session: Session, ctx: DemoContext) -> None:
    system = system_principal(name="demo")

    def add(name: str, kind: UnitKind, node: Node, bank: str | None = None) -> None:
        unit = jurisdiction.create_unit(
            session, UnitIn(name=name, kind=kind, node_code=node.code, bank_code=bank), system
        )
        if kind == UnitKind.BANK_BRANCH and bank:
            ctx.banks[bank] = unit
        elif kind not in (UnitKind.OPERATOR,):
            ctx.units[node.code] = unit

    assert ctx.city is not None
    add(f"{CITY_NAME}公安局反诈中心", UnitKind.CENTRE, ctx.city)
    ctx.centre = ctx.units[ctx.city.code]
    for d in ctx.districts:
        add(f"{d.name}公安分局", UnitKind.DISTRICT_BUREAU, d)
    for s in ctx.stations:
        add(s.name, UnitKind.STATION, s)
    for g in ctx.grids:
        add(f"{g.name}警格", UnitKind.GRID_TEAM, g)
    for code, bank in names.BANKS:
        add(f"{bank}驻反诈中心工作组", UnitKind.BANK_BRANCH, ctx.city, code)
    for op in names.OPERATORS:
        add(f"{op}驻反诈中心工作组", UnitKind.OPERATOR, ctx.city)


DEMO_USERS = [
    ("commander", "陈指挥", Role.COMMANDER, "centre"),
    ("analyst", "李研判", Role.WARNING_ANALYST, "centre"),
    ("dissuader", "王劝阻", Role.DISSUADER, "centre"),
    ("police", "赵民警", Role.COMMUNITY_POLICE, "station0"),
    ("police2", "周民警", Role.COMMUNITY_POLICE, "station1"),
    ("grid", "孙网格", Role.GRID_WORKER, "grid0"),
    ("bank", "吴银行", Role.BANK_LIAISON, "bank:ICBC"),
    ("bank2", "郑银行", Role.BANK_LIAISON, "bank:CCB"),
    ("telecom", "钱运营", Role.TELECOM_LIAISON, "centre"),
    ("stats", "冯统计", Role.ANALYST, "centre"),
    ("prevention", "褚宣传", Role.PREVENTION_OFFICER, "centre"),
]


def _unit_for(ctx: DemoContext, where: str) -> int:
    if where.startswith("bank:"):
        return ctx.banks[where[5:]].id
    if where.startswith("station"):
        return ctx.units[ctx.stations[int(where[7:]) * STATIONS_PER_DISTRICT].code].id
    if where.startswith("grid"):
        return ctx.units[ctx.grids[int(where[4:])].code].id
    assert ctx.centre is not None
    return ctx.centre.id


def _people(session: Session, ctx: DemoContext) -> None:
    system = system_principal(name="demo")
    for username, display, role, where in DEMO_USERS:
        data = UserIn(
            username=username,
            display_name=display,
            password=DEMO_PASSWORD,
            role=role,
            unit_id=_unit_for(ctx, where),
        )
        user = accounts.create_user(session, data, system)
        user.on_duty = role in (Role.DISSUADER, Role.COMMUNITY_POLICE, Role.GRID_WORKER)
        ctx.users[username] = user.id
    assert ctx.centre is not None
    keys = [
        ("ministry-feed", ctx.centre.id, [Perm.WARNINGS_INTAKE, Perm.WARNINGS_FEEDBACK], ["ministry"]),
        ("sms-12381-feed", ctx.centre.id, [Perm.WARNINGS_INTAKE, Perm.WARNINGS_FEEDBACK], ["12381"]),
        ("operator-screening", ctx.centre.id, [Perm.DETECT_USE], []),
        ("icbc-system", ctx.banks["ICBC"].id, [Perm.FUNDS_BANK, Perm.FUNDS_CHECK], []),
    ]
    for name, unit_id, scopes, sources in keys:
        key = ApiKeyIn(name=name, unit_id=unit_id, scopes=scopes, sources=sources)
        _, token = accounts.create_api_key(session, key, system)
        ctx.api_keys[name] = token


def build(session: Session, ctx: DemoContext) -> None:
    rows, station_grids = _tree_rows(ctx)
    nodes = jurisdiction.import_nodes(session, rows, "demo")
    by_level: dict[int, list[Node]] = {1: [], 2: [], 3: [], 4: []}
    for node in nodes:
        by_level[node.level].append(node)
    ctx.city = by_level[1][0]
    ctx.districts, ctx.stations, ctx.grids = by_level[2], by_level[3], by_level[4]
    ctx.community = {g.code: g.name for g in ctx.grids}
    ctx.streets = _streets(ctx, station_grids)
    _units(session, ctx)
    _people(session, ctx)
    population = ctx.city.population or 0
    ctx.summary.append(
        f"辖区：{len(ctx.districts)} 个区县、{len(ctx.stations)} 个派出所、{len(ctx.grids)} 个警格，"
        f"人口 {population / 10_000:.0f} 万"
    )
