//! Closed sets of values and their wire names. Each set is written once here; JSON
//! (serde), the OpenAPI document (utoipa), forms and database columns all read
//! their names from it.
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// A closed set with wire names.
pub trait WireEnum: Sized + Copy + 'static {
    /// The wire names, comma-separated, for messages.
    fn wire_names() -> String;
    /// The value with this wire name.
    fn from_wire(raw: &str) -> Result<Self, String>;
    fn to_wire(self) -> &'static str;
}

/// Declares a closed set with its wire names. The names are taken as `tt` so that
/// the derive macros see plain string literals (a `literal` fragment reaches them
/// wrapped in an invisible group, which utoipa ignores).
macro_rules! wire_enum {
    ($(#[$meta:meta])* $name:ident { $($variant:ident = $wire:tt),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, ToSchema)]
        pub enum $name {
            $(#[serde(rename = $wire)] $variant),+
        }
        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];
            pub const fn as_str(self) -> &'static str {
                match self { $($name::$variant => $wire),+ }
            }
            /// The value with this wire name (surrounding blanks ignored).
            pub fn parse(raw: &str) -> Result<$name, String> {
                match raw.trim() {
                    $($wire => Ok($name::$variant),)+
                    _ => Err(format!("must be one of: {}", Self::wire_names())),
                }
            }
            pub fn wire_names() -> String {
                [$($wire),+].join(", ")
            }
        }
        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
        impl WireEnum for $name {
            fn wire_names() -> String {
                $name::wire_names()
            }
            fn from_wire(raw: &str) -> Result<Self, String> {
                $name::parse(raw)
            }
            fn to_wire(self) -> &'static str {
                self.as_str()
            }
        }
        impl std::str::FromStr for $name {
            type Err = String;
            fn from_str(raw: &str) -> Result<Self, String> {
                $name::parse(raw)
            }
        }
    };
}

wire_enum!(
    /// A part in a program: `mentor` or `mentee`.
    Role { Mentor = "mentor", Mentee = "mentee" }
);
wire_enum!(
    /// `traditional` (one mentor, one mentee), `peer`, `reverse` or `group` (one mentor, several mentees).
    ProgramKind { Traditional = "traditional", Peer = "peer", Reverse = "reverse", Group = "group" }
);
wire_enum!(
    ProgramContext { Corporate = "corporate", Startup = "startup", Academia = "academia", Community = "community" }
);
wire_enum!(
    Seniority { Student = "student", Junior = "junior", Mid = "mid", Senior = "senior", Lead = "lead", Executive = "executive" }
);
wire_enum!(
    LearningStyle { Visual = "visual", Auditory = "auditory", ReadingWriting = "reading_writing", Kinesthetic = "kinesthetic" }
);
wire_enum!(
    MeetingPreference { Video = "video", InPerson = "in_person", Phone = "phone", Chat = "chat", Any = "any" }
);
wire_enum!(
    /// One of the program report's charts (`report.svg?chart=`).
    Chart {
        Funnel = "funnel",
        MeetingsPerMonth = "meetings_per_month",
        Health = "health",
        Retention = "retention",
    }
);
wire_enum!(
    /// A check-in question's kind: a 1–5 scale or a short text.
    QuestionKind { Scale = "scale", Text = "text" }
);
wire_enum!(
    /// How a mentorship came about: a mentee's request, a matching round, or a coordinator's proposal.
    Origin { Request = "request", Round = "round", Coordinator = "coordinator" }
);
wire_enum!(
    /// Why a relationship ended early. `account_erased` is set by the system when a
    /// participant erases their account; people choose one of the other four.
    EndReason {
        NotAGoodFit = "not_a_good_fit",
        Time = "time",
        GoalsMetEarly = "goals_met_early",
        Other = "other",
        AccountErased = "account_erased",
    }
);
wire_enum!(
    /// Where a request or relationship stands.
    MentorshipStatus {
        Requested = "requested",
        Proposed = "proposed",
        Active = "active",
        Paused = "paused",
        Declined = "declined",
        Withdrawn = "withdrawn",
        Expired = "expired",
        Merged = "merged",
        Completed = "completed",
        Ended = "ended",
    }
);
wire_enum!(
    /// A matching round: a `draft` until one is `published`; the program's other drafts are then `discarded`.
    RoundStatus { Draft = "draft", Published = "published", Discarded = "discarded" }
);
wire_enum!(
    /// `optimal`: as many mentees matched as possible, then the highest total score.
    /// `stable`: no mentee and mentor would both rather be with each other.
    Objective { Optimal = "optimal", Stable = "stable" }
);
wire_enum!(
    /// A lifecycle action on a mentorship.
    Action {
        Accept = "accept",
        Decline = "decline",
        Withdraw = "withdraw",
        Pause = "pause",
        Resume = "resume",
        Complete = "complete",
        End = "end",
    }
);
wire_enum!(
    /// A matching criterion, as named in a program's `weights`.
    Criterion {
        Skills = "skills",
        Field = "field",
        Values = "values",
        Seniority = "seniority",
        Interests = "interests",
        Background = "background",
        LearningStyle = "learning_style",
        MeetingPreference = "meeting_preference",
        Availability = "availability",
        Timezone = "timezone",
    }
);

