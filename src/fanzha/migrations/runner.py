"""Running migrations programmatically (CLI, tests, readiness probe)."""

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Connection

from fanzha.core.db import create_private_sqlite_file

HERE = Path(__file__).parent


def alembic_config(url: str) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(HERE))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def upgrade(url: str) -> None:
    if url.startswith("sqlite"):
        create_private_sqlite_file(url)
    command.upgrade(alembic_config(url), "heads")


def pending_heads(connection: Connection) -> list[str]:
    """Heads not yet applied. The version table lists only leaves: a branch that others
    ``depends_on`` (core) is applied when any revision above it is."""
    script = ScriptDirectory.from_config(alembic_config(str(connection.engine.url)))
    current = MigrationContext.configure(connection).get_current_heads()
    applied = {rev.revision for rev in script.iterate_revisions(current, "base") if rev is not None}
    return sorted(set(script.get_heads()) - applied)
