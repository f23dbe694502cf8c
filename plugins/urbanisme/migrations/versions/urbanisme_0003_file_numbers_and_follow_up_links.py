"""urbanisme: official file numbers, their counters, follow-up files linked to their authorisation, holder

Existing files get their numbers here, as if filed in deposit order: one
sequence per commune, deposit year and type letters; a permis modificatif or
a transfert whose authorisation number is readable gets that number plus
M01, T01… (in deposit order). Their ``initial_reference`` is rewritten in the
national format. Follow-ups filed before this revision are not linked to an
authorisation's file: their effects (prorogation, new holder, DOC and DAACT
dates) were never applied, and a link would claim they were. A DAACT's own
``daact_date`` becomes its receipt (its deposit), as new files record it, and
its conformity deadline follows. The counters end at the last numbers given.

Revision ID: urbanisme_0003
Revises: urbanisme_0002
"""
from collections import Counter

import sqlalchemy as sa
from alembic import op

# The format is the arrêté's, defined once (pure functions, no app needed).
from plugins.urbanisme import rules

revision = "urbanisme_0003"
down_revision = "urbanisme_0002"
branch_labels = None
depends_on = None

DOSSIER = sa.table(
    "urbanisme_dossier", sa.column("id", sa.Integer), sa.column("commune_id", sa.Integer),
    sa.column("procedure", sa.String), sa.column("deposit_date", sa.Date), sa.column("file_number", sa.String),
    sa.column("initial_reference", sa.String), sa.column("daact_date", sa.Date),
    sa.column("conformity_case", sa.String), sa.column("conformity_deadline", sa.Date),
)
COMMUNE = sa.table("commune", sa.column("id", sa.Integer), sa.column("insee_code", sa.String))
COUNTER = sa.table("urbanisme_number_counter", sa.column("commune_id", sa.Integer), sa.column("year", sa.Integer),
                   sa.column("kind", sa.String), sa.column("value", sa.Integer))


def upgrade():
    op.create_table(
        "urbanisme_number_counter",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("value", sa.Integer(), nullable=False),
        sa.Column("commune_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["commune_id"], ["commune.id"],
                                name=op.f("fk_urbanisme_number_counter_commune_id_commune"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_urbanisme_number_counter")),
        sa.UniqueConstraint("commune_id", "year", "kind", name="uq_urbanisme_number_counter_kind"),
    )
    with op.batch_alter_table("urbanisme_number_counter", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_urbanisme_number_counter_commune_id"), ["commune_id"], unique=False)

    with op.batch_alter_table("urbanisme_dossier", schema=None) as batch_op:
        batch_op.add_column(sa.Column("file_number", sa.String(length=30), nullable=True))
        batch_op.add_column(sa.Column("initial_dossier_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("holder_name", sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column("holder_since", sa.Date(), nullable=True))
        batch_op.create_index(batch_op.f("ix_urbanisme_dossier_initial_dossier_id"), ["initial_dossier_id"],
                              unique=False)
        batch_op.create_unique_constraint("uq_urbanisme_dossier_file_number", ["commune_id", "file_number"])
        batch_op.create_foreign_key(batch_op.f("fk_urbanisme_dossier_initial_dossier_id_urbanisme_dossier"),
                                    "urbanisme_dossier", ["initial_dossier_id"], ["id"], ondelete="SET NULL")

    _number_existing_files(op.get_bind())


def _number_existing_files(bind):
    rows = bind.execute(
        sa.select(DOSSIER, COMMUNE.c.insee_code).join(COMMUNE, COMMUNE.c.id == DOSSIER.c.commune_id)
        .order_by(DOSSIER.c.commune_id, DOSSIER.c.deposit_date, DOSSIER.c.id)).all()
    counters: Counter = Counter()
    for row in rows:
        procedure = rules.Procedure(row.procedure)
        values = {}
        letters = rules.FILE_NUMBER_LETTERS.get(procedure)
        original = rules.parse_file_number(row.initial_reference)
        if letters is not None:
            key = (row.commune_id, row.deposit_date.year, letters)
            counters[key] += 1
            values["file_number"] = _or_none(rules.file_number, letters, row.insee_code, row.deposit_date.year,
                                             counters[key])
        elif original is not None:
            original = original.original
            values["initial_reference"] = str(original)
            suffix = rules.FOLLOW_UP_SUFFIXES.get(procedure)
            if suffix is not None:
                key = (row.commune_id, 2000 + original.year, f"{original} {suffix}")
                counters[key] += 1
                values["file_number"] = _or_none(rules.follow_up_number, original, procedure, counters[key])
        if procedure is rules.Procedure.DAACT:
            values["daact_date"] = row.deposit_date
            values["conformity_deadline"] = rules.conformity_check_deadline(
                row.deposit_date, rules.ConformityCase(row.conformity_case)).value
        if values:
            bind.execute(DOSSIER.update().where(DOSSIER.c.id == row.id).values(**values))
    if counters:
        bind.execute(COUNTER.insert(), [{"commune_id": commune_id, "year": year, "kind": kind, "value": value}
                                        for (commune_id, year, kind), value in counters.items()])


def _or_none(make, *args):
    """The number, or None past the format's limits (an invalid INSEE code, a 100,000th file): left unnumbered."""
    try:
        return make(*args)
    except rules.UrbanismeRuleError:
        return None


def downgrade():
    with op.batch_alter_table("urbanisme_dossier", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_urbanisme_dossier_initial_dossier_id_urbanisme_dossier"),
                                 type_="foreignkey")
        batch_op.drop_constraint("uq_urbanisme_dossier_file_number", type_="unique")
        batch_op.drop_index(batch_op.f("ix_urbanisme_dossier_initial_dossier_id"))
        batch_op.drop_column("holder_since")
        batch_op.drop_column("holder_name")
        batch_op.drop_column("initial_dossier_id")
        batch_op.drop_column("file_number")

    with op.batch_alter_table("urbanisme_number_counter", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_urbanisme_number_counter_commune_id"))
    op.drop_table("urbanisme_number_counter")
