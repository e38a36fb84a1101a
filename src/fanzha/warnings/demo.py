"""Demo step: the gazetteer of the demo city, about 95,000 warnings over the last four months
and a sparser history before them back to the start of the demo's 13 months.

The recent mix follows the Nanchang figures in domain.md (95,000 warnings in four months, about
a third high-risk). Addresses are built from the demo streets and routed by the real routing
code; timings, outcomes and overdue steps are drawn so the queue, dashboard and bulletins
have a believable history. The earlier months have fewer warnings, more of them ending in
fraud (so case counts are comparable year on year) and only their closing step in the
timeline. Rows are written with bulk inserts: the step must stay fast.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from random import Random
from typing import Any

from sqlalchemy import Table, insert, select
from sqlalchemy.orm import Session

from fanzha.accounts.service import on_duty_users, principal_for_user
from fanzha.audit import service as audit
from fanzha.cases.demo import TYPE_WEIGHTS, id_number
from fanzha.cases.schemas import CaseIn, SuspectIdentifier
from fanzha.cases.service import register_cases_bulk
from fanzha.core.demo_clock import earlier_today, history_days, local_midnight
from fanzha.core.demo_context import DemoContext
from fanzha.core.demo_names import GIVEN, SURNAMES
from fanzha.core.principal import system_principal
from fanzha.core.vocab import FraudType, TechniqueTag, VictimGroup
from fanzha.jurisdiction.service import WorkingUnits, working_units
from fanzha.warnings.deadlines import DEFAULTS
from fanzha.warnings.models import EarlyWarning, GazetteerEntry, Level, Outcome, Source, WarningAction
from fanzha.warnings.routing import Gazetteer, gazetteer
from fanzha.warnings.statemachine import State

WARNINGS_PER_SCALE = 95_000
DAYS_BACK = 120
# Warnings per day before the last DAYS_BACK days, as a share of the recent rate.
EARLIER_VOLUME = 0.25
CHUNK = 5_000
DEMO = system_principal(name="demo")
# Relative weight of each local hour (00–23): quiet at night, peaks late morning and evening.
HOURS = [2, 1, 1, 1, 1, 2, 4, 7, 9, 11, 12, 12, 10, 10, 11, 11, 10, 10, 11, 12, 12, 10, 7, 4]
SOURCES = {
    Source.MINISTRY: 18,
    Source.PROVINCE: 22,
    Source.CITY: 20,
    Source.SMS_12381: 12,
    Source.HOTLINE_96110: 8,
    Source.BANK: 10,
    Source.OPERATOR: 7,
    Source.CITIZEN: 3,
}
LEVELS = {Level.HIGH: 33, Level.MEDIUM: 40, Level.LOW: 27}
# Share of warnings that say how much the person was about to transfer: a high-risk warning is
# usually raised on a transfer under way (bank, 96110 call-back), a low one on a text message.
AMOUNT_SHARE = {Level.HIGH: 0.85, Level.MEDIUM: 0.35, Level.LOW: 0.08}


def _amount_at_risk(rng: Random, level: Level) -> Decimal | None:
    """Yuan about to be transferred: mostly thousands to tens of thousands (median about 15,000),
    some savings-sized sums of several hundred thousand; people transfer round-ish amounts."""
    if rng.random() >= AMOUNT_SHARE[level]:
        return None
    yuan = min(2_000_000.0, max(300.0, rng.lognormvariate(9.6, 1.1)))
    return Decimal(round(yuan, -2 if yuan < 100_000 else -3)).quantize(Decimal("0.01"))


OUTCOMES = {
    Outcome.DISSUADED: 80,
    Outcome.NOT_REACHED: 7,
    Outcome.FALSE_ALARM: 6,
    Outcome.REFUSED: 4,
    Outcome.DEFRAUDED: 3,
}
# Earlier months: the platform reached fewer people in time, so more went on to be defrauded.
EARLIER_OUTCOMES = {
    Outcome.DISSUADED: 68,
    Outcome.NOT_REACHED: 9,
    Outcome.FALSE_ALARM: 6,
    Outcome.REFUSED: 4,
    Outcome.DEFRAUDED: 13,
}
WORKER_ROLES = ("grid_worker", "community_police", "dissuader")


def _gazetteer_rows(ctx: DemoContext, node_ids: dict[str, int]) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = [
        {
            "kind": "road",
            "name": s.road,
            "first_no": s.first_no,
            "last_no": s.last_no,
            "node_id": node_ids[s.grid_code],
        }
        for s in ctx.streets
    ]
    for code, name in ctx.community.items():
        rows.append(
            {
                "kind": "village" if name.endswith("村") else "community",
                "name": name,
                "node_id": node_ids[code],
            }
        )
    for d, district in enumerate(ctx.districts):
        # Invented mobile segments per district (the demo's own, not real allocations).
        rows += [
            {"kind": "phone_prefix", "name": f"139{d:02d}{k:02d}", "node_id": district.id} for k in range(5)
        ]
    return rows


@dataclass
class Workers:
    """On-duty people per unit, read through the accounts repository once per unit."""

    session: Session
    centre_id: int
    cache: dict[int, list[tuple[int, str]]]

    def pick(self, rng: Random, unit_id: int | None) -> tuple[int, str]:
        for uid in (unit_id, self.centre_id):
            if uid is None:
                continue
            if uid not in self.cache:
                users = on_duty_users(self.session, uid, WORKER_ROLES)
                self.cache[uid] = [(u.id, principal_for_user(u).actor) for u in users]
            if self.cache[uid]:
                return rng.choice(self.cache[uid])
        raise RuntimeError("demo city has no on-duty dissuaders")


def _pick(rng: Random, weights: dict[Any, int]) -> Any:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _person(rng: Random, ctx: DemoContext, gaz: Gazetteer) -> dict[str, Any]:
    age = int(rng.triangular(15, 85, 38))
    group = (
        VictimGroup.STUDENT
        if age < 23
        else VictimGroup.ELDERLY
        if age >= 60
        else _pick(
            rng,
            {
                VictimGroup.YOUNG_MOTHER: 3,
                VictimGroup.WORKER: 5,
                VictimGroup.ENTREPRENEUR: 1,
                VictimGroup.OTHER: 2,
            },
        )
    )
    street = rng.choice(ctx.streets)
    roll = rng.random()
    if roll < 0.82:
        address = f"{street.road}{rng.randint(street.first_no, street.last_no)}号{rng.randint(1, 9)}栋"
    elif roll < 0.92:
        address = f"{ctx.community[street.grid_code]}{rng.randint(1, 30)}栋"
    else:
        address = "外省暂住，地址不详"
    district = rng.randrange(len(ctx.districts))
    phone = (
        f"139{district:02d}{rng.randint(0, 4):02d}{rng.randint(0, 9999):04d}"
        if rng.random() < 0.6
        else (f"1{rng.choice([38, 58, 86, 77])}{rng.randint(0, 99_999_999):08d}")
    )
    return {
        "victim_name": rng.choice(SURNAMES) + "".join(rng.choices(GIVEN, k=rng.randint(1, 2))),
        "victim_phone": phone,
        "victim_id_number": id_number(rng, street.grid_code[:6], ctx.now.year - age),
        "victim_address": address,
        "victim_age": age,
        "victim_group": group.value,
    }


def _evidence(rng: Random) -> list[dict[str, str]]:
    found = [{"kind": "phone", "value": f"1{rng.choice([65, 67, 70, 71])}{rng.randint(0, 99_999_999):08d}"}]
    if rng.random() < 0.5:
        found.append({"kind": "bank_account", "value": f"62{rng.randint(10**16, 10**17 - 1)}"})
    if rng.random() < 0.3:
        found.append(
            {
                "kind": "url",
                "value": f"http://www.{rng.choice(['task', 'vip', 'pay'])}-{rng.randint(10**5, 10**6)}.cn",
            }
        )
    return found


def _received_at(rng: Random, now: datetime, days_back: int) -> datetime:
    """A local hour of the local day ``days_back`` days ago; a moment still to come today falls
    earlier today instead, so today's figures are never empty however early the demo is built."""
    hour = rng.choices(range(24), weights=HOURS)[0]
    at = local_midnight(now) - timedelta(days=days_back, hours=-hour, seconds=-rng.randrange(3600))
    return at if at < now else earlier_today(rng, now)


