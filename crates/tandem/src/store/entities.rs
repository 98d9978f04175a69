//! SeaORM entities: one module per table, nothing but columns. Closed sets are
//! typed with the domain's enums and lists with `TextList` (see `columns`).
#![allow(clippy::upper_case_acronyms)]

#[allow(unused_imports)]
use super::columns::TextList;
#[allow(unused_imports)]
use super::sealed::*;
/// The sealed column types, for entity modules that import nothing else.
mod sealed_columns {
    pub use super::super::sealed::*;
}
#[allow(unused_imports)]
use crate::domain::office_hours::Windows;
#[allow(unused_imports)]
use crate::domain::values::Weights;
#[allow(unused_imports)]
use crate::domain::wire::{
    EndReason, GoalStatus, Health, Horizon, LearningStyle, MeetingPreference, MeetingStatus,
    MentorshipStatus, MilestoneStatus, Notification, Objective, Origin, ProgramContext,
    ProgramKind, Role, RoundStatus, Seniority,
};

macro_rules! no_relations {
    () => {
        #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
        pub enum Relation {}
        impl ActiveModelBehavior for ActiveModel {}
    };
}

pub mod user {
    #[allow(unused_imports)]
    use super::*;
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "users")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: String,
        pub email: String,
        pub name: String,
        pub password_hash: String,
        pub is_admin: bool,
        /// The calendar feed's secret, sealed: it is shown again.
        pub calendar_token: Option<Sealed<UserCalendarToken>>,
        pub created_at: DateTimeUtc,
        /// A disabled account can't sign in and has no sessions.
        pub disabled: bool,
        /// The SHA-256 (hex) of the calendar feed's secret: how a feed finds it.
        pub calendar_token_hash: Option<String>,
    }
    no_relations!();
}

pub mod session {
    #[allow(unused_imports)]
    use super::*;
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "sessions")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: String,
        pub token_hash: String,
        pub user_id: String,
        pub created_at: DateTimeUtc,
        pub expires_at: DateTimeUtc,
        pub user_agent: String,
    }
    no_relations!();
}

pub mod login_failure {
    #[allow(unused_imports)]
    use super::*;
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "login_failures")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i32,
        pub throttle_key: String,
        pub failed_at: DateTimeUtc,
    }
    no_relations!();
}

/// When a session was last used (apart from `sessions`, which the caches read).
pub mod session_seen {
    #[allow(unused_imports)]
    use super::*;
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "sessions_seen")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub session_id: String,
        pub seen_at: DateTimeUtc,
    }
    no_relations!();
}

/// When an account was last used, whichever its session.
pub mod user_seen {
    #[allow(unused_imports)]
    use super::*;
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "users_seen")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub user_id: String,
        pub seen_at: DateTimeUtc,
    }
    no_relations!();
}

/// A single-use link to set a password: a reset or an invitation (its hash).
pub mod account_token {
    #[allow(unused_imports)]
    use super::*;
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "account_tokens")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: String,
        pub user_id: String,
        pub purpose: String,
        pub token_hash: String,
        pub created_at: DateTimeUtc,
        pub expires_at: DateTimeUtc,
        pub used_at: Option<DateTimeUtc>,
    }
    no_relations!();
}

/// One admin or coordinator action; `hash` chains it to the one before.
pub mod audit_entry {
    #[allow(unused_imports)]
    use super::*;
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "audit_log")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub seq: i32,
        pub at: DateTimeUtc,
        pub actor_id: String,
        pub action: String,
        pub object_type: String,
        pub object_id: String,
        pub hash: String,
    }
    no_relations!();
}

