//! Persistence: the connection and its transactions, the entities, and named
//! queries per area. Nothing outside this module touches SQL.
pub mod accounts;
pub mod audit;
pub mod backup;
pub mod cache;
pub mod checkins;
pub mod columns;
pub mod constraints;
pub mod db;
pub mod directory;
pub mod emails;
pub mod entities;
pub mod erasure;
pub mod jobs;
pub mod mentorships;
pub mod notices;
pub mod people;
pub mod programs;
pub mod records;
pub mod reports;
pub mod rounds;
pub mod sealed;
pub mod sealing;
pub mod sql;
pub mod workspace;
