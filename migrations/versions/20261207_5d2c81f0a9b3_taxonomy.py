"""the taxonomy: the categories of seed/categories.yaml, so that a migrated database can take imports

Revision ID: 5d2c81f0a9b3
Revises: 404535bd2416
Create Date: 2026-12-07 14:00:00
"""

from collections.abc import Sequence
from pathlib import Path

import sqlalchemy as sa
import yaml
from alembic import op

revision: str = '5d2c81f0a9b3'
down_revision: str | None = '404535bd2416'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TAXONOMY = Path(__file__).resolve().parents[2] / "seed" / "categories.yaml"

# The table as it stands at this revision (not app.models: a later model must not change this migration).
category = sa.table(
    "category",
    sa.column("id", sa.Integer), sa.column("path", sa.String), sa.column("parent_id", sa.Integer),
    sa.column("slug", sa.String), sa.column("name", sa.String), sa.column("name_zh", sa.String),
    sa.column("position", sa.Integer),
)


def upgrade() -> None:
    """Adds the categories a database does not have yet; existing ones (and their ids) are left as they are.
    Later changes to the taxonomy file are loaded by `qmarket seed`, which updates names and order."""
    connection = op.get_bind()
    known = dict(connection.execute(sa.select(category.c.path, category.c.id)).all())
    tops = yaml.safe_load(TAXONOMY.read_text(encoding="utf-8"))
    for top_position, top in enumerate(tops):
        parent_id = known.get(top["slug"]) or _insert(connection, top["slug"], None, top, top_position)
        for position, sub in enumerate(top.get("subcategories") or []):
            path = f"{top['slug']}/{sub['slug']}"
            if path not in known:
                _insert(connection, path, parent_id, sub, position)


def _insert(connection, path: str, parent_id: int | None, data: dict, position: int) -> int:
    result = connection.execute(category.insert().values(
        path=path, parent_id=parent_id, slug=data["slug"], name=data["name"], name_zh=data["name_zh"],
        position=position).returning(category.c.id))
    return result.scalar_one()


def downgrade() -> None:
    # Categories are data that listings and organisations point to: going back a revision keeps them.
    pass
