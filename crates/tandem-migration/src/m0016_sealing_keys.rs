//! The keys the database's sealed content is under (SPEC §7 Sealed content):
//! one row a key, with a value sealed under it, so that a server started with
//! another key, or none, is refused before it serves anything. The key itself
//! is never here.
//!
//! The calendar feed's secret is shown again, so it is sealed too; feeds find
//! their account by its SHA-256 from now on (`calendar_token_hash`), filled
//! here for the secrets there are.
//!
//! A sealed value is longer than its text, so the content columns that had a
//! length limit become `text` on PostgreSQL (SQLite never enforced one); the
//! application keeps checking the length of what is typed.
use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;
use sea_orm_migration::sea_orm::DatabaseBackend;

/// Content columns that had a length limit.
const LIMITED: &[(&str, &str)] = &[
    ("users", "calendar_token"),
    ("agreements", "channel"),
    ("meetings", "location"),
    ("action_items", "title"),
    ("goals", "title"),
    ("milestones", "title"),
];

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("sealing_keys")
                .col(string_len("key_id", 8).primary_key())
                .col(text("check_value"))
                .col(timestamp_with_time_zone("created_at"))
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table("users")
                .add_column(string_len_null("calendar_token_hash", 64))
                .to_owned(),
        )
        .await?;
        let db = m.get_connection();
        let mut last = String::new();
        loop {
            let mut read = Query::select();
            read.columns([Alias::new("id"), Alias::new("calendar_token")])
                .from(Alias::new("users"))
                .and_where(Expr::col(Alias::new("id")).gt(last.clone()))
                .order_by(Alias::new("id"), Order::Asc)
                .limit(500);
            let rows = db.query_all(&read).await?;
            if rows.is_empty() {
                break;
            }
            for r in &rows {
                let id: String = r.try_get("", "id")?;
                let token: Option<String> = r.try_get("", "calendar_token")?;
                if let Some(token) = token {
                    use sha2::{Digest, Sha256};
                    let mut update = Query::update();
                    update
                        .table(Alias::new("users"))
                        .value(
                            Alias::new("calendar_token_hash"),
                            hex::encode(Sha256::digest(token.as_bytes())),
                        )
                        .and_where(Expr::col(Alias::new("id")).eq(id.clone()));
                    m.exec_stmt(update).await?;
                }
                last = id;
            }
        }
        m.drop_index(
            Index::drop()
                .name("idx_users_calendar_token")
                .table("users")
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_users_calendar_token_hash")
                .table("users")
                .col("calendar_token_hash")
                .unique()
                .to_owned(),
        )
        .await?;
        if m.get_database_backend() == DatabaseBackend::Postgres {
            for (table, column) in LIMITED {
                m.get_connection()
                    .execute_unprepared(&format!(
                        "ALTER TABLE \"{table}\" ALTER COLUMN \"{column}\" TYPE text"
                    ))
                    .await?;
            }
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table("sealing_keys").to_owned())
            .await
    }
}