wire_enum!(
    /// What keeps a mentor out of a mentee's suggestions: a hard rule, the mentor's
    /// places, an open request or relationship between them, or the mentor being away.
    Exclusion {
        Language = "language",
        Timezone = "timezone",
        SelfPair = "self",
        Manager = "manager",
        PairedBefore = "paired_before",
        Capacity = "capacity",
        OpenRequest = "open_request",
        Away = "away",
    }
);
wire_enum!(
    /// Why a round left a mentee without a mentor, mentor by mentor: an exclusion (as in
    /// suggestions; `capacity` = no place left before the round), `outscored` (the
    /// mentor's places went to other pairs of the round), `min_score` (the pair scores
    /// below the round's minimum) or `available` (the mentor still has a place: the pool
    /// changed since the draft, or the pair was not among the candidates considered).
    UnmatchedRule {
        Language = "language",
        Timezone = "timezone",
        SelfPair = "self",
        Manager = "manager",
        PairedBefore = "paired_before",
        Capacity = "capacity",
        OpenRequest = "open_request",
        Away = "away",
        Outscored = "outscored",
        MinScore = "min_score",
        Available = "available",
    }
);

wire_enum!(
    /// A goal's horizon: `short` (weeks to months) or `long` (a year or more).
    Horizon { Short = "short", Long = "long" }
);
wire_enum!(
    /// Where a goal of the relationship stands.
    GoalStatus { Open = "open", Achieved = "achieved", Dropped = "dropped" }
);
wire_enum!(
    /// A milestone moves forward only: `not_started → in_progress → achieved | missed`.
    MilestoneStatus { NotStarted = "not_started", InProgress = "in_progress", Achieved = "achieved", Missed = "missed" }
);
wire_enum!(
    /// A meeting is `scheduled` until it is `held` or `cancelled`.
    MeetingStatus { Scheduled = "scheduled", Held = "held", Cancelled = "cancelled" }
);
wire_enum!(
    /// How a relationship is doing (SPEC §5 Health).
    Health { OnTrack = "on_track", AtRisk = "at_risk", Stalled = "stalled" }
);
wire_enum!(
    /// Why a relationship is not on track.
    HealthReason {
        NoMeetingFor3xCadence = "no_meeting_for_3x_cadence",
        NoMeetingFor1_5xCadence = "no_meeting_for_1_5x_cadence",
        OverdueActionItems = "overdue_action_items",
        LowRatings = "low_ratings",
        AgreementUnsigned = "agreement_unsigned",
    }
);
wire_enum!(
    /// What a timeline event records.
    TimelineKind {
        Started = "started",
        AgreementSigned = "agreement_signed",
        MeetingHeld = "meeting_held",
        MilestoneAchieved = "milestone_achieved",
        GoalAchieved = "goal_achieved",
        Kudos = "kudos",
        Completed = "completed",
        Ended = "ended",
    }
);

