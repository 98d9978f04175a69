//! In-process API tests: every endpoint, each success, each refusal, each role
//! that must be refused. Each runs on SQLite and, with TANDEM_TEST_POSTGRES_URL, on PostgreSQL.
mod common;
mod contract;

mod accounts;
mod agreements;
mod authorization;
mod confidentiality;
mod core;
mod hardening;
mod mail;
mod matching;
mod mentorships;
mod openapi;
mod programs;
mod throttles;
mod versions;
mod waiting;
mod workspace;
