"""search folded text

Revision ID: 0025
Revises: 0023
Create Date: 2026-12-07

Issue 19, point 4 (text search normalises 全角/半角 and case): task.title_folded,
task.description_folded and rectification.problem_folded hold the searchable form of their
source column (models/rules/search.py fold: NFKC, casefold, NFKC), so ＶＯＣｓ finds what VOCs
finds with a LIKE on both backends. Existing rows are filled here with a frozen copy of
`fold`; new and changed rows by the writers (models/rules/search.py folded_values).
"""

import unicodedata
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0025"
down_revision: str | None = "0023"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# table -> source column -> folded column (frozen from models/rules/search.py FOLDED)
FOLDED = {
    "task": {"title": "title_folded", "description": "description_folded"},
    "rectification": {"problem": "problem_folded"},
}
BATCH = 5000


def _fold(text: str) -> str:
    """Frozen copy of models/rules/search.py fold."""
    return unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", text).casefold())


def upgrade() -> None:
    for table, columns in FOLDED.items():
        with op.batch_alter_table(table) as batch:
            for target in columns.values():
                batch.add_column(
                    sa.Column(target, sqlmodel.sql.sqltypes.AutoString(), nullable=True)
                )
    conn = op.get_bind()
    for table, columns in FOLDED.items():
        t = sa.table(
            table,
            sa.column("id", sa.Uuid()),
            *(sa.column(name, sa.Text()) for pair in columns.items() for name in pair),
        )
        sources = list(columns)
        update = (
            t.update()
            .where(t.c.id == sa.bindparam("row_id"))
            .values({target: sa.bindparam(f"v_{target}") for target in columns.values()})
        )
        last = None
        while True:
            query = sa.select(t.c.id, *(t.c[s] for s in sources)).order_by(t.c.id).limit(BATCH)
            if last is not None:
                query = query.where(t.c.id > last)
            rows = conn.execute(query).all()
            if not rows:
                break
            conn.execute(
                update,
                [
                    {
                        "row_id": row[0],
                        **{
                            f"v_{columns[source]}": None if value is None else _fold(value)
                            for source, value in zip(sources, row[1:], strict=True)
                        },
                    }
                    for row in rows
                ],
            )
            last = rows[-1][0]


def downgrade() -> None:
    for table, columns in FOLDED.items():
        with op.batch_alter_table(table) as batch:
            for target in columns.values():
                batch.drop_column(target)
