//! Use cases: each loads what it needs, asks the domain to decide, persists, and
//! returns a view. The JSON API, the pages and the command line all call these,
//! so a rule lives in one place.
pub mod accounts;
pub mod admin;
pub mod audit;
pub mod away;
pub mod calendar;
pub mod checkins;
pub mod conversation;
pub mod dashboard;
pub mod edits;
pub mod export;
pub mod goals;
pub mod jobs;
pub mod matching;
pub mod meetings;
pub mod mentorships;
pub mod notify;
pub mod office_hours;
pub mod outbox;
pub mod paging;
pub mod passwords;
pub mod people;
pub mod programs;
pub mod progress;
pub mod relationship;
pub mod reports;
pub mod sealing;
pub mod workspace;
