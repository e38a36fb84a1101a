"""The rule checker finds each kind of break in a small bad package (and passes a good one)."""

import textwrap
from pathlib import Path

import pytest

from tests.architecture.rules import check

# (path under the fake "fanzha" root, source, rule that must fire)
BAD = [
    ("core/clock.py", "from fanzha.cases import service\n", "core_imports_only_core"),
    ("cases/report.py", "from fanzha.bulletins import figures\n", "nothing_imports_upwards"),
    ("funds/sheets.py", "import fanzha.web.render\n", "nothing_imports_upwards"),
    ("cases/steps.py", "from fanzha.demo import builder\n", "nothing_imports_upwards"),
    ("cases/pages.py", "from fanzha.web.routes import router\n", "nothing_imports_upwards"),
    ("detect/lists.py", "def f():\n    from fanzha.warnings import service\n", "detector_is_below_workflows"),
    ("web/page.py", "from fanzha.cases import repository as repo\n", "web_uses_services"),
    ("web/table.py", "from fanzha.cases.models import Case\n", "web_uses_services"),
    ("funds/link.py", "from fanzha.cases.repository import case_by_id\n", "capabilities_use_services"),
    ("funds/rows.py", "from fanzha.cases.models import Case\n", "capabilities_use_services"),
    ("warnings/who.py", "from fanzha.accounts import repository\n", "capabilities_use_services"),
    ("web/admin2.py", "from fanzha.jurisdiction.routes import _helper\n", "no_private_names_across_packages"),
    (
        "web/admin3.py",
        "from fanzha.core import db\n\ndef reset():\n    db._session_factory.cache_clear()\n",
        "no_private_names_across_packages",
    ),
    (
        "cases/routes.py",
        """
        async def upload(file, session: DbSession):
            raw = await file.read()
            return repo.save(session, raw)
        """,
        "no_database_work_in_async_routes",
    ),
]

GOOD = [
    (
        "core/demo_types.py",
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from fanzha.cases.models import Case\n",
    ),
    ("web/ok.py", "from fanzha.cases.models import CaseStatus\nfrom fanzha.cases import service\n"),
    (
        "funds/ok.py",
        "from fanzha.jurisdiction.models import Node\nfrom fanzha.cases.service import recent_cases\n",
    ),
    ("cases/_inner.py", "from fanzha.cases.service import _own_helper\n"),
    ("exams/pages.py", "from fanzha.web.render import page\nfrom fanzha.web.forms import validated\n"),
    (
        "web/upload.py",
        """
        async def upload(file, session: DbSession):
            raw = await file.read()
            return await run_in_threadpool(save, session, raw)
        """,
    ),
]


def _write(root: Path, rel: str, source: str) -> None:
    path = root / "fanzha" / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(source), encoding="utf-8")


@pytest.mark.parametrize(("rel", "source", "rule"), BAD, ids=[b[0] for b in BAD])
def test_each_break_is_found(tmp_path: Path, rel: str, source: str, rule: str) -> None:
    _write(tmp_path, rel, source)
    found = check(tmp_path)
    assert len(found[rule]) == 1, found
    assert rel.removesuffix(".py").replace("/", ".") in found[rule][0]
    assert sum(len(v) for v in found.values()) == 1, found


@pytest.mark.parametrize(("rel", "source"), GOOD, ids=[g[0] for g in GOOD])
def test_allowed_shapes_pass(tmp_path: Path, rel: str, source: str) -> None:
    _write(tmp_path, rel, source)
    assert {rule: v for rule, v in check(tmp_path).items() if v} == {}
