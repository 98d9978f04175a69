//! Matching rounds: drafts of a whole pool's pairs, reviewed and published by a coordinator.
use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("rounds")
                .col(string_len("id", 36).primary_key())
                .col(string_len("program_id", 36))
                .col(string_len("objective", 10))
                .col(integer("min_score"))
                .col(string_len("status", 12))
                .col(string_len_null("created_by", 36))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone_null("published_at"))
                // JSON array of mentee ids left without a mentor in this draft.
                .col(text("unmatched_mentee_ids"))
                // Pairs of the candidate set that would both rather be with each other.
                .col(integer("blocking_pairs"))
                .foreign_key(
                    ForeignKey::create()
                        .from("rounds", "program_id")
                        .to("programs", "id")
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from("rounds", "created_by")
                        .to("users", "id")
                        .on_delete(ForeignKeyAction::SetNull),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_rounds_program")
                .table("rounds")
                .col("program_id")
                .col("created_at")
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("round_pairs")
                .col(string_len("id", 36).primary_key())
                .col(string_len("round_id", 36))
                .col(string_len("mentor_id", 36))
                .col(string_len("mentee_id", 36))
                // Hundredths of a point: 8725 is a score of 87.25.
                .col(integer("score"))
                .col(integer("mentee_score"))
                .col(integer("mentor_score"))
                // JSON array of {criterion, points, detail}.
                .col(text("explanation"))
                .foreign_key(
                    ForeignKey::create()
                        .from("round_pairs", "round_id")
                        .to("rounds", "id")
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from("round_pairs", "mentor_id")
                        .to("users", "id")
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from("round_pairs", "mentee_id")
                        .to("users", "id")
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("uq_round_pairs_mentee")
                .table("round_pairs")
                .col("round_id")
                .col("mentee_id")
                .unique()
                .to_owned(),
        )
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table("round_pairs").to_owned())
            .await?;
        m.drop_table(Table::drop().table("rounds").to_owned()).await
    }
}
