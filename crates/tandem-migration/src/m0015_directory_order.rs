//! The directory's order kept with each enrolment (SPEC §7 Finding a mentor): a
//! program's mentors are listed by name, and a page of them must be a range of
//! an index rather than a sort of every mentor on each request. `sort_key` is
//! the person's name as the application orders it (trimmed, lower-cased as
//! Unicode does, accents set aside so that "Émile" stands among the e's); on
//! PostgreSQL it compares by code point (`COLLATE "C"`), as
//! SQLite's `BINARY` does, so both databases list the same order and a page's
//! cursor means the same on both.
//!
//! Enrolments written so far get their key here; the application writes it
//! with every enrolment from then on. The rule below is a copy of its rule as it
//! stands now, frozen with this migration like the rest of it.
use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;
use sea_orm_migration::sea_orm::DatabaseBackend;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// Enrolments given their key a batch at a time.
const BATCH: u64 = 500;

fn sort_key(name: &str) -> String {
    use unicode_normalization::{char::is_combining_mark, UnicodeNormalization};
    name.trim()
        .to_lowercase()
        .nfd()
        .filter(|c| !is_combining_mark(*c))
        .collect()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let mut key = text("sort_key");
        key.default("");
        if m.get_database_backend() == DatabaseBackend::Postgres {
            key.extra("COLLATE \"C\"");
        }
        m.alter_table(
            Table::alter()
                .table("enrollments")
                .add_column(key)
                .to_owned(),
        )
        .await?;

        let db = m.get_connection();
        let mut last = String::new();
        loop {
            let (e, u) = (Alias::new("e"), Alias::new("u"));
            let mut read = Query::select();
            read.column((e.clone(), Alias::new("id")))
                .column((u.clone(), Alias::new("name")))
                .from_as(Alias::new("enrollments"), e.clone())
                .join_as(
                    JoinType::InnerJoin,
                    Alias::new("users"),
                    u.clone(),
                    Expr::col((u.clone(), Alias::new("id")))
                        .equals((e.clone(), Alias::new("user_id"))),
                )
                .and_where(Expr::col((e.clone(), Alias::new("id"))).gt(last.clone()))
                .order_by((e.clone(), Alias::new("id")), Order::Asc)
                .limit(BATCH);
            let rows = db.query_all(&read).await?;
            if rows.is_empty() {
                break;
            }
            for r in &rows {
                let id: String = r.try_get("", "id")?;
                let name: String = r.try_get("", "name")?;
                let mut update = Query::update();
                update
                    .table(Alias::new("enrollments"))
                    .value(Alias::new("sort_key"), sort_key(&name))
                    .and_where(Expr::col(Alias::new("id")).eq(id.clone()));
                m.exec_stmt(update).await?;
                last = id;
            }
        }

        m.create_index(
            Index::create()
                .name("idx_enrollments_directory")
                .table("enrollments")
                .col("program_id")
                .col("role")
                .col("sort_key")
                .col("user_id")
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_index(
            Index::drop()
                .name("idx_enrollments_directory")
                .table("enrollments")
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table("enrollments")
                .drop_column("sort_key")
                .to_owned(),
        )
        .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_key_is_the_trimmed_name_lower_cased_without_accents() {
        assert_eq!(sort_key("  Élodie Durand "), "elodie durand");
        assert_eq!(sort_key("ŁUKASZ Żak"), "łukasz zak");
    }
}
