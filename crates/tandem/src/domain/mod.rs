//! The rules: closed sets of values, value objects and their validation, the
//! mentorship state machine, who may see and do what, and keyset paging. Pure: no
//! HTTP, no SQL, no HTML; problems come back as this module's own types.
pub mod access;
pub mod audit;
pub mod engine;
pub mod enrolment;
pub mod ids;
pub mod import;
pub mod lifecycle;
pub mod office_hours;
pub mod paging;
pub mod progress;
pub mod report;
pub mod values;
pub mod versions;
pub mod waiting;
pub mod wire;
pub mod wording;
pub mod words;
pub mod workspace;