pub mod profile {
    #[allow(unused_imports)]
    use super::*;
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "profiles")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub user_id: String,
        pub field: String,
        pub headline: String,
        pub bio: String,
        pub known_for: String,
        pub years_experience: Option<i32>,
        pub seniority: Option<Seniority>,
        pub skills: TextList,
        pub interests: TextList,
        pub values: TextList,
        pub education: String,
        pub languages: TextList,
        pub timezone: Option<String>,
        pub location: String,
        pub department: String,
        pub manager_email: Option<String>,
        pub learning_style: Option<LearningStyle>,
        pub meeting_preference: Option<MeetingPreference>,
        pub hours_per_month: Option<i32>,
        pub updated_at: DateTimeUtc,
    }
    no_relations!();

    impl Model {
        /// A profile with nothing given yet.
        pub fn empty(user_id: &str) -> Model {
            Model {
                user_id: user_id.to_string(),
                field: String::new(),
                headline: String::new(),
                bio: String::new(),
                known_for: String::new(),
                years_experience: None,
                seniority: None,
                skills: TextList::default(),
                interests: TextList::default(),
                values: TextList::default(),
                education: String::new(),
                languages: TextList::default(),
                timezone: None,
                location: String::new(),
                department: String::new(),
                manager_email: None,
                learning_style: None,
                meeting_preference: None,
                hours_per_month: None,
                updated_at: chrono::DateTime::<chrono::Utc>::MIN_UTC,
            }
        }
    }
}

pub mod plan {
    #[allow(unused_imports)]
    use super::*;
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "plans")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub user_id: String,
        pub strengths: TextList,
        pub improve: TextList,
        pub short_term_goals: TextList,
        pub long_term_goals: TextList,
        pub updated_at: DateTimeUtc,
    }
    no_relations!();
}

pub mod program {
    #[allow(unused_imports)]
    use super::*;
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "programs")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: String,
        pub name: String,
        pub description: String,
        pub kind: ProgramKind,
        pub context: ProgramContext,
        pub starts_on: Date,
        pub ends_on: Date,
        pub mentor_capacity: i32,
        pub cadence_days: i32,
        pub max_mentors_per_mentee: i32,
        pub request_expiry_days: i32,
        pub max_timezone_gap_hours: i32,
        pub weights: Weights,
        pub created_at: DateTimeUtc,
        /// Read-only and left out of the list by default.
        pub archived: bool,
    }
    no_relations!();
}

pub mod coordinator {
    #[allow(unused_imports)]
    use super::*;
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "coordinators")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub program_id: String,
        #[sea_orm(primary_key, auto_increment = false)]
        pub user_id: String,
        pub created_at: DateTimeUtc,
    }
    no_relations!();
}

pub mod enrollment {
    #[allow(unused_imports)]
    use super::*;
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "enrollments")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: String,
        pub program_id: String,
        pub user_id: String,
        pub role: Role,
        pub capacity: Option<i32>,
        pub wants_skills: TextList,
        pub goals_summary: String,
        pub created_at: DateTimeUtc,
        /// The person's name as the directory orders it (`domain::words::sort_key`).
        pub sort_key: String,
    }
    no_relations!();
}

pub mod shortlist_entry {
    #[allow(unused_imports)]
    use super::*;
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "shortlist_entries")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub owner_id: String,
        #[sea_orm(primary_key, auto_increment = false)]
        pub person_id: String,
        pub connection: String,
        pub created_at: DateTimeUtc,
    }
    no_relations!();
}

pub mod mentorship {
    #[allow(unused_imports)]
    use super::*;
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "mentorships")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: String,
        pub program_id: String,
        pub mentor_id: Option<String>,
        pub status: MentorshipStatus,
        pub origin: Origin,
        pub intro: Sealed<MentorshipIntro>,
        pub reasons: Sealed<MentorshipReasons>,
        pub ask: Sealed<MentorshipAsk>,
        pub decline_reason: Option<Sealed<MentorshipDeclineReason>>,
        pub merged_into: Option<String>,
        pub mentor_accepted: bool,
        pub created_at: DateTimeUtc,
        pub expires_at: Option<DateTimeUtc>,
        pub started_at: Option<DateTimeUtc>,
        pub ended_at: Option<DateTimeUtc>,
        pub end_reason: Option<EndReason>,
        pub end_note: Option<Sealed<MentorshipEndNote>>,
    }
    no_relations!();
}

