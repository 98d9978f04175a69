//! What the named queries hand back when one entity is not enough: a row joined
//! with what it is always read with.
use super::entities::{mentorship, program, user};
use crate::domain::wire::ProgramKind;
use chrono::{DateTime, Utc};
use std::sync::Arc;

/// A live session and its account.
#[derive(Debug, Clone)]
pub struct SignedIn {
    pub session_id: String,
    pub expires_at: DateTime<Utc>,
    pub user: user::Model,
}

/// A person's id and name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Named {
    pub id: String,
    pub name: String,
}

/// One mentee's place in a mentorship; `mentee_id` is None once they erased their account.
#[derive(Debug, Clone)]
pub struct Seat {
    pub row_id: String,
    pub mentee_id: Option<String>,
    pub name: Option<String>,
    pub accepted: bool,
    pub joined_at: DateTime<Utc>,
}

/// A mentorship with its program's name and kind and its members' names.
#[derive(Debug, Clone)]
pub struct MentorshipRecord {
    pub m: mentorship::Model,
    pub program_name: String,
    pub program_kind: ProgramKind,
    pub mentor_name: Option<String>,
    pub mentees: Vec<Seat>,
}

impl MentorshipRecord {
    /// The mentees who still have an account.
    pub fn mentee_ids(&self) -> Vec<&str> {
        self.mentees
            .iter()
            .filter_map(|s| s.mentee_id.as_deref())
            .collect()
    }

    /// Mentor and mentees who still have an account.
    pub fn participant_ids(&self) -> Vec<&str> {
        self.m
            .mentor_id
            .as_deref()
            .into_iter()
            .chain(self.mentee_ids())
            .collect()
    }
}

/// A program with its coordinators.
#[derive(Debug, Clone)]
pub struct ProgramRecord {
    pub program: program::Model,
    pub coordinators: Vec<Named>,
}

impl ProgramRecord {
    pub fn coordinator_ids(&self) -> Vec<&str> {
        self.coordinators.iter().map(|c| c.id.as_str()).collect()
    }
}

/// Mentorships as a list query fetched them (one more than the page asked for).
#[derive(Debug, Clone, Default)]
pub struct MentorshipPage(pub Vec<Arc<MentorshipRecord>>);
