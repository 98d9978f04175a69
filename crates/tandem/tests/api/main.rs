//! In-process API tests: every endpoint, each success, each refusal, each role
//! that must be refused. Each runs on SQLite and, with TANDEM_TEST_POSTGRES_URL, on PostgreSQL.
// The shared harness (crates/tandem-testkit), under the name the tests use.
use tandem_testkit as common;
use tandem_testkit::on_both_databases;

mod accounts;
mod admin;
mod agreements;
mod authorization;
mod away;
mod confidentiality;
mod core;
mod directory;
mod hardening;
mod import;
mod jobs;
mod mail;
mod matching;
mod mentorships;
mod notifications;
mod openapi;
mod passwords;
mod programs;
mod reports;
mod throttles;
mod versions;
mod waiting;
mod workspace;