pub mod mentorship_mentee {
    #[allow(unused_imports)]
    use super::*;
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "mentorship_mentees")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: String,
        pub mentorship_id: String,
        pub mentee_id: Option<String>,
        pub accepted: bool,
        pub joined_at: DateTimeUtc,
    }
    no_relations!();
}

pub mod agreement {
    #[allow(unused_imports)]
    use super::*;
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "agreements")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub mentorship_id: String,
        pub goals: Sealed<AgreementGoals>,
        pub cadence_days: i32,
        pub meeting_minutes: i32,
        pub channel: Sealed<AgreementChannel>,
        pub boundaries: Sealed<AgreementBoundaries>,
        pub confidentiality: Sealed<AgreementConfidentiality>,
        pub updated_by: String,
        pub updated_at: DateTimeUtc,
        /// Raised by every change; an edit made on an older one is refused.
        pub version: i32,
    }
    no_relations!();
}

pub mod agreement_signature {
    #[allow(unused_imports)]
    use super::*;
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "agreement_signatures")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub mentorship_id: String,
        #[sea_orm(primary_key, auto_increment = false)]
        pub user_id: String,
        pub signed_at: DateTimeUtc,
    }
    no_relations!();
}

pub mod reflection {
    #[allow(unused_imports)]
    use super::*;
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "reflections")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub mentorship_id: String,
        #[sea_orm(primary_key, auto_increment = false)]
        pub user_id: String,
        pub text: Sealed<ReflectionText>,
        pub written_at: DateTimeUtc,
    }
    no_relations!();
}

pub mod round {
    #[allow(unused_imports)]
    use super::*;
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "rounds")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: String,
        pub program_id: String,
        pub objective: Objective,
        pub min_score: i32,
        pub status: RoundStatus,
        pub created_by: Option<String>,
        pub created_at: DateTimeUtc,
        pub published_at: Option<DateTimeUtc>,
        pub unmatched_mentee_ids: TextList,
        pub blocking_pairs: i32,
        /// The most pairs any assignment of the pool reached when the round was drafted.
        pub max_pairs: Option<i32>,
        /// The best total (hundredths) of an assignment with `max_pairs` pairs.
        pub best_total: Option<i64>,
        /// A certificate, checked independently of the solver, proved the drafted pairs
        /// optimal; false for stable rounds and once a draft is edited by hand.
        pub certified: bool,
    }
    no_relations!();
}

pub mod round_pair {
    #[allow(unused_imports)]
    use super::*;
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "round_pairs")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: String,
        pub round_id: String,
        pub mentor_id: String,
        pub mentee_id: String,
        /// Hundredths of a point.
        pub score: i32,
        pub mentee_score: i32,
        pub mentor_score: i32,
        /// JSON array of {criterion, points, detail}.
        pub explanation: String,
    }
    no_relations!();
}

pub mod email {
    use super::sealed_columns::*;
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "emails")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: String,
        pub to_name: String,
        pub to_address: String,
        pub subject: Sealed<EmailSubject>,
        pub body: Sealed<EmailBody>,
        pub created_at: DateTimeUtc,
        pub attempts: i32,
        pub next_attempt_at: DateTimeUtc,
        pub sent_at: Option<DateTimeUtc>,
        pub last_error: Option<String>,
        /// A calendar file to attach (`text/calendar`).
        pub calendar: Option<Sealed<EmailCalendar>>,
        /// Its kind (`email::kinds`), "" for e-mails queued before kinds were kept.
        pub kind: String,
    }
    no_relations!();
}

/// A piece of the jobs' work that is done: its key, claimed in the transaction
/// that queues its e-mail.
pub mod notice {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "notices")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub key: String,
        pub done_at: DateTimeUtc,
    }
    no_relations!();
}

