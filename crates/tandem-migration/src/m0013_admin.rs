//! What a self-hosting admin needs (SPEC §6, §7): accounts that can be disabled
//! and invited (an invited account has no password until its link is used);
//! sessions that remember their browser, and when they and their accounts were
//! last seen (kept apart from the rows every request reads, so a visit does not
//! move the read caches); single-use links to set a password (a reset, an
//! invitation), kept as hashes; the hash-chained audit log of admin and
//! coordinator actions; and archived programs.
use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

fn cascade_to(
    table: &'static str,
    column: &'static str,
    parent: &'static str,
) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .from(table, column)
        .to(parent, "id")
        .on_delete(ForeignKeyAction::Cascade)
        .to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // SQLite alters one column a statement.
        m.alter_table(
            Table::alter()
                .table("users")
                .add_column(boolean("disabled").default(false))
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table("sessions")
                .add_column(string_len("user_agent", 200).default(""))
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table("programs")
                .add_column(boolean("archived").default(false))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("sessions_seen")
                .col(string_len("session_id", 36).primary_key())
                .col(timestamp_with_time_zone("seen_at"))
                .foreign_key(&mut cascade_to("sessions_seen", "session_id", "sessions"))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("users_seen")
                .col(string_len("user_id", 36).primary_key())
                .col(timestamp_with_time_zone("seen_at"))
                .foreign_key(&mut cascade_to("users_seen", "user_id", "users"))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("account_tokens")
                .col(string_len("id", 36).primary_key())
                .col(string_len("user_id", 36))
                .col(string_len("purpose", 20))
                .col(string_len("token_hash", 64).unique_key())
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone("expires_at"))
                .col(timestamp_with_time_zone_null("used_at"))
                .foreign_key(&mut cascade_to("account_tokens", "user_id", "users"))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("account_tokens_by_user")
                .table("account_tokens")
                .col("user_id")
                .to_owned(),
        )
        .await?;
        // Kept whole when the actor's account goes: the id stays, unlinked.
        m.create_table(
            Table::create()
                .table("audit_log")
                .col(pk_auto("seq"))
                .col(timestamp_with_time_zone("at"))
                .col(string_len("actor_id", 36))
                .col(string_len("action", 60))
                .col(string_len("object_type", 40))
                .col(string_len("object_id", 36))
                .col(string_len("hash", 64))
                .to_owned(),
        )
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for table in ["audit_log", "account_tokens", "users_seen", "sessions_seen"] {
            m.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        for (table, column) in [
            ("programs", "archived"),
            ("sessions", "user_agent"),
            ("users", "disabled"),
        ] {
            m.alter_table(Table::alter().table(table).drop_column(column).to_owned())
                .await?;
        }
        Ok(())
    }
}
