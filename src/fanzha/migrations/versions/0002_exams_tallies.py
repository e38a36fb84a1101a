"""exams: running tallies per class, question and node/hour/fraud type, filled from the submissions

The results page and prevention's weak topics read these instead of every answer; each new
submission adds to them (exams.tally). Existing submissions are tallied here. Also indexes on the
submissions' time (the partial hours at a window's ends) and candidate (repeat attempts).

Revision ID: 0002_exams
Revises: 0001_exams
Create Date: 2026-12-01 11:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import fanzha.core.db

revision: str = "0002_exams"
down_revision: str | Sequence[str] | None = "0001_exams"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

WRONG = "SUM(CASE WHEN i.correct = false THEN 1 ELSE 0 END)"
HOUR = {
    "postgresql": "CAST(floor(extract(epoch FROM s.submitted_at) / 3600) AS INTEGER)",
    "sqlite": "CAST(strftime('%s', s.submitted_at) AS INTEGER) / 3600",
}
BACKFILL = [
    """INSERT INTO exam_class_tallies
         (exam_id, school, class_name, node_path, participants, passed, score_sum, submissions)
       SELECT exam_id, school, class_name, MIN(node_path), COUNT(DISTINCT candidate_id),
              COUNT(DISTINCT CASE WHEN passed THEN candidate_id END), SUM(score), COUNT(*)
       FROM exam_submissions GROUP BY exam_id, school, class_name""",
    f"""INSERT INTO exam_question_tallies (exam_id, question_id, fraud_type, answers, wrong)
        SELECT i.exam_id, i.question_id, MIN(i.fraud_type), COUNT(*), {WRONG}
        FROM exam_attempt_items i JOIN exam_submissions s ON s.attempt_id = i.attempt_id
        GROUP BY i.exam_id, i.question_id""",
    f"""INSERT INTO exam_topic_tallies (node_path, hour, fraud_type, exam_id, answers, wrong)
        SELECT s.node_path, {{hour}}, i.fraud_type, i.exam_id, COUNT(*), {WRONG}
        FROM exam_attempt_items i JOIN exam_submissions s ON s.attempt_id = i.attempt_id
        GROUP BY s.node_path, {{hour}}, i.fraud_type, i.exam_id""",
]


def upgrade() -> None:
    op.create_table(
        "exam_class_tallies",
        sa.Column("exam_id", sa.Integer(), nullable=False),
        sa.Column("school", sa.String(length=100), nullable=False),
        sa.Column("class_name", sa.String(length=60), nullable=False),
        sa.Column("node_path", fanzha.core.db.node_path_type(), nullable=False),
        sa.Column("participants", sa.Integer(), nullable=False),
        sa.Column("passed", sa.Integer(), nullable=False),
        sa.Column("score_sum", sa.Integer(), nullable=False),
        sa.Column("submissions", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["exam_id"], ["exams.id"], name=op.f("fk_exam_class_tallies_exam_id_exams")),
        sa.PrimaryKeyConstraint("exam_id", "school", "class_name", name=op.f("pk_exam_class_tallies")),
    )
    op.create_table(
        "exam_question_tallies",
        sa.Column("exam_id", sa.Integer(), nullable=False),
        sa.Column("question_id", sa.Integer(), nullable=False),
        sa.Column("fraud_type", sa.String(length=40), nullable=False),
        sa.Column("answers", sa.Integer(), nullable=False),
        sa.Column("wrong", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["exam_id"], ["exams.id"], name=op.f("fk_exam_question_tallies_exam_id_exams")
        ),
        sa.PrimaryKeyConstraint("exam_id", "question_id", name=op.f("pk_exam_question_tallies")),
    )
    op.create_table(
        "exam_topic_tallies",
        sa.Column("node_path", fanzha.core.db.node_path_type(), nullable=False),
        sa.Column("hour", sa.Integer(), nullable=False),
        sa.Column("fraud_type", sa.String(length=40), nullable=False),
        sa.Column("exam_id", sa.Integer(), nullable=False),
        sa.Column("answers", sa.Integer(), nullable=False),
        sa.Column("wrong", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["exam_id"], ["exams.id"], name=op.f("fk_exam_topic_tallies_exam_id_exams")),
        sa.PrimaryKeyConstraint(
            "node_path", "hour", "fraud_type", "exam_id", name=op.f("pk_exam_topic_tallies")
        ),
    )
    with op.batch_alter_table("exam_submissions", schema=None) as batch_op:
        batch_op.create_index("ix_exam_submissions_time", ["submitted_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_exam_submissions_candidate_id"), ["candidate_id"], unique=False)
    hour = HOUR[op.get_bind().dialect.name]
    for statement in BACKFILL:
        op.execute(statement.format(hour=hour))


def downgrade() -> None:
    with op.batch_alter_table("exam_submissions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_exam_submissions_candidate_id"))
        batch_op.drop_index("ix_exam_submissions_time")
    op.drop_table("exam_topic_tallies")
    op.drop_table("exam_question_tallies")
    op.drop_table("exam_class_tallies")