def _warning(
    rng: Random, ctx: DemoContext, gaz: Gazetteer, tree: WorkingUnits, n: int, received: datetime
) -> dict[str, Any]:
    person = _person(rng, ctx, gaz)
    route = gaz.route(person["victim_address"], person["victim_phone"])
    level = _pick(rng, LEVELS)
    path = route.path or tree.city_path
    contact, visit, close = DEFAULTS[level].due(received)
    source = _pick(rng, SOURCES)
    return {
        "source": source.value,
        "source_id": f"DEMO-{source.value}-{n:07d}",
        "client_id": None,
        "issued_at": received - timedelta(seconds=rng.randint(20, 900)),
        "received_at": received,
        "level": level.value,
        "level_rank": level.rank,
        **person,
        "fraud_type": _pick(rng, TYPE_WEIGHTS).value,
        "tags": [t.value for t in rng.sample(list(TechniqueTag), rng.choice([0, 1, 1, 2]))],
        "evidence": _evidence(rng),
        "text": "（演示数据）",
        "amount_at_risk": _amount_at_risk(rng, level),
        "state": State.ROUTED.value if route.node_id else State.RECEIVED.value,
        "node_id": route.node_id or tree.city_id,
        "node_path": path,
        "unit_id": tree.unit_for(path),
        "route_reason": route.reason,
        "routed_at": received if route.node_id else None,
        "contact_due_at": contact,
        "visit_due_at": visit,
        "close_due_at": close,
        "outcome_note": "",
        "version": 1,
    }


