"""The migrations build exactly the schema the models describe, on both databases."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from fulfil.extensions import db


def test_upgrading_an_empty_database_gives_the_models_schema(app):
    # The session's database was built by `flask db upgrade` alone (see conftest).
    with db.engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"compare_type": True, "render_as_batch": True}
        )
        drift = compare_metadata(context, db.metadata)

    assert drift == []


def test_flask_db_check_finds_nothing_to_generate(runner):
    result = runner.invoke(args=["db", "check"])

    assert result.exit_code == 0, result.output  # alembic exits 1 on any drift
