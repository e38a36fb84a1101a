"""The models and the migrations describe the same schema: autogenerate finds nothing to do."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Column, Integer, MetaData, Table
from sqlalchemy.engine import Engine

from fanzha.models import Base


def test_autogenerate_finds_nothing_to_do(engine: Engine) -> None:
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        diff = compare_metadata(context, Base.metadata)
    assert diff == [], "add a migration (fanzha db revision) for: " + "; ".join(map(str, diff))


def test_a_table_without_a_migration_is_found(engine: Engine) -> None:
    models = MetaData()
    for table in Base.metadata.tables.values():
        table.to_metadata(models)
    Table("not_migrated", models, Column("id", Integer, primary_key=True))
    with engine.connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection), models)
    assert [(d[0], d[1].name) for d in diff] == [("add_table", "not_migrated")]
