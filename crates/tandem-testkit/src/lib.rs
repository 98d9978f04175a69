//! The one harness Tandem's tests run on, shared by the API tests, the page tests,
//! the canary and the browser tests:
//!
//! - `app`: the real application in process on a fresh database (SQLite, and
//!   PostgreSQL when configured), with helpers that make people, programs and
//!   pairs through the API; `on_both_databases!` runs a test on each;
//! - `contract`: every API answer held to the served OpenAPI document;
//! - `pages`: a browser without JavaScript, keeping cookies and posting forms;
//! - `server`: the application on a port, for a real browser;
//! - `smtp`: a real SMTP server on loopback that keeps what it receives.
pub mod app;
pub mod contract;
pub mod pages;
pub mod server;
pub mod smtp;

pub use app::*;
