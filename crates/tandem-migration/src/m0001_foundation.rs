//! Accounts, profiles, programs, enrolments, mentorships and agreements.
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

fn index(
    table: &'static str,
    name: &'static str,
    cols: &[&'static str],
    unique: bool,
) -> IndexCreateStatement {
    let mut idx = Index::create();
    idx.name(name).table(table);
    for c in cols {
        idx.col(*c);
    }
    if unique {
        idx.unique();
    }
    idx.to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        use ForeignKeyAction::{Cascade, SetNull};
        m.create_table(
            Table::create()
                .table("users")
                .col(id("id"))
                .col(string_len_uniq("email", 254))
                .col(string_len("name", 120))
                .col(string("password_hash"))
                .col(boolean("is_admin"))
                .col(string_len_null("calendar_token", 64))
                .col(timestamp_with_time_zone("created_at"))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("sessions")
                .col(id("id"))
                .col(string_len_uniq("token_hash", 64))
                .col(string_len("user_id", 36))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone("expires_at"))
                .foreign_key(&mut fk("sessions", "user_id", "users", Cascade))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("login_failures")
                .col(pk_auto("id"))
                .col(string_len("throttle_key", 300))
                .col(timestamp_with_time_zone("failed_at"))
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "login_failures",
            "idx_login_failures_key",
            &["throttle_key", "failed_at"],
            false,
        ))
        .await?;
        m.create_table(
            Table::create()
                .table("profiles")
                .col(string_len("user_id", 36).primary_key())
                .col(string_len("field", 120))
                .col(string_len("headline", 200))
                .col(text("bio"))
                .col(string_len("known_for", 300))
                .col(integer_null("years_experience"))
                .col(string_len_null("seniority", 20))
                .col(text("skills"))
                .col(text("interests"))
                .col(text("values"))
                .col(string_len("education", 300))
                .col(text("languages"))
                .col(string_len_null("timezone", 64))
                .col(string_len("location", 120))
                .col(string_len("department", 120))
                .col(string_len_null("manager_email", 254))
                .col(string_len_null("learning_style", 20))
                .col(string_len_null("meeting_preference", 20))
                .col(integer_null("hours_per_month"))
                .col(timestamp_with_time_zone("updated_at"))
                .foreign_key(&mut fk("profiles", "user_id", "users", Cascade))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("plans")
                .col(string_len("user_id", 36).primary_key())
                .col(text("strengths"))
                .col(text("improve"))
                .col(text("short_term_goals"))
                .col(text("long_term_goals"))
                .col(timestamp_with_time_zone("updated_at"))
                .foreign_key(&mut fk("plans", "user_id", "users", Cascade))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("programs")
                .col(id("id"))
                .col(string_len("name", 200))
                .col(text("description"))
                .col(string_len("kind", 20))
                .col(string_len("context", 20))
                .col(date("starts_on"))
                .col(date("ends_on"))
                .col(integer("mentor_capacity"))
                .col(integer("cadence_days"))
                .col(integer("max_mentors_per_mentee"))
                .col(integer("request_expiry_days"))
                .col(integer("max_timezone_gap_hours"))
                .col(text("weights"))
                .col(timestamp_with_time_zone("created_at"))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("coordinators")
                .col(string_len("program_id", 36))
                .col(string_len("user_id", 36))
                .col(timestamp_with_time_zone("created_at"))
                .primary_key(Index::create().col("program_id").col("user_id"))
                .foreign_key(&mut fk("coordinators", "program_id", "programs", Cascade))
                .foreign_key(&mut fk("coordinators", "user_id", "users", Cascade))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("enrollments")
                .col(id("id"))
                .col(string_len("program_id", 36))
                .col(string_len("user_id", 36))
                .col(string_len("role", 10))
                .col(integer_null("capacity"))
                .col(text("wants_skills"))
                .col(text("goals_summary"))
                .col(timestamp_with_time_zone("created_at"))
                .foreign_key(&mut fk("enrollments", "program_id", "programs", Cascade))
                .foreign_key(&mut fk("enrollments", "user_id", "users", Cascade))
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "enrollments",
            "uq_enrollments_person_role",
            &["program_id", "user_id", "role"],
            true,
        ))
        .await?;
        m.create_table(
            Table::create()
                .table("shortlist_entries")
                .col(string_len("owner_id", 36))
                .col(string_len("person_id", 36))
                .col(string_len("connection", 300))
                .col(timestamp_with_time_zone("created_at"))
                .primary_key(Index::create().col("owner_id").col("person_id"))
                .foreign_key(&mut fk("shortlist_entries", "owner_id", "users", Cascade))
                .foreign_key(&mut fk("shortlist_entries", "person_id", "users", Cascade))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("mentorships")
                .col(id("id"))
                .col(string_len("program_id", 36))
                .col(string_len_null("mentor_id", 36))
                .col(string_len("status", 20))
                .col(string_len("origin", 20))
                .col(text("intro"))
                .col(text("reasons"))
                .col(text("ask"))
                .col(text_null("decline_reason"))
                .col(string_len_null("merged_into", 36))
                .col(boolean("mentor_accepted"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone_null("expires_at"))
                .col(timestamp_with_time_zone_null("started_at"))
                .col(timestamp_with_time_zone_null("ended_at"))
                .col(string_len_null("end_reason", 30))
                .col(text_null("end_note"))
                .foreign_key(&mut fk("mentorships", "program_id", "programs", Cascade))
                .foreign_key(&mut fk("mentorships", "mentor_id", "users", SetNull))
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "mentorships",
            "idx_mentorships_mentor",
            &["mentor_id", "status"],
            false,
        ))
        .await?;
        m.create_index(index(
            "mentorships",
            "idx_mentorships_expiry",
            &["status", "expires_at"],
            false,
        ))
        .await?;
        m.create_table(
            Table::create()
                .table("mentorship_mentees")
                .col(id("id"))
                .col(string_len("mentorship_id", 36))
                // Null once the mentee erased their account: the pair stays, shown as "Former member".
                .col(string_len_null("mentee_id", 36))
                .col(boolean("accepted"))
                .col(timestamp_with_time_zone("joined_at"))
                .foreign_key(&mut fk(
                    "mentorship_mentees",
                    "mentorship_id",
                    "mentorships",
                    Cascade,
                ))
                .foreign_key(&mut fk("mentorship_mentees", "mentee_id", "users", SetNull))
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "mentorship_mentees",
            "uq_mentorship_mentees",
            &["mentorship_id", "mentee_id"],
            true,
        ))
        .await?;
        m.create_index(index(
            "mentorship_mentees",
            "idx_mentorship_mentees_mentee",
            &["mentee_id"],
            false,
        ))
        .await?;
        m.create_table(
            Table::create()
                .table("agreements")
                .col(string_len("mentorship_id", 36).primary_key())
                .col(text("goals"))
                .col(integer("cadence_days"))
                .col(integer("meeting_minutes"))
                .col(string_len("channel", 200))
                .col(text("boundaries"))
                .col(text("confidentiality"))
                .col(string_len("updated_by", 36))
                .col(timestamp_with_time_zone("updated_at"))
                .foreign_key(&mut fk(
                    "agreements",
                    "mentorship_id",
                    "mentorships",
                    Cascade,
                ))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("agreement_signatures")
                .col(string_len("mentorship_id", 36))
                .col(string_len("user_id", 36))
                .col(timestamp_with_time_zone("signed_at"))
                .primary_key(Index::create().col("mentorship_id").col("user_id"))
                .foreign_key(&mut fk(
                    "agreement_signatures",
                    "mentorship_id",
                    "mentorships",
                    Cascade,
                ))
                .foreign_key(&mut fk("agreement_signatures", "user_id", "users", Cascade))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("reflections")
                .col(string_len("mentorship_id", 36))
                .col(string_len("user_id", 36))
                .col(text("text"))
                .col(timestamp_with_time_zone("written_at"))
                .primary_key(Index::create().col("mentorship_id").col("user_id"))
                .foreign_key(&mut fk(
                    "reflections",
                    "mentorship_id",
                    "mentorships",
                    Cascade,
                ))
                .foreign_key(&mut fk("reflections", "user_id", "users", Cascade))
                .to_owned(),
        )
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for t in [
            "reflections",
            "agreement_signatures",
            "agreements",
            "mentorship_mentees",
            "mentorships",
            "shortlist_entries",
            "enrollments",
            "coordinators",
            "programs",
            "plans",
            "profiles",
            "login_failures",
            "sessions",
            "users",
        ] {
            m.drop_table(Table::drop().table(t).to_owned()).await?;
        }
        Ok(())
    }
}
