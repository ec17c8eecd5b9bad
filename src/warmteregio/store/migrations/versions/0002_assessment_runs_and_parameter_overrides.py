"""assessment runs and parameter overrides

Tables beoordelingsruns (one run of the afwegingskader, with provenance) and beoordelingsresultaten
(buurt x variant rows, headline indicators as columns, the rest as JSON text); parameter sets and values
record who copied or overrode them, from which set, and why.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22 12:17:25.998331
"""

from alembic import op
import sqlalchemy as sa


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('beoordelingsruns',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('regio_code', sa.String(length=4), nullable=True),
    sa.Column('buurten', sa.Text(), nullable=True),
    sa.Column('buurt_jaar', sa.Integer(), nullable=True),
    sa.Column('zichtjaar', sa.Integer(), nullable=False),
    sa.Column('parameterset_naam', sa.String(length=100), nullable=False),
    sa.Column('parameterset_versie', sa.String(length=40), nullable=False),
    sa.Column('overrides', sa.Text(), nullable=True),
    sa.Column('catalogus_versie', sa.String(length=60), nullable=True),
    sa.Column('code_versie', sa.String(length=40), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('gestart', sa.DateTime(timezone=True), nullable=False),
    sa.Column('beeindigd', sa.DateTime(timezone=True), nullable=True),
    sa.Column('gestart_door_id', sa.Integer(), nullable=True),
    sa.Column('aantal_rijen', sa.Integer(), nullable=False),
    sa.Column('foutmelding', sa.Text(), nullable=True),
    sa.Column('bronnen', sa.Text(), nullable=True),
    sa.Column('kolommen', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['gestart_door_id'], ['users.id'], name=op.f('fk_beoordelingsruns_gestart_door_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_beoordelingsruns'))
    )
    with op.batch_alter_table('beoordelingsruns', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_beoordelingsruns_regio_code'), ['regio_code'], unique=False)

    op.create_table('beoordelingsresultaten',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('run_id', sa.Integer(), nullable=False),
    sa.Column('buurt_code', sa.String(length=10), nullable=False),
    sa.Column('buurt_jaar', sa.Integer(), nullable=True),
    sa.Column('strategie', sa.String(length=60), nullable=False),
    sa.Column('h15_co2_uitstoot', sa.Float(), nullable=True),
    sa.Column('h16_nat_meerkost', sa.Float(), nullable=True),
    sa.Column('h17_nat_meerkost_co2', sa.Float(), nullable=True),
    sa.Column('h18_nat_meerkost_weq', sa.Float(), nullable=True),
    sa.Column('k10_kapitaallasten', sa.Float(), nullable=True),
    sa.Column('k17_variabele_kosten', sa.Float(), nullable=True),
    sa.Column('waarden', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['run_id'], ['beoordelingsruns.id'], name=op.f('fk_beoordelingsresultaten_run_id_beoordelingsruns'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_beoordelingsresultaten'))
    )
    with op.batch_alter_table('beoordelingsresultaten', schema=None) as batch_op:
        batch_op.create_index('ix_beoordelingsresultaten_run_buurt', ['run_id', 'buurt_code'], unique=False)

    with op.batch_alter_table('parameter_sets', schema=None) as batch_op:
        batch_op.add_column(sa.Column('basis_naam', sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column('basis_versie', sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column('aangemaakt_door_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_parameter_sets_aangemaakt_door_id_users'), 'users', ['aangemaakt_door_id'], ['id'], ondelete='SET NULL')

    with op.batch_alter_table('parameter_waarden', schema=None) as batch_op:
        batch_op.add_column(sa.Column('oorspronkelijke_waarde', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('aangepast_door_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('reden', sa.Text(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_parameter_waarden_aangepast_door_id_users'), 'users', ['aangepast_door_id'], ['id'], ondelete='SET NULL')



def downgrade() -> None:
    with op.batch_alter_table('parameter_waarden', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_parameter_waarden_aangepast_door_id_users'), type_='foreignkey')
        batch_op.drop_column('reden')
        batch_op.drop_column('aangepast_door_id')
        batch_op.drop_column('oorspronkelijke_waarde')

    with op.batch_alter_table('parameter_sets', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_parameter_sets_aangemaakt_door_id_users'), type_='foreignkey')
        batch_op.drop_column('aangemaakt_door_id')
        batch_op.drop_column('basis_versie')
        batch_op.drop_column('basis_naam')

    with op.batch_alter_table('beoordelingsresultaten', schema=None) as batch_op:
        batch_op.drop_index('ix_beoordelingsresultaten_run_buurt')

    op.drop_table('beoordelingsresultaten')
    with op.batch_alter_table('beoordelingsruns', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_beoordelingsruns_regio_code'))

    op.drop_table('beoordelingsruns')
