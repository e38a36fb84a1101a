"""`fanzha prevention …` on a migrated database: import registers (whole or not at all), print the
aiming list with reasons, and run the outbox against a local robot webhook."""

import os
import subprocess
import sys
from pathlib import Path

from sqlalchemy.orm import Session

from fanzha.core import db
from fanzha.core.timeutil import utcnow
from fanzha.migrations.runner import upgrade
from fanzha.prevention import groups, outbox
from fanzha.prevention.schemas import AlertIn, GroupIn, PushIn
from tests.factories import build_world
from tests.prevention.factories import GRID_A1, cases_at, target_row
from tests.prevention.servers import webhook
from tests.prevention.test_targets_aiming import _csv


def _fanzha(url: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "COLUMNS": "200", "FANZHA_SCHEDULER_ENABLED": "false"}
    command = [sys.executable, "-m", "fanzha", "-d", url, "prevention", *args]
    return subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)


def test_import_aim_and_push_run_from_the_command_line(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    upgrade(url)
    engine = db.make_engine(url)
    with webhook() as hook:
        with Session(engine, expire_on_commit=False) as session:
            world = build_world(session)
            officer = world.principals["prevention_a"]
            cases_at(
                session,
                world.principals["police_a"],
                GRID_A1,
                [1, 2, 3],
                now=utcnow(),
                fraud_type="rebate_task",
                victim_group="student",
            )
            group = groups.create_group(
                session,
                GroupIn(
                    grid_code=GRID_A1,
                    name="阳光家长群",
                    kind="parents",
                    platform="wecom",
                    members=200,
                    channel="wecom",
                    address=f"{hook.url}/cgi-bin/webhook/send?key=cli",
                ),
                officer,
            )
            alert = groups.create_alert(
                session,
                AlertIn(title="刷单是诈骗", fraud_type="rebate_task", node_code=GRID_A1),
                officer,
                utcnow(),
            )
            push = PushIn(alert_id=alert.id, group_ids=[group.id], request_key="cli-push-0001")
            outbox.request_push(session, push, officer, utcnow())
            session.commit()
        engine.dispose()
        bad = tmp_path / "bad.csv"
        bad.write_bytes(_csv([target_row(), target_row(name="光明中学", people="很多")]))
        refused = _fanzha(url, "import-targets", str(bad))
        assert refused.returncode == 2 and "第3行.people" in refused.stderr + refused.stdout
        good = tmp_path / "targets.csv"
        good.write_bytes(_csv([target_row(), target_row(name="光明中学")]))
        imported = _fanzha(url, "import-targets", str(good))
        assert imported.returncode == 0 and "新增 2 条，更新 0 条" in imported.stdout
        aimed = _fanzha(url, "aim", "--days", "30")
        assert aimed.returncode == 0, aimed.stderr
        assert "阳光社区：学生刷单返利案件近30天 3 起，环比新出现（上期 0 起）" in aimed.stdout
        sent = _fanzha(url, "push", "run")
        assert sent.returncode == 0 and "送达 1 条，失败待重试 0 条" in sent.stdout
        assert len(hook.accepted) == 1 and "刷单是诈骗" in hook.accepted[0]["markdown"]["content"]
        assert "送达 0 条" in _fanzha(url, "push", "run").stdout