# Mean minutes from receipt to claim, claim to first contact, and last step to closing, per level.
PACE = {Level.HIGH.value: (2, 2, 40), Level.MEDIUM.value: (10, 8, 240), Level.LOW.value: (40, 30, 1200)}
CONTACT_KIND = {Level.HIGH.value: "call", Level.MEDIUM.value: "call", Level.LOW.value: "sms"}


def _after(rng: Random, start: datetime, mean_min: float, slow: float) -> datetime:
    return start + timedelta(minutes=rng.expovariate(1 / mean_min) * slow + 0.2)


def _live(
    rng: Random,
    row: dict[str, Any],
    now: datetime,
    worker: tuple[int, str],
    tree: WorkingUnits,
    grids: list[tuple[int, str]],
    outcomes: dict[Outcome, int],
) -> list[dict[str, Any]]:
    """Play one warning forward to ``now``: fills its row and returns its timeline."""
    received: datetime = row["received_at"]
    if row["node_id"] == tree.city_id:  # manual queue: an analyst places it within the hour
        routed = _after(rng, received, 20, 1)
        if routed > now:
            return []
        row["node_id"], row["node_path"] = rng.choice(grids)
        row["unit_id"] = tree.unit_for(row["node_path"])
        row.update(
            state=State.ROUTED.value,
            routed_at=routed,
            route_reason="人工分流：地址不详，按号码与住址核实后分派",
        )
    slow = 6.0 if rng.random() < 0.08 else 1.0
    claim_mean, contact_mean, close_mean = PACE[row["level"]]
    uid, actor = worker
    steps: list[tuple[datetime, str, str]] = []
    claimed = _after(rng, received, claim_mean, slow)
    contact = _after(rng, claimed, contact_mean, slow)
    visit = _after(rng, contact, 12, slow) if row["visit_due_at"] is not None else None
    closed = _after(rng, visit or contact, close_mean, slow)
    outcome: Outcome = _pick(rng, outcomes)
    result = {"dissuaded": "接通，已劝阻", "not_reached": "未接通", "refused": "接通，拒绝配合"}.get(
        outcome.value, "接通"
    )
    for at, kind, res in (
        (claimed, "claim", ""),
        (contact, CONTACT_KIND[row["level"]], result),
        (visit, "visit", "见面劝阻"),
        (closed, "close", outcome.value),
    ):
        if at is None:
            continue
        if at > now:
            break
        steps.append((at, kind, res))
    done = {kind for _, kind, _ in steps}
    if "claim" in done:
        row.update(assignee_id=uid, claimed_at=claimed, state=State.ASSIGNED.value)
    if len(done) > 1:
        row.update(first_contact_at=contact, state=State.IN_PROGRESS.value)
    if "visit" in done:
        row["visited_at"] = visit
    if "close" in done:
        row.update(state=State.CLOSED.value, outcome=outcome.value, closed_at=closed)
    _mark_overdue(row, now, tree)
    return [{"at": at, "kind": kind, "result": res, "note": "", "actor": actor} for at, kind, res in steps]


def _mark_overdue(row: dict[str, Any], now: datetime, tree: WorkingUnits) -> None:
    """What the scheduler would have written: each missed step marked, the first one escalated."""
    marks = []
    for step, met in (("contact", "first_contact_at"), ("visit", "visited_at"), ("close", "closed_at")):
        due = row[f"{step}_due_at"]
        if due is not None and (row.get(met) or now) > due:
            row[f"{step}_overdue_at"] = due + timedelta(seconds=30)
            marks.append(due + timedelta(seconds=30))
    if marks and min(marks) < now:
        parts = row["node_path"].strip("/").split("/")
        parent = "/" + "/".join(parts[:-1]) + "/" if len(parts) > 1 else row["node_path"]
        row.update(escalated_at=min(marks), escalated_unit_id=tree.unit_for(parent))


