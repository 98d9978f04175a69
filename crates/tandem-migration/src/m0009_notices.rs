//! E-mail for every step (SPEC §6): what the jobs have done, each piece of work
//! under a key of its own, written in the transaction that queues its e-mail, so
//! that a piece is done once whatever crashes and however many servers run the
//! jobs; the e-mails each person has turned off; each queued e-mail's kind; and
//! the health each relationship's participants were last alerted to.
use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("notices")
                .col(string_len("key", 200).primary_key())
                .col(timestamp_with_time_zone("done_at"))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("muted_notifications")
                .col(string_len("user_id", 36))
                .col(string_len("kind", 40))
                .primary_key(Index::create().col("user_id").col("kind"))
                .foreign_key(
                    ForeignKey::create()
                        .from("muted_notifications", "user_id")
                        .to("users", "id")
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table("emails")
                .add_column(string_len("kind", 40).default(""))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("health_alerts")
                .col(string_len("mentorship_id", 36).primary_key())
                .col(string_len("health", 20))
                .col(timestamp_with_time_zone("changed_at"))
                .foreign_key(
                    ForeignKey::create()
                        .from("health_alerts", "mentorship_id")
                        .to("mentorships", "id")
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table("health_alerts").to_owned())
            .await?;
        m.alter_table(
            Table::alter()
                .table("emails")
                .drop_column("kind")
                .to_owned(),
        )
        .await?;
        m.drop_table(Table::drop().table("muted_notifications").to_owned())
            .await?;
        m.drop_table(Table::drop().table("notices").to_owned())
            .await?;
        Ok(())
    }
}
