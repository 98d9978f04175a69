//! Nobody waits forever (SPEC §6 `PUT /me/away`): who is away, since when, with
//! an optional note for the people who would have asked them.
use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("away")
                .col(string_len("user_id", 36).primary_key())
                .col(text("note"))
                .col(timestamp_with_time_zone("since"))
                .foreign_key(
                    ForeignKey::create()
                        .from("away", "user_id")
                        .to("users", "id")
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table("away").to_owned()).await
    }
}