/// An e-mail a person has turned off.
pub mod muted_notification {
    #[allow(unused_imports)]
    use super::*;
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "muted_notifications")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub user_id: String,
        /// A `Notification`'s wire name.
        #[sea_orm(primary_key, auto_increment = false)]
        pub kind: String,
    }
    no_relations!();
}

/// The health a relationship's participants were last alerted to.
pub mod health_alert {
    #[allow(unused_imports)]
    use super::*;
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "health_alerts")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub mentorship_id: String,
        pub health: Health,
        pub changed_at: DateTimeUtc,
    }
    no_relations!();
}

pub mod goal {
    #[allow(unused_imports)]
    use super::*;
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "goals")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: String,
        pub mentorship_id: String,
        pub title: Sealed<GoalTitle>,
        pub description: Sealed<GoalDescription>,
        pub horizon: Horizon,
        pub due_on: Option<Date>,
        pub status: GoalStatus,
        pub created_by: Option<String>,
        pub created_at: DateTimeUtc,
        pub achieved_at: Option<DateTimeUtc>,
        /// Raised by every change; an edit made on an older one is refused.
        pub version: i32,
    }
    no_relations!();
}

pub mod milestone {
    #[allow(unused_imports)]
    use super::*;
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "milestones")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: String,
        pub goal_id: String,
        pub mentorship_id: String,
        pub title: Sealed<MilestoneTitle>,
        pub description: Sealed<MilestoneDescription>,
        pub due_on: Option<Date>,
        pub status: MilestoneStatus,
        pub created_at: DateTimeUtc,
        pub achieved_at: Option<DateTimeUtc>,
        /// Who set it; null for milestones set before authors were recorded.
        pub created_by: Option<String>,
        /// Raised by every change; an edit made on an older one is refused.
        pub version: i32,
    }
    no_relations!();
}

pub mod meeting {
    #[allow(unused_imports)]
    use super::*;
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "meetings")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: String,
        pub mentorship_id: String,
        pub starts_at: DateTimeUtc,
        pub duration_minutes: i32,
        pub location: Sealed<MeetingLocation>,
        pub agenda: Sealed<MeetingAgenda>,
        pub status: MeetingStatus,
        pub shared_notes: Sealed<MeetingSharedNotes>,
        pub sequence: i32,
        pub booked: bool,
        pub created_by: Option<String>,
        pub created_at: DateTimeUtc,
        pub updated_at: DateTimeUtc,
        /// Raised by every change; an edit made on an older one is refused.
        pub version: i32,
    }
    no_relations!();
}

pub mod action_item {
    #[allow(unused_imports)]
    use super::*;
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "action_items")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: String,
        pub mentorship_id: String,
        pub meeting_id: String,
        pub title: Sealed<ActionItemTitle>,
        pub owner_id: Option<String>,
        pub due_on: Option<Date>,
        pub done: bool,
        pub done_at: Option<DateTimeUtc>,
        pub created_at: DateTimeUtc,
        /// Who wrote it; null for items written before authors were recorded.
        pub created_by: Option<String>,
        /// Raised by every change; an edit made on an older one is refused.
        pub version: i32,
    }
    no_relations!();
}

pub mod feedback {
    #[allow(unused_imports)]
    use super::*;
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "feedback")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: String,
        pub mentorship_id: String,
        pub meeting_id: String,
        pub author_id: String,
        pub rating: i32,
        pub went_well: Sealed<FeedbackWentWell>,
        pub to_improve: Sealed<FeedbackToImprove>,
        pub encouragement: Sealed<FeedbackEncouragement>,
        pub created_at: DateTimeUtc,
    }
    no_relations!();
}

pub mod kudos {
    #[allow(unused_imports)]
    use super::*;
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "kudos")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: String,
        pub mentorship_id: String,
        pub author_id: String,
        pub message: Sealed<KudosMessage>,
        pub created_at: DateTimeUtc,
    }
    no_relations!();
}

