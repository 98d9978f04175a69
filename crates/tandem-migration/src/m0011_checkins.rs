//! Check-ins and the end survey (SPEC §6): each program's plan and questions,
//! the check-ins the jobs create (one per participant and period), their answers,
//! and each participant's answer to the survey at a relationship's close; and
//! an index on a program's relationships, which its report reads whole.
use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// Indexes for the report: (name, table, columns).
const INDEXES: &[(&str, &str, &[&str])] = &[
    (
        "idx_mentorships_program",
        "mentorships",
        &["program_id", "status"],
    ),
    (
        "idx_meetings_held",
        "meetings",
        &["mentorship_id", "status", "starts_at"],
    ),
    (
        "idx_feedback_ratings",
        "feedback",
        &["mentorship_id", "rating"],
    ),
    (
        "idx_milestones_status",
        "milestones",
        &["mentorship_id", "status"],
    ),
];

fn fk(
    from: &'static str,
    col: &'static str,
    to: &'static str,
    action: ForeignKeyAction,
) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .from(from, col)
        .to(to, "id")
        .on_delete(action)
        .to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        use ForeignKeyAction::{Cascade, SetNull};
        // A program's relationships, read whole by its report, and what the
        // report counts of each, from the index alone.
        for (name, table, cols) in INDEXES {
            let mut idx = Index::create();
            idx.name(*name).table(*table);
            for c in *cols {
                idx.col(*c);
            }
            m.create_index(idx.to_owned()).await?;
        }
        m.create_table(
            Table::create()
                .table("checkin_plans")
                .col(string_len("program_id", 36).primary_key())
                .col(integer("first_after_days"))
                .col(integer("every_days"))
                .col(timestamp_with_time_zone("updated_at"))
                .foreign_key(&mut fk("checkin_plans", "program_id", "programs", Cascade))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("checkin_questions")
                .col(string_len("id", 36).primary_key())
                .col(string_len("program_id", 36))
                .col(integer("position"))
                .col(text("text"))
                .col(string_len("kind", 10))
                .col(boolean("retired").default(false))
                .foreign_key(&mut fk(
                    "checkin_questions",
                    "program_id",
                    "programs",
                    Cascade,
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_checkin_questions_program")
                .table("checkin_questions")
                .col("program_id")
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("checkins")
                .col(string_len("id", 36).primary_key())
                .col(string_len("program_id", 36))
                .col(string_len("mentorship_id", 36))
                .col(string_len("user_id", 36))
                .col(date("due_on"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone_null("answered_at"))
                .foreign_key(&mut fk("checkins", "program_id", "programs", Cascade))
                .foreign_key(&mut fk("checkins", "mentorship_id", "mentorships", Cascade))
                .foreign_key(&mut fk("checkins", "user_id", "users", Cascade))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("uq_checkins_due")
                .table("checkins")
                .col("mentorship_id")
                .col("user_id")
                .col("due_on")
                .unique()
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_checkins_user")
                .table("checkins")
                .col("user_id")
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("checkin_answers")
                .col(string_len("checkin_id", 36))
                .col(string_len("question_id", 36))
                .col(string_len("program_id", 36))
                .col(integer_null("number"))
                .col(text_null("text"))
                .primary_key(Index::create().col("checkin_id").col("question_id"))
                .foreign_key(&mut fk(
                    "checkin_answers",
                    "checkin_id",
                    "checkins",
                    Cascade,
                ))
                .foreign_key(&mut fk(
                    "checkin_answers",
                    "question_id",
                    "checkin_questions",
                    Cascade,
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_checkin_answers_program")
                .table("checkin_answers")
                .col("program_id")
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("surveys")
                .col(string_len("id", 36).primary_key())
                .col(string_len("program_id", 36))
                .col(string_len("mentorship_id", 36))
                .col(string_len_null("user_id", 36))
                .col(integer("rating"))
                .col(boolean("recommend"))
                .col(text("comment"))
                .col(timestamp_with_time_zone("created_at"))
                .foreign_key(&mut fk("surveys", "program_id", "programs", Cascade))
                .foreign_key(&mut fk("surveys", "mentorship_id", "mentorships", Cascade))
                .foreign_key(&mut fk("surveys", "user_id", "users", SetNull))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("uq_surveys_once")
                .table("surveys")
                .col("mentorship_id")
                .col("user_id")
                .unique()
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_surveys_program")
                .table("surveys")
                .col("program_id")
                .to_owned(),
        )
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for t in [
            "surveys",
            "checkin_answers",
            "checkins",
            "checkin_questions",
            "checkin_plans",
        ] {
            m.drop_table(Table::drop().table(t).to_owned()).await?;
        }
        for (name, table, _) in INDEXES {
            m.drop_index(Index::drop().name(*name).table(*table).to_owned())
                .await?;
        }
        Ok(())
    }
}
