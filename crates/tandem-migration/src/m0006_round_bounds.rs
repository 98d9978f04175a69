//! What a round is measured against: the most pairs and the best total any assignment
//! of the same pool reaches, and whether a certificate proved the draft optimal; and
//! an index that reads a program's pool page by page in enrolment order.
use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // One column per statement: SQLite adds one at a time. Rounds drafted before
        // this migration have no bounds (null).
        for column in [
            integer_null("max_pairs"),
            big_integer_null("best_total"),
            boolean("certified").default(false).take(),
        ] {
            m.alter_table(Table::alter().table("rounds").add_column(column).to_owned())
                .await?;
        }
        m.create_index(
            Index::create()
                .name("ix_enrollments_program_order")
                .table("enrollments")
                .col("program_id")
                .col("created_at")
                .col("id")
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_index(
            Index::drop()
                .name("ix_enrollments_program_order")
                .table("enrollments")
                .to_owned(),
        )
        .await?;
        for column in ["max_pairs", "best_total", "certified"] {
            m.alter_table(
                Table::alter()
                    .table("rounds")
                    .drop_column(column)
                    .to_owned(),
            )
            .await?;
        }
        Ok(())
    }
}
