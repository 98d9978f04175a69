//! The outgoing e-mail queue: every message is written in the transaction that
//! makes it due, and stays until it is delivered (retried with backoff).
use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("emails")
                .col(string_len("id", 36).primary_key())
                .col(string_len("to_name", 200))
                .col(string_len("to_address", 254))
                .col(text("subject"))
                .col(text("body"))
                .col(timestamp_with_time_zone("created_at"))
                .col(integer("attempts"))
                .col(timestamp_with_time_zone("next_attempt_at"))
                .col(timestamp_with_time_zone_null("sent_at"))
                .col(text_null("last_error"))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_emails_due")
                .table("emails")
                .col("sent_at")
                .col("next_attempt_at")
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table("emails").to_owned()).await
    }
}
