//! What each unique constraint guards, found by its name. The services check
//! before they write; two requests at once can both pass that check, and the
//! second write then breaks a constraint. It is answered as the field the
//! constraint guards (409 with the field), never as a server error.
//!
//! PostgreSQL reports the constraint's name (apart from its message, which is in
//! the server's language); SQLite names the columns in its message (`UNIQUE
//! constraint failed: users.email`), so each guard knows both.

use sea_orm::{DbErr, RuntimeErr, SqlErr};

/// The answer to a write that a unique constraint refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Guard {
    pub code: &'static str,
    /// The request field that holds the taken value, where one does.
    pub field: Option<&'static str>,
    pub message: &'static str,
}

/// A unique constraint: its name on PostgreSQL, its columns as SQLite lists them.
pub struct Constraint {
    pub postgres: &'static str,
    pub sqlite: &'static str,
    pub guard: Guard,
}

pub const EMAIL_TAKEN: Guard = Guard {
    code: "email_taken",
    field: Some("email"),
    message: "an account with this e-mail already exists; sign in instead",
};

/// Every unique constraint a second write can break, but for primary keys made of
/// new ids. `tests/api/core.rs` checks this list against both schemas.
pub const CONSTRAINTS: &[Constraint] = &[
    Constraint {
        postgres: "uq_checkins_due",
        sqlite: "checkins.mentorship_id, checkins.user_id, checkins.due_on",
        guard: Guard {
            code: "duplicate",
            field: None,
            message: "that check-in exists already",
        },
    },
    Constraint {
        postgres: "checkin_answers_pkey",
        sqlite: "checkin_answers.checkin_id, checkin_answers.question_id",
        guard: Guard {
            code: "already_answered",
            field: None,
            message: "you have answered this check-in already",
        },
    },
    Constraint {
        postgres: "uq_surveys_once",
        sqlite: "surveys.mentorship_id, surveys.user_id",
        guard: Guard {
            code: "already_answered",
            field: None,
            message: "you have answered this survey already",
        },
    },
    Constraint {
        postgres: "users_email_key",
        sqlite: "users.email",
        guard: EMAIL_TAKEN,
    },
    Constraint {
        postgres: "idx_users_calendar_token_hash",
        sqlite: "users.calendar_token_hash",
        guard: Guard {
            code: "duplicate",
            field: None,
            message: "that calendar link is in use; try again",
        },
    },
    Constraint {
        postgres: "uq_enrollments_person_role",
        sqlite: "enrollments.program_id, enrollments.user_id, enrollments.role",
        guard: Guard {
            code: "already_enrolled",
            field: Some("role"),
            message: "this person is already enrolled in that role",
        },
    },
    Constraint {
        postgres: "coordinators_pkey",
        sqlite: "coordinators.program_id, coordinators.user_id",
        guard: Guard {
            code: "already_coordinator",
            field: Some("person_id"),
            message: "this person already coordinates this program",
        },
    },
    Constraint {
        postgres: "shortlist_entries_pkey",
        sqlite: "shortlist_entries.owner_id, shortlist_entries.person_id",
        guard: Guard {
            code: "duplicate",
            field: Some("person_id"),
            message: "this person is already on your shortlist",
        },
    },
    Constraint {
        postgres: "uq_mentorship_mentees",
        sqlite: "mentorship_mentees.mentorship_id, mentorship_mentees.mentee_id",
        guard: Guard {
            code: "duplicate",
            field: Some("mentee_id"),
            message: "this mentee is already in the relationship",
        },
    },
    Constraint {
        postgres: "agreement_signatures_pkey",
        sqlite: "agreement_signatures.mentorship_id, agreement_signatures.user_id",
        guard: Guard {
            code: "invalid_transition",
            field: None,
            message: "you have already signed this agreement",
        },
    },
    Constraint {
        postgres: "reflections_pkey",
        sqlite: "reflections.mentorship_id, reflections.user_id",
        guard: Guard {
            code: "duplicate",
            field: Some("text"),
            message: "your reflection was saved meanwhile; reload to see it",
        },
    },
    Constraint {
        postgres: "private_notes_pkey",
        sqlite: "private_notes.meeting_id, private_notes.author_id",
        guard: Guard {
            code: "duplicate",
            field: Some("body"),
            message: "your private note was saved meanwhile; reload to see it",
        },
    },
    Constraint {
        postgres: "idx_feedback_once",
        sqlite: "feedback.meeting_id, feedback.author_id",
        guard: Guard {
            code: "invalid_transition",
            field: None,
            message: "you have already given feedback on this meeting",
        },
    },
    Constraint {
        postgres: "uq_round_pairs_mentee",
        sqlite: "round_pairs.round_id, round_pairs.mentee_id",
        guard: Guard {
            code: "duplicate",
            field: Some("mentee_id"),
            message: "this mentee is already paired in the draft",
        },
    },
];

/// The guard of the unique constraint a write broke, if it is one of ours.
pub fn guard_of(err: &DbErr) -> Option<Guard> {
    let Some(SqlErr::UniqueConstraintViolation(message)) = err.sql_err() else {
        return None;
    };
    match constraint_name(err) {
        Some(name) => CONSTRAINTS.iter().find(|c| c.postgres == name),
        None => CONSTRAINTS
            .iter()
            .find(|c| sqlite_columns(&message) == Some(c.sqlite)),
    }
    .map(|c| c.guard)
}

/// The name of the constraint a database error reports (PostgreSQL does).
fn constraint_name(err: &DbErr) -> Option<String> {
    let (DbErr::Exec(RuntimeErr::SqlxError(e)) | DbErr::Query(RuntimeErr::SqlxError(e))) = err
    else {
        return None;
    };
    match e.as_ref() {
        sea_orm::sqlx::Error::Database(db) => db.constraint().map(str::to_string),
        _ => None,
    }
}

/// The columns SQLite lists after the colon, separated by ", ", and nothing after.
fn sqlite_columns(message: &str) -> Option<&str> {
    message
        .rsplit_once("UNIQUE constraint failed: ")
        .map(|(_, cols)| cols.trim())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sqlite_lists_exactly_the_columns() {
        let lite = "error returned from database: (code: 2067) UNIQUE constraint failed: \
                    feedback.meeting_id, feedback.author_id";
        assert_eq!(
            sqlite_columns(lite),
            Some("feedback.meeting_id, feedback.author_id")
        );
        assert_eq!(sqlite_columns("duplicate key value violates"), None);
        assert!(CONSTRAINTS
            .iter()
            .all(|c| Some(c.sqlite)
                != sqlite_columns("UNIQUE constraint failed: users.email_backup")));
    }
}
