//! What each unique constraint guards, found by its name. The services check
//! before they write; two requests at once can both pass that check, and the
//! second write then breaks a constraint. It is answered as the field the
//! constraint guards (409 with the field), never as a server error.
//!
//! PostgreSQL names the constraint in its message; SQLite names the columns
//! (`UNIQUE constraint failed: users.email`), so each guard knows both.

/// The answer to a write that a unique constraint refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Guard {
    pub code: &'static str,
    pub field: &'static str,
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
    field: "email",
    message: "an account with this e-mail already exists; sign in instead",
};

/// Every unique constraint a second write can break, but for primary keys made of
/// new ids. `tests/api/core.rs` checks this list against both schemas.
pub const CONSTRAINTS: &[Constraint] = &[
    Constraint {
        postgres: "users_email_key",
        sqlite: "users.email",
        guard: EMAIL_TAKEN,
    },
    Constraint {
        postgres: "idx_users_calendar_token",
        sqlite: "users.calendar_token",
        guard: Guard {
            code: "duplicate",
            field: "calendar_token",
            message: "that calendar link is in use; try again",
        },
    },
    Constraint {
        postgres: "uq_enrollments_person_role",
        sqlite: "enrollments.program_id, enrollments.user_id, enrollments.role",
        guard: Guard {
            code: "already_enrolled",
            field: "user_id",
            message: "this person is already enrolled in that role",
        },
    },
    Constraint {
        postgres: "coordinators_pkey",
        sqlite: "coordinators.program_id, coordinators.user_id",
        guard: Guard {
            code: "already_coordinator",
            field: "user_id",
            message: "this person already coordinates this program",
        },
    },
    Constraint {
        postgres: "shortlist_entries_pkey",
        sqlite: "shortlist_entries.owner_id, shortlist_entries.person_id",
        guard: Guard {
            code: "duplicate",
            field: "person_id",
            message: "this person is already on your shortlist",
        },
    },
    Constraint {
        postgres: "uq_mentorship_mentees",
        sqlite: "mentorship_mentees.mentorship_id, mentorship_mentees.mentee_id",
        guard: Guard {
            code: "duplicate",
            field: "mentee_id",
            message: "this mentee is already in the relationship",
        },
    },
    Constraint {
        postgres: "agreement_signatures_pkey",
        sqlite: "agreement_signatures.mentorship_id, agreement_signatures.user_id",
        guard: Guard {
            code: "invalid_transition",
            field: "agreement",
            message: "you have already signed this agreement",
        },
    },
    Constraint {
        postgres: "reflections_pkey",
        sqlite: "reflections.mentorship_id, reflections.user_id",
        guard: Guard {
            code: "duplicate",
            field: "text",
            message: "your reflection was saved meanwhile; reload to see it",
        },
    },
    Constraint {
        postgres: "private_notes_pkey",
        sqlite: "private_notes.meeting_id, private_notes.author_id",
        guard: Guard {
            code: "duplicate",
            field: "body",
            message: "your private note was saved meanwhile; reload to see it",
        },
    },
    Constraint {
        postgres: "idx_feedback_once",
        sqlite: "feedback.meeting_id, feedback.author_id",
        guard: Guard {
            code: "invalid_transition",
            field: "meeting_id",
            message: "you have already given feedback on this meeting",
        },
    },
    Constraint {
        postgres: "uq_round_pairs_mentee",
        sqlite: "round_pairs.round_id, round_pairs.mentee_id",
        guard: Guard {
            code: "duplicate",
            field: "mentee_id",
            message: "this mentee is already paired in the draft",
        },
    },
];

/// The guard of the constraint a database's unique-violation message names.
pub fn guard_of(message: &str) -> Option<Guard> {
    CONSTRAINTS.iter().find_map(|c| {
        let postgres = message.contains(&format!("\"{}\"", c.postgres));
        // SQLite lists the columns after the colon, separated by ", ", and nothing after.
        let sqlite = message
            .rsplit_once("UNIQUE constraint failed: ")
            .is_some_and(|(_, cols)| cols.trim() == c.sqlite);
        (postgres || sqlite).then_some(c.guard)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_databases_messages_name_their_guard() {
        let pg = "error returned from database: duplicate key value violates unique \
                  constraint \"users_email_key\"";
        assert_eq!(guard_of(pg), Some(EMAIL_TAKEN));
        let lite = "error returned from database: (code: 2067) UNIQUE constraint failed: \
                    feedback.meeting_id, feedback.author_id";
        assert_eq!(guard_of(lite).map(|g| g.field), Some("meeting_id"));
        // A prefix of a longer column list is another constraint.
        assert_eq!(
            guard_of("UNIQUE constraint failed: users.email_backup"),
            None
        );
        assert_eq!(guard_of("duplicate key value violates \"other\""), None);
    }
}
