//! A version on every shared text two people may edit (SPEC §7): raised by every
//! change, so that an edit made on an older version is refused, not written over
//! what the other person saved meanwhile. Rows written before start at 1.
use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

const TABLES: [&str; 5] = [
    "agreements",
    "meetings",
    "goals",
    "milestones",
    "action_items",
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for table in TABLES {
            m.alter_table(
                Table::alter()
                    .table(table)
                    .add_column(integer("version").default(1))
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
                    .drop_column("version")
                    .to_owned(),
            )
            .await?;
        }
        Ok(())
    }
}