wire_enum!(
    /// Something that waits on a person (SPEC §7 `GET /me/waiting`).
    WaitingKind {
        RequestToAnswer = "request_to_answer",
        ProposalToAnswer = "proposal_to_answer",
        AgreementToSign = "agreement_to_sign",
        FeedbackToGive = "feedback_to_give",
        ActionItemDue = "action_item_due",
        MeetingSoon = "meeting_soon",
        CheckinDue = "checkin_due",
        SurveyToGive = "survey_to_give",
    }
);
wire_enum!(
    /// An e-mail a person may turn off (`GET|PUT /me/notifications`). Security
    /// e-mails are none of these: they can't be turned off.
    Notification {
        RequestReceived = "request_received",
        RequestReminder = "request_reminder",
        RequestAccepted = "request_accepted",
        RequestDeclined = "request_declined",
        RequestExpired = "request_expired",
        Proposal = "proposal",
        AgreementToSign = "agreement_to_sign",
        MeetingScheduled = "meeting_scheduled",
        MeetingChanged = "meeting_changed",
        MeetingCancelled = "meeting_cancelled",
        MeetingReminder = "meeting_reminder",
        FeedbackToGive = "feedback_to_give",
        ActionItemDue = "action_item_due",
        Kudos = "kudos",
        Introduction = "introduction",
        HealthAlert = "health_alert",
        Closing = "closing",
        WeeklyDigest = "weekly_digest",
    }
);
wire_enum!(
    /// The one thing a participant should do next in a relationship.
    NextStepKind {
        AnswerRequest = "answer_request",
        AnswerProposal = "answer_proposal",
        WriteAgreement = "write_agreement",
        SignAgreement = "sign_agreement",
        GiveFeedback = "give_feedback",
        ConfirmHeld = "confirm_held",
        PrepareMeeting = "prepare_meeting",
        ScheduleMeeting = "schedule_meeting",
    }
);

impl EndReason {
    /// The reasons a participant may give; `account_erased` is the system's.
    pub const CHOSEN: &'static [EndReason] = &[
        EndReason::NotAGoodFit,
        EndReason::Time,
        EndReason::GoalsMetEarly,
        EndReason::Other,
    ];

    /// A reason a participant gives when ending a relationship.
    pub fn parse_chosen(raw: &str) -> Result<EndReason, String> {
        match EndReason::parse(raw) {
            Ok(r) if EndReason::CHOSEN.contains(&r) => Ok(r),
            _ => Err("must be one of: not_a_good_fit, time, goals_met_early, other".into()),
        }
    }
}

impl MentorshipStatus {
    /// Statuses that use a mentor's capacity.
    pub const USING_CAPACITY: &'static [MentorshipStatus] = &[
        MentorshipStatus::Active,
        MentorshipStatus::Paused,
        MentorshipStatus::Proposed,
    ];
    /// Statuses that count towards a mentee's `max_mentors_per_mentee`, and that make a
    /// second request between the same two people a duplicate.
    pub const OPEN: &'static [MentorshipStatus] = &[
        MentorshipStatus::Requested,
        MentorshipStatus::Proposed,
        MentorshipStatus::Active,
        MentorshipStatus::Paused,
    ];
}

impl Action {
    pub fn past(self) -> &'static str {
        match self {
            Action::Accept => "accepted",
            Action::Decline => "declined",
            Action::Withdraw => "withdrawn",
            Action::Pause => "paused",
            Action::Resume => "resumed",
            Action::Complete => "completed",
            Action::End => "ended",
        }
    }
}

impl Criterion {
    /// The SPEC's default weight.
    pub const fn default_weight(self) -> u8 {
        match self {
            Criterion::Skills => 5,
            Criterion::Field | Criterion::Values | Criterion::Seniority => 3,
            _ => 1,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wire_names_round_trip_through_serde_and_parse() {
        for s in MentorshipStatus::ALL {
            let json = serde_json::to_string(s).unwrap();
            assert_eq!(json, format!("\"{}\"", s.as_str()));
            assert_eq!(MentorshipStatus::parse(s.as_str()), Ok(*s));
        }
        assert_eq!(
            LearningStyle::parse(" reading_writing "),
            Ok(LearningStyle::ReadingWriting)
        );
        assert!(ProgramKind::parse("Traditional").is_err());
    }

    #[test]
    fn people_choose_four_end_reasons_and_never_account_erased() {
        assert_eq!(EndReason::parse_chosen("time"), Ok(EndReason::Time));
        assert!(EndReason::parse_chosen("account_erased").is_err());
        assert_eq!(
            EndReason::parse("account_erased"),
            Ok(EndReason::AccountErased)
        );
    }
}
