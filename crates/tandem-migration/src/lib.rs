//! One migration set that builds Tandem's schema on SQLite and PostgreSQL alike.
pub use sea_orm_migration::prelude::*;

mod m0001_foundation;
mod m0002_rounds;
mod m0003_changes;
mod m0004_emails;
mod m0005_workspace;
mod m0006_round_bounds;
mod m0007_authors;
mod m0008_versions;
mod m0009_notices;
mod m0010_away;
mod m0011_checkins;
mod m0012_counts;
mod m0013_admin;
mod m0014_directory;
mod m0015_directory_order;
mod m0016_sealing_keys;

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m0001_foundation::Migration),
            Box::new(m0002_rounds::Migration),
            Box::new(m0003_changes::Migration),
            Box::new(m0004_emails::Migration),
            Box::new(m0005_workspace::Migration),
            Box::new(m0006_round_bounds::Migration),
            Box::new(m0007_authors::Migration),
            Box::new(m0008_versions::Migration),
            Box::new(m0009_notices::Migration),
            Box::new(m0010_away::Migration),
            Box::new(m0011_checkins::Migration),
            Box::new(m0012_counts::Migration),
            Box::new(m0013_admin::Migration),
            Box::new(m0014_directory::Migration),
            Box::new(m0015_directory_order::Migration),
            Box::new(m0016_sealing_keys::Migration),
        ]
    }
}
