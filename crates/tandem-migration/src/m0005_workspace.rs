//! The relationship's workspace: goals and milestones, meetings with their notes,
//! action items and feedback, kudos, messages, introductions, and office hours.
//! What a person wrote for themself or said (private notes, messages, feedback,
//! kudos, introductions) goes with their account; what others wrote stays.
use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

fn id(name: &'static str) -> ColumnDef {
    string_len(name, 36).primary_key().to_owned()
}

fn fk(
    table: &'static str,
    col: &'static str,
    to: &'static str,
    on_delete: ForeignKeyAction,
) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .from(table, col)
        .to(to, "id")
        .on_delete(on_delete)
        .to_owned()
}

fn index(table: &'static str, name: &'static str, cols: &[&'static str]) -> IndexCreateStatement {
    let mut idx = Index::create();
    idx.name(name).table(table);
    for c in cols {
        idx.col(*c);
    }
    idx.to_owned()
}

/// Content of a relationship: removed with it, and written by someone.
fn of_relationship(table: &'static str) -> TableCreateStatement {
    Table::create()
        .table(table)
        .col(id("id"))
        .col(string_len("mentorship_id", 36))
        .foreign_key(&mut fk(
            table,
            "mentorship_id",
            "mentorships",
            ForeignKeyAction::Cascade,
        ))
        .to_owned()
}

const TABLES: &[&str] = &[
    "availability",
    "introductions",
    "messages",
    "kudos",
    "feedback",
    "action_items",
    "private_notes",
    "meetings",
    "milestones",
    "goals",
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        use ForeignKeyAction::{Cascade, SetNull};
        m.create_table(
            of_relationship("goals")
                .col(string_len("title", 200))
                .col(text("description"))
                .col(string_len("horizon", 10))
                .col(date_null("due_on"))
                .col(string_len("status", 12))
                .col(string_len_null("created_by", 36))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone_null("achieved_at"))
                .foreign_key(&mut fk("goals", "created_by", "users", SetNull))
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "goals",
            "idx_goals_mentorship",
            &["mentorship_id", "created_at"],
        ))
        .await?;
        m.create_table(
            Table::create()
                .table("milestones")
                .col(id("id"))
                .col(string_len("goal_id", 36))
                .col(string_len("mentorship_id", 36))
                .col(string_len("title", 200))
                .col(text("description"))
                .col(date_null("due_on"))
                .col(string_len("status", 12))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone_null("achieved_at"))
                .foreign_key(&mut fk("milestones", "goal_id", "goals", Cascade))
                .foreign_key(&mut fk(
                    "milestones",
                    "mentorship_id",
                    "mentorships",
                    Cascade,
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "milestones",
            "idx_milestones_goal",
            &["goal_id", "created_at"],
        ))
        .await?;
        m.create_index(index(
            "milestones",
            "idx_milestones_mentorship",
            &["mentorship_id"],
        ))
        .await?;
        m.create_table(
            of_relationship("meetings")
                .col(timestamp_with_time_zone("starts_at"))
                .col(integer("duration_minutes"))
                .col(string_len("location", 300))
                .col(text("agenda"))
                .col(string_len("status", 12))
                .col(text("shared_notes"))
                .col(integer("sequence"))
                .col(boolean("booked"))
                .col(string_len_null("created_by", 36))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone("updated_at"))
                .foreign_key(&mut fk("meetings", "created_by", "users", SetNull))
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "meetings",
            "idx_meetings_mentorship",
            &["mentorship_id", "starts_at"],
        ))
        .await?;
        m.create_index(index(
            "meetings",
            "idx_meetings_starts",
            &["status", "starts_at"],
        ))
        .await?;
        m.create_table(
            Table::create()
                .table("private_notes")
                .col(string_len("meeting_id", 36))
                .col(string_len("author_id", 36))
                .col(text("body"))
                .col(timestamp_with_time_zone("updated_at"))
                .primary_key(Index::create().col("meeting_id").col("author_id"))
                .foreign_key(&mut fk("private_notes", "meeting_id", "meetings", Cascade))
                .foreign_key(&mut fk("private_notes", "author_id", "users", Cascade))
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "private_notes",
            "idx_private_notes_author",
            &["author_id"],
        ))
        .await?;
        m.create_table(
            of_relationship("action_items")
                .col(string_len("meeting_id", 36))
                .col(string_len("title", 300))
                .col(string_len_null("owner_id", 36))
                .col(date_null("due_on"))
                .col(boolean("done"))
                .col(timestamp_with_time_zone_null("done_at"))
                .col(timestamp_with_time_zone("created_at"))
                .foreign_key(&mut fk("action_items", "meeting_id", "meetings", Cascade))
                .foreign_key(&mut fk("action_items", "owner_id", "users", SetNull))
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "action_items",
            "idx_action_items_mentorship",
            &["mentorship_id", "done"],
        ))
        .await?;
        m.create_index(index(
            "action_items",
            "idx_action_items_meeting",
            &["meeting_id", "created_at"],
        ))
        .await?;
        m.create_table(
            of_relationship("feedback")
                .col(string_len("meeting_id", 36))
                .col(string_len("author_id", 36))
                .col(integer("rating"))
                .col(text("went_well"))
                .col(text("to_improve"))
                .col(text("encouragement"))
                .col(timestamp_with_time_zone("created_at"))
                .foreign_key(&mut fk("feedback", "meeting_id", "meetings", Cascade))
                .foreign_key(&mut fk("feedback", "author_id", "users", Cascade))
                .to_owned(),
        )
        .await?;
        m.create_index(
            index(
                "feedback",
                "idx_feedback_once",
                &["meeting_id", "author_id"],
            )
            .unique()
            .to_owned(),
        )
        .await?;
        m.create_index(index(
            "feedback",
            "idx_feedback_mentorship",
            &["mentorship_id"],
        ))
        .await?;
        for table in ["kudos", "messages"] {
            let body = if table == "kudos" { "message" } else { "body" };
            m.create_table(
                of_relationship(table)
                    .col(string_len("author_id", 36))
                    .col(text(body))
                    .col(timestamp_with_time_zone("created_at"))
                    .foreign_key(&mut fk(table, "author_id", "users", Cascade))
                    .to_owned(),
            )
            .await?;
        }
        m.create_index(index(
            "kudos",
            "idx_kudos_mentorship",
            &["mentorship_id", "created_at"],
        ))
        .await?;
        m.create_index(index(
            "messages",
            "idx_messages_mentorship",
            &["mentorship_id", "created_at"],
        ))
        .await?;
        m.create_table(
            of_relationship("introductions")
                .col(string_len("author_id", 36))
                .col(string_len("contact_name", 200))
                .col(string_len("contact_email", 254))
                .col(text("note"))
                .col(timestamp_with_time_zone("created_at"))
                .foreign_key(&mut fk("introductions", "author_id", "users", Cascade))
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "introductions",
            "idx_introductions_mentorship",
            &["mentorship_id", "created_at"],
        ))
        .await?;
        // A meeting's e-mails carry its calendar file.
        m.alter_table(
            Table::alter()
                .table("emails")
                .add_column(text_null("calendar"))
                .to_owned(),
        )
        .await?;
        // Every account gets the secret of its personal calendar feed (new ones
        // get it when they are created).
        let fill = match m.get_database_backend() {
            sea_orm_migration::sea_orm::DatabaseBackend::Postgres => {
                "UPDATE users SET calendar_token = replace(gen_random_uuid()::text, '-', '') \
                 || replace(gen_random_uuid()::text, '-', '') WHERE calendar_token IS NULL"
            }
            _ => "UPDATE users SET calendar_token = lower(hex(randomblob(32))) WHERE calendar_token IS NULL",
        };
        m.get_connection().execute_unprepared(fill).await?;
        // The personal calendar feed is looked up by its secret.
        m.create_index(
            index("users", "idx_users_calendar_token", &["calendar_token"])
                .unique()
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("availability")
                .col(string_len("user_id", 36).primary_key())
                .col(string_len("timezone", 64))
                .col(integer("slot_minutes"))
                .col(string_len("location", 300))
                .col(text("windows"))
                .col(timestamp_with_time_zone("updated_at"))
                .foreign_key(&mut fk("availability", "user_id", "users", Cascade))
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table("emails")
                .drop_column("calendar")
                .to_owned(),
        )
        .await?;
        m.drop_index(
            Index::drop()
                .name("idx_users_calendar_token")
                .table("users")
                .to_owned(),
        )
        .await?;
        for table in TABLES {
            m.drop_table(Table::drop().table(*table).to_owned()).await?;
        }
        Ok(())
    }
}
