//! Who created a milestone or an action item, so that an erasure can remove what
//! the person wrote (SPEC §7). Rows written before this migration have no author
//! recorded (null): an erasure leaves them, as it cannot tell whose they were.
use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

const TABLES: [&str; 2] = ["milestones", "action_items"];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for table in TABLES {
            // SQLite cannot add a foreign key to an existing table; the erasure
            // removes an author's rows before the account goes, so none dangles.
            m.alter_table(
                Table::alter()
                    .table(table)
                    .add_column(string_len_null("created_by", 36))
                    .to_owned(),
            )
            .await?;
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for table in TABLES {
            m.alter_table(
                Table::alter()
                    .table(table)
                    .drop_column("created_by")
                    .to_owned(),
            )
            .await?;
        }
        Ok(())
    }
}
