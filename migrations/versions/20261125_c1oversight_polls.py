"""oversight: 群众最不满意的10件事 polls, ballots, votes and remedy progress

Revision ID: c1oversight
Revises: a1accounts
Create Date: 2026-11-24 23:13:13.641357

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c1oversight'
down_revision = 'a1accounts'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('grievance_poll',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('township_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=255), nullable=False),
    sa.Column('proposals_from', sa.Date(), nullable=False),
    sa.Column('proposals_until', sa.Date(), nullable=False),
    sa.Column('voting_from', sa.Date(), nullable=False),
    sa.Column('voting_until', sa.Date(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('results_published_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['created_by_id'], ['user_account.id'], name=op.f('fk_grievance_poll_created_by_id_user_account'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['township_id'], ['township.id'], name=op.f('fk_grievance_poll_township_id_township'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_grievance_poll')),
    sa.UniqueConstraint('township_id', 'year', name='uq_grievance_poll_year')
    )
    with op.batch_alter_table('grievance_poll', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_grievance_poll_township_id'), ['township_id'], unique=False)

    op.create_table('poll_ballot',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('poll_id', sa.Integer(), nullable=False),
    sa.Column('code_hash', sa.String(length=128), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('used_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['poll_id'], ['grievance_poll.id'], name=op.f('fk_poll_ballot_poll_id_grievance_poll'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_poll_ballot')),
    sa.UniqueConstraint('code_hash', name=op.f('uq_poll_ballot_code_hash'))
    )
    with op.batch_alter_table('poll_ballot', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_poll_ballot_poll_id'), ['poll_id'], unique=False)

    op.create_table('poll_option',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('poll_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=255), nullable=False),
    sa.Column('detail', sa.Text(), nullable=True),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('merged_into_id', sa.Integer(), nullable=True),
    sa.Column('moderation_note', sa.String(length=500), nullable=True),
    sa.Column('proposed_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('moderated_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('supporters', sa.Integer(), nullable=False),
    sa.Column('lead_unit', sa.String(length=255), nullable=True),
    sa.Column('vote_count', sa.Integer(), nullable=False),
    sa.Column('rank', sa.Integer(), nullable=True),
    sa.Column('solved_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['merged_into_id'], ['poll_option.id'], name=op.f('fk_poll_option_merged_into_id_poll_option'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['poll_id'], ['grievance_poll.id'], name=op.f('fk_poll_option_poll_id_grievance_poll'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_poll_option'))
    )
    with op.batch_alter_table('poll_option', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_poll_option_poll_id'), ['poll_id'], unique=False)

    op.create_table('poll_vote',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('poll_id', sa.Integer(), nullable=False),
    sa.Column('ballot_id', sa.Integer(), nullable=False),
    sa.Column('option_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['ballot_id'], ['poll_ballot.id'], name=op.f('fk_poll_vote_ballot_id_poll_ballot'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['option_id'], ['poll_option.id'], name=op.f('fk_poll_vote_option_id_poll_option'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['poll_id'], ['grievance_poll.id'], name=op.f('fk_poll_vote_poll_id_grievance_poll'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_poll_vote')),
    sa.UniqueConstraint('ballot_id', 'option_id', name='uq_poll_vote_once')
    )
    with op.batch_alter_table('poll_vote', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_poll_vote_option_id'), ['option_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_poll_vote_poll_id'), ['poll_id'], unique=False)

    op.create_table('remedy_progress',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('option_id', sa.Integer(), nullable=False),
    sa.Column('posted_on', sa.Date(), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('solved', sa.Boolean(), nullable=False),
    sa.Column('posted_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['option_id'], ['poll_option.id'], name=op.f('fk_remedy_progress_option_id_poll_option'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['posted_by_id'], ['user_account.id'], name=op.f('fk_remedy_progress_posted_by_id_user_account'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_remedy_progress'))
    )
    with op.batch_alter_table('remedy_progress', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_remedy_progress_option_id'), ['option_id'], unique=False)



def downgrade():
    with op.batch_alter_table('remedy_progress', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_remedy_progress_option_id'))

    op.drop_table('remedy_progress')
    with op.batch_alter_table('poll_vote', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_poll_vote_poll_id'))
        batch_op.drop_index(batch_op.f('ix_poll_vote_option_id'))

    op.drop_table('poll_vote')
    with op.batch_alter_table('poll_option', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_poll_option_poll_id'))

    op.drop_table('poll_option')
    with op.batch_alter_table('poll_ballot', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_poll_ballot_poll_id'))

    op.drop_table('poll_ballot')
    with op.batch_alter_table('grievance_poll', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_grievance_poll_township_id'))

    op.drop_table('grievance_poll')
