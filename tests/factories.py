"""Factories: a small, fully known jurisdiction with one user per role, built via the services."""

from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from fanzha.accounts import service as accounts
from fanzha.accounts.schemas import ApiKeyIn, UserIn
from fanzha.core.principal import Principal, system_principal
from fanzha.core.roles import Perm, Role
from fanzha.jurisdiction import service as jurisdiction
from fanzha.jurisdiction.models import Node, Unit, UnitKind
from fanzha.jurisdiction.schemas import UnitIn
from fanzha.warnings.models import Source

PASSWORD = "correct-horse-1"

TREE = [
    {"code": "369900", "name": "测试市", "level": 1, "population": 1000},
    {"code": "369901", "name": "东区", "level": 2, "parent_code": "369900", "population": 600},
    {"code": "369902", "name": "西区", "level": 2, "parent_code": "369900", "population": 400},
    {"code": "369901001", "name": "甲派出所", "level": 3, "parent_code": "369901", "population": 300},
    {"code": "369901002", "name": "乙派出所", "level": 3, "parent_code": "369901", "population": 300},
    {"code": "369902001", "name": "丙派出所", "level": 3, "parent_code": "369902", "population": 400},
    {"code": "369901001001", "name": "阳光社区", "level": 4, "parent_code": "369901001", "population": 150},
    {"code": "369901001002", "name": "绿洲社区", "level": 4, "parent_code": "369901001", "population": 150},
    {"code": "369901002001", "name": "翠苑社区", "level": 4, "parent_code": "369901002", "population": 300},
    {"code": "369902001001", "name": "和平村", "level": 4, "parent_code": "369902001", "population": 400},
]

UNITS = [
    ("centre", "测试市反诈中心", UnitKind.CENTRE, "369900", None),
    ("east", "东区分局", UnitKind.DISTRICT_BUREAU, "369901", None),
    ("station_a", "甲派出所", UnitKind.STATION, "369901001", None),
    ("station_b", "乙派出所", UnitKind.STATION, "369901002", None),
    ("station_c", "丙派出所", UnitKind.STATION, "369902001", None),
    ("grid_a1", "阳光社区警格", UnitKind.GRID_TEAM, "369901001001", None),
    ("icbc", "工商银行工作组", UnitKind.BANK_BRANCH, "369900", "ICBC"),
    ("ccb", "建设银行工作组", UnitKind.BANK_BRANCH, "369900", "CCB"),
]

USERS = [
    ("commander", Role.COMMANDER, "centre"),
    ("admin_a", Role.COMMANDER, "station_a"),
    ("analyst", Role.WARNING_ANALYST, "centre"),
    ("dissuader", Role.DISSUADER, "centre"),
    ("police_a", Role.COMMUNITY_POLICE, "station_a"),
    ("police_a2", Role.COMMUNITY_POLICE, "station_a"),
    ("police_b", Role.COMMUNITY_POLICE, "station_b"),
    ("grid_a1", Role.GRID_WORKER, "grid_a1"),
    ("bank_icbc", Role.BANK_LIAISON, "icbc"),
    ("bank_ccb", Role.BANK_LIAISON, "ccb"),
    ("telecom", Role.TELECOM_LIAISON, "centre"),
    ("stats", Role.ANALYST, "centre"),
    ("prevention", Role.PREVENTION_OFFICER, "centre"),
    ("prevention_a", Role.PREVENTION_OFFICER, "station_a"),
    ("prevention_a2", Role.PREVENTION_OFFICER, "station_a"),
]


@dataclass
class World:
    nodes: dict[str, Node] = field(default_factory=dict)
    units: dict[str, Unit] = field(default_factory=dict)
    users: dict[str, int] = field(default_factory=dict)
    principals: dict[str, Principal] = field(default_factory=dict)
    keys: dict[str, str] = field(default_factory=dict)

    def node(self, code: str) -> Node:
        return self.nodes[code]


def build_world(session: Session) -> World:
    w = World()
    for node in jurisdiction.import_nodes(session, TREE, "test"):
        w.nodes[node.code] = node
    system = system_principal(name="test")
    for key, name, kind, code, bank in UNITS:
        w.units[key] = jurisdiction.create_unit(
            session, UnitIn(name=name, kind=kind, node_code=code, bank_code=bank), system
        )
    for username, role, unit in USERS:
        data = UserIn(
            username=username, display_name=username, password=PASSWORD, role=role, unit_id=w.units[unit].id
        )
        user = accounts.create_user(session, data, system)
        user.on_duty = True
        w.users[username] = user.id
        w.principals[username] = accounts.principal_for_user(user)
    feeds = [s.value for s in Source]  # the test feeds send as every source
    for name, unit, scopes in [
        ("feed", "centre", [Perm.WARNINGS_INTAKE, Perm.WARNINGS_FEEDBACK]),
        ("screening", "centre", [Perm.DETECT_USE]),
        ("icbc-system", "icbc", [Perm.FUNDS_BANK, Perm.FUNDS_CHECK]),
        ("station-b-feed", "station_b", [Perm.WARNINGS_INTAKE, Perm.WARNINGS_FEEDBACK]),
    ]:
        _, token = accounts.create_api_key(
            session,
            ApiKeyIn(
                name=name,
                unit_id=w.units[unit].id,
                scopes=scopes,
                sources=feeds if Perm.WARNINGS_INTAKE in scopes else [],
            ),
            system,
        )
        w.keys[name] = token
    session.flush()
    return w