pub mod message {
    #[allow(unused_imports)]
    use super::*;
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "messages")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: String,
        pub mentorship_id: String,
        pub author_id: String,
        pub body: Sealed<MessageBody>,
        pub created_at: DateTimeUtc,
    }
    no_relations!();
}

pub mod introduction {
    #[allow(unused_imports)]
    use super::*;
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "introductions")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: String,
        pub mentorship_id: String,
        pub author_id: String,
        pub contact_name: String,
        pub contact_email: String,
        pub note: Sealed<IntroductionNote>,
        pub created_at: DateTimeUtc,
    }
    no_relations!();
}

pub mod availability {
    #[allow(unused_imports)]
    use super::*;
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "availability")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub user_id: String,
        pub timezone: String,
        pub slot_minutes: i32,
        pub location: String,
        pub windows: Windows,
        pub updated_at: DateTimeUtc,
    }
    no_relations!();
}

pub mod private_note {
    #[allow(unused_imports)]
    use super::*;
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "private_notes")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub meeting_id: String,
        #[sea_orm(primary_key, auto_increment = false)]
        pub author_id: String,
        pub body: Sealed<PrivateNoteBody>,
        pub updated_at: DateTimeUtc,
    }
    no_relations!();
}

/// The shared texts two people may edit carry a version (SPEC §7).
macro_rules! versioned {
    ($($m:ident),+) => {
        $(impl super::sql::Versioned for $m::Model {
            fn version(&self) -> i32 {
                self.version
            }
            fn set_version(&mut self, version: i32) {
                self.version = version;
            }
        })+
    };
}
versioned!(agreement, meeting, goal, milestone, action_item);

/// Someone away: no new requests, out of suggestions and rounds.
pub mod away {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "away")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub user_id: String,
        pub note: String,
        pub since: DateTimeUtc,
    }
    no_relations!();
}

pub mod checkin_plan {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "checkin_plans")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub program_id: String,
        pub first_after_days: i32,
        pub every_days: i32,
        pub updated_at: DateTimeUtc,
    }
    no_relations!();
}

pub mod checkin_question {
    use crate::domain::wire::QuestionKind;
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "checkin_questions")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: String,
        pub program_id: String,
        pub position: i32,
        pub text: String,
        pub kind: QuestionKind,
        pub retired: bool,
    }
    no_relations!();
}

pub mod checkin {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "checkins")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: String,
        pub program_id: String,
        pub mentorship_id: String,
        pub user_id: String,
        pub due_on: Date,
        pub created_at: DateTimeUtc,
        pub answered_at: Option<DateTimeUtc>,
    }
    no_relations!();
}

pub mod checkin_answer {
    use super::sealed_columns::*;
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "checkin_answers")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub checkin_id: String,
        #[sea_orm(primary_key, auto_increment = false)]
        pub question_id: String,
        pub program_id: String,
        pub number: Option<i32>,
        pub text: Option<Sealed<CheckinAnswerText>>,
    }
    no_relations!();
}

pub mod survey {
    use super::sealed_columns::*;
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "surveys")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: String,
        pub program_id: String,
        pub mentorship_id: String,
        pub user_id: Option<String>,
        pub rating: i32,
        pub recommend: bool,
        pub comment: Sealed<SurveyComment>,
        pub created_at: DateTimeUtc,
    }
    no_relations!();
}

/// One word of a person's name or profile, as the mentor directory finds it
/// (`store::directory` keeps these in step with the profile).
pub mod directory_word {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "directory_words")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub person_id: String,
        #[sea_orm(primary_key, auto_increment = false)]
        pub part: String,
        #[sea_orm(primary_key, auto_increment = false)]
        pub word: String,
    }
    no_relations!();
}

pub mod sealing_key {
    use sea_orm::entity::prelude::*;
    /// A key the database's sealed content is under: its id and a value sealed
    /// under it (the key itself is never stored).
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "sealing_keys")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub key_id: String,
        pub check_value: String,
        pub created_at: DateTimeUtc,
    }
    no_relations!();
}