def _case(row: dict[str, Any], rng: Random, codes: dict[int, str]) -> CaseIn:
    # The person went on with the transfer the warning was about, when the warning said how much.
    loss = row["amount_at_risk"] or Decimal(
        rng.choice([rng.randint(300, 9_000), rng.randint(10_000, 90_000), rng.randint(100_000, 400_000)])
    )
    return CaseIn(
        occurred_at=row["issued_at"],
        node_code=codes[row["node_id"]],
        fraud_type=FraudType(row["fraud_type"]),
        tags=[TechniqueTag(t) for t in row["tags"]],
        loss_amount=loss,
        victim_name=row["victim_name"],
        victim_phone=row["victim_phone"],
        victim_id_number=row["victim_id_number"],
        victim_age=row["victim_age"],
        victim_group=VictimGroup(row["victim_group"]),
        suspect_identifiers=[SuspectIdentifier(kind=e["kind"], value=e["value"]) for e in row["evidence"]],
        summary="预警处置时已被骗（演示数据）",
    )


def build(session: Session, ctx: DemoContext) -> None:
    rng = ctx.rng
    node_ids = {n.code: n.id for n in [*ctx.districts, *ctx.stations, *ctx.grids]}
    codes = {v: k for k, v in node_ids.items()}
    session.execute(insert(GazetteerEntry), _gazetteer_rows(ctx, node_ids))
    session.flush()
    gaz, tree = gazetteer(session), working_units(session)
    assert ctx.centre is not None
    workers = Workers(session, ctx.centre.id, {})
    grids = [(g.id, g.path) for g in ctx.grids]
    rows, timelines = [], []
    recent = WARNINGS_PER_SCALE * ctx.scale
    earlier_days = max(0, int(history_days(ctx.now)) + 1 - DAYS_BACK)
    earlier = int(recent / DAYS_BACK * earlier_days * EARLIER_VOLUME)
    for n in range(recent + earlier):
        old = n >= recent
        days_back = DAYS_BACK + rng.randrange(earlier_days) if old else rng.randrange(DAYS_BACK)
        row = _warning(rng, ctx, gaz, tree, n, _received_at(rng, ctx.now, days_back))
        worker = workers.pick(rng, row["unit_id"])
        timeline = _live(rng, row, ctx.now, worker, tree, grids, EARLIER_OUTCOMES if old else OUTCOMES)
        timelines.append(timeline[-1:] if old else timeline)
        rows.append(row)
    closed = sorted((r for r in rows if r.get("closed_at")), key=lambda r: r["closed_at"])
    for seq, row in enumerate(closed, start=1):
        row["feedback_seq"] = seq
    # Cases first, so each defrauded warning is written with its case (no update per warning).
    defrauded = [r for r in rows if r.get("outcome") == Outcome.DEFRAUDED.value]
    case_ids = register_cases_bulk(session, [_case(r, rng, codes) for r in defrauded], DEMO)
    for row, case_id in zip(defrauded, case_ids, strict=True):
        row["case_id"] = case_id
    table, action_table = EarlyWarning.__table__, WarningAction.__table__
    assert isinstance(table, Table) and isinstance(action_table, Table)
    columns = [c.name for c in table.columns if c.name != "id"]
    for start in range(0, len(rows), CHUNK):
        session.execute(insert(table), [{c: r.get(c) for c in columns} for r in rows[start : start + CHUNK]])
    # Core executemany without RETURNING is far faster; ids are read back by the unique source ids.
    found = select(EarlyWarning.source_id, EarlyWarning.id).where(EarlyWarning.source_id.like("DEMO-%"))
    by_key = {sid: wid for sid, wid in session.execute(found)}
    ids = [by_key[r["source_id"]] for r in rows]
    actions = [{"warning_id": wid, **a} for wid, steps in zip(ids, timelines, strict=True) for a in steps]
    for start in range(0, len(actions), CHUNK * 4):
        session.execute(insert(action_table), actions[start : start + CHUNK * 4])
    audit.record(
        session,
        DEMO.actor,
        "warnings.demo",
        "warning",
        "*",
        None,
        {"warnings": len(rows), "actions": len(actions)},
    )
    still_open = sum(1 for r in rows if r["state"] != State.CLOSED.value)
    ctx.summary.append(
        f"预警：{len(rows)} 条（高危 {sum(r['level'] == 'high' for r in rows)}），在办 {still_open} 条，"
        f"处置记录 {len(actions)} 条，已被骗转案件 {len(case_ids)} 起"
    )
