//! A count of committed changes, for servers and processes sharing one SQLite file
//! to learn of each other's writes (PostgreSQL announces them with NOTIFY).
use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("changes")
                .col(integer("id").primary_key())
                .col(big_integer("generation"))
                .to_owned(),
        )
        .await?;
        m.exec_stmt(
            Query::insert()
                .into_table("changes")
                .columns(["id", "generation"])
                .values_panic([1.into(), 0i64.into()])
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table("changes").to_owned())
            .await
    }
}
