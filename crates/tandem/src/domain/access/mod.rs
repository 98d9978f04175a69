//! Who may know of an object and what they may do with it, decided in one place
//! from facts about the caller and the object (SPEC §3, §7). Every service asks
//! here, so the API and the pages refuse alike: `Hidden` (404) when the caller may
//! not know the object exists, `Forbidden` (403) when they know it but may not do
//! this, `Unqualified` (422) when what they ask needs a standing they lack.
use super::wire::{Action, MentorshipStatus as S, Role};
use chrono::{DateTime, Utc};

/// The caller's part in a relationship.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Part {
    Mentor,
    Mentee,
}

impl Part {
    pub fn role(self) -> Role {
        match self {
            Part::Mentor => Role::Mentor,
            Part::Mentee => Role::Mentee,
        }
    }
}

/// The person asking.
#[derive(Debug, Clone, Copy)]
pub struct Viewer<'a> {
    pub id: &'a str,
    pub is_admin: bool,
}

/// Why the caller may not do what they asked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Denied {
    /// They may not know it exists (404); names what was not found.
    Hidden(&'static str),
    /// They know it exists but may not do this (403), with what to tell them.
    Forbidden(&'static str),
    /// They may know of it, but what they ask needs a standing they lack (422):
    /// a code and what to tell them.
    Unqualified(&'static str, &'static str),
}

// ------------------------------------------------------------ the instance

/// What only an instance admin does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InstanceAct {
    /// Create programs, appoint coordinators, look accounts up.
    Administer,
}

pub fn instance_access(viewer: Viewer, act: InstanceAct) -> Result<(), Denied> {
    match act {
        InstanceAct::Administer if viewer.is_admin => Ok(()),
        InstanceAct::Administer => Err(Denied::Forbidden("only an instance admin can do this")),
    }
}

// ------------------------------------------------------------ a relationship's objects

/// A mentee of a relationship and when they joined it (a group's later members
/// joined after it started).
#[derive(Debug, Clone, Copy)]
pub struct Member<'a> {
    pub id: &'a str,
    pub joined_at: DateTime<Utc>,
}

/// Facts about a relationship and the people around it.
#[derive(Debug, Clone, Copy)]
pub struct PairFacts<'a> {
    pub mentor: Option<&'a str>,
    /// The mentees (members who erased their account are no longer listed).
    pub mentees: &'a [Member<'a>],
    /// The coordinators of the relationship's program.
    pub coordinators: &'a [&'a str],
}

/// Facts about one object of a relationship.
#[derive(Debug, Clone, Copy)]
pub struct ObjectFacts<'a> {
    /// Who wrote it, for objects only their author reads.
    pub author: Option<&'a str>,
    /// When the thread it belongs to was started: the earliest of its own creation
    /// and that of what it hangs on (a milestone's goal, an action item's meeting).
    pub written_at: DateTime<Utc>,
}

/// How the caller stands towards a relationship.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// May not know it exists.
    Nothing,
    /// A coordinator of its program or an admin: knows it exists and sees status,
    /// dates and counts, never what the pair says.
    Oversee,
    /// Takes part as mentor or mentee; `since` is when a mentee joined, from which
    /// moment on they read what was written (None: everything).
    TakePart {
        part: Part,
        since: Option<DateTime<Utc>>,
    },
}

/// Who reads a kind of object.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Audience {
    /// Participants, and overseers too (status, dates, counts).
    Overseers,
    /// Participants only; overseers know the relationship exists, so they get 403.
    Participants,
    /// Its author only; to everyone else it does not exist.
    Author,
}

/// The kinds of object a relationship holds. A new kind is one line in `audience`
/// and one in `dated`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// The relationship itself: who, status and dates.
    Relationship,
    /// Its lifecycle: accepting, pausing, ending…
    Lifecycle,
    /// The request's message and the answers (intro, reasons, ask, decline reason, end note).
    Request,
    Agreement,
    Reflection,
    /// Goals and their milestones.
    Goal,
    /// Meetings: time, place, agenda, shared notes, action items.
    Meeting,
    /// A participant's private note on a meeting: its author's alone.
    PrivateNote,
    /// Feedback texts and ratings on one meeting.
    Feedback,
    /// Counts, dates, health and the average rating: what overseers may see.
    Progress,
    /// The history of the relationship, with what was achieved.
    Timeline,
    Kudos,
    Message,
    Introduction,
    /// The mentor's free office-hour slots and booking one.
    OfficeHours,
    /// One's answer to the end survey (its comment goes to the coordinators, pooled).
    Survey,
}

impl Kind {
    pub const fn audience(self) -> Audience {
        match self {
            Kind::Relationship | Kind::Progress => Audience::Overseers,
            Kind::PrivateNote => Audience::Author,
            Kind::Lifecycle
            | Kind::Request
            | Kind::Agreement
            | Kind::Reflection
            | Kind::Goal
            | Kind::Meeting
            | Kind::Feedback
            | Kind::Timeline
            | Kind::Kudos
            | Kind::Message
            | Kind::Introduction
            | Kind::OfficeHours
            | Kind::Survey => Audience::Participants,
        }
    }

    /// Whether objects of this kind stay with the members of the time they were
    /// written (SPEC §7): a mentee who joins a group later does not read them.
    pub const fn dated(self) -> bool {
        match self {
            Kind::Goal
            | Kind::Meeting
            | Kind::PrivateNote
            | Kind::Feedback
            | Kind::Kudos
            | Kind::Message
            | Kind::Introduction => true,
            Kind::Relationship
            | Kind::Lifecycle
            | Kind::Request
            | Kind::Agreement
            | Kind::Reflection
            | Kind::Progress
            | Kind::Timeline
            | Kind::OfficeHours
            | Kind::Survey => false,
        }
    }

    /// What an overseer is told when refused.
    const fn refusal(self) -> &'static str {
        match self {
            Kind::Lifecycle | Kind::OfficeHours | Kind::Survey => {
                "only the people in this mentorship can do this"
            }
            _ => "what a pair shares stays between them; coordinators see only status and dates",
        }
    }

    /// What is not found when the caller may not know of an object of this kind.
    const fn hidden(self) -> &'static str {
        match self {
            Kind::Agreement => "agreement",
            Kind::Reflection => "reflection",
            Kind::PrivateNote => "private note",
            _ => "mentorship",
        }
    }
}

/// The caller's standing towards a relationship.
pub fn pair_access(viewer: Viewer, facts: &PairFacts) -> Access {
    if facts.mentor == Some(viewer.id) {
        return Access::TakePart {
            part: Part::Mentor,
            since: None,
        };
    }
    if let Some(seat) = facts.mentees.iter().find(|m| m.id == viewer.id) {
        return Access::TakePart {
            part: Part::Mentee,
            since: Some(seat.joined_at),
        };
    }
    if viewer.is_admin || facts.coordinators.contains(&viewer.id) {
        Access::Oversee
    } else {
        Access::Nothing
    }
}

/// Whether the program's coordinators can change the answer for this viewer: they
/// cannot for a participant or an admin, so services fetch them only when needed.
pub fn needs_coordinators(viewer: Viewer, facts: &PairFacts) -> bool {
    !viewer.is_admin
        && facts.mentor != Some(viewer.id)
        && !facts.mentees.iter().any(|m| m.id == viewer.id)
}

impl Access {
    /// The caller's part when they take part.
    pub fn part(self) -> Option<Part> {
        match self {
            Access::TakePart { part, .. } => Some(part),
            Access::Nothing | Access::Oversee => None,
        }
    }

    /// From when on the caller reads dated content (None: all of it).
    pub fn since(self) -> Option<DateTime<Utc>> {
        match self {
            Access::TakePart { since, .. } => since,
            Access::Nothing | Access::Oversee => None,
        }
    }

    /// Whether the caller may read (and, for participants, write) content of this
    /// kind of the relationship, as a whole.
    pub fn allows(self, kind: Kind) -> Result<Access, Denied> {
        match (kind.audience(), self) {
            (_, Access::Nothing) => Err(Denied::Hidden("mentorship")),
            (Audience::Overseers, seen) => Ok(seen),
            (Audience::Participants | Audience::Author, Access::Oversee) => {
                Err(Denied::Forbidden(kind.refusal()))
            }
            (Audience::Participants | Audience::Author, part) => Ok(part),
        }
    }

    /// The caller's part, for content only participants read and write.
    pub fn take_part(self, kind: Kind) -> Result<Part, Denied> {
        let granted = self.allows(kind)?;
        granted.part().ok_or(Denied::Forbidden(kind.refusal()))
    }

    /// Whether the caller may read one object of this kind: its audience, its
    /// author for what only its author reads, and for a member who joined later,
    /// whether it was written before they joined (then it does not exist for them).
    pub fn object(self, viewer: Viewer, kind: Kind, facts: &ObjectFacts) -> Result<Part, Denied> {
        let part = self.take_part(kind)?;
        if kind.audience() == Audience::Author && facts.author != Some(viewer.id) {
            return Err(Denied::Hidden(kind.hidden()));
        }
        match self.since() {
            Some(since) if kind.dated() && facts.written_at < since => {
                Err(Denied::Hidden(kind.hidden()))
            }
            _ => Ok(part),
        }
    }

    /// Whose private notes the caller reads in this relationship: their own, and
    /// only as a participant.
    pub fn private_notes_of<'a>(self, viewer: Viewer<'a>) -> Option<&'a str> {
        self.part().map(|_| viewer.id)
    }

    /// Only the mentor introduces the mentee to a contact.
    pub fn may_introduce(self) -> Result<(), Denied> {
        match self.take_part(Kind::Introduction)? {
            Part::Mentor => Ok(()),
            Part::Mentee => Err(Denied::Forbidden(
                "only the mentor introduces the mentee to a contact",
            )),
        }
    }

    /// Whether the caller may take a lifecycle action in this status, as far as
    /// who they are goes (the state machine says whether the status allows it):
    /// only the mentor answers a request, only the one who asked withdraws it.
    pub fn may_act(self, status: S, action: Action) -> Result<Part, Denied> {
        let part = self.take_part(Kind::Lifecycle)?;
        match (status, action, part) {
            (S::Requested, Action::Accept | Action::Decline, Part::Mentee) => {
                Err(Denied::Forbidden("only the mentor can answer a request"))
            }
            (S::Requested, Action::Withdraw, Part::Mentor) => Err(Denied::Forbidden(
                "only the person who asked can withdraw a request",
            )),
            _ => Ok(part),
        }
    }
}

// ------------------------------------------------------------ a program and what it holds

/// Facts about the caller and a program.
#[derive(Debug, Clone, Copy)]
pub struct ProgramFacts<'a> {
    pub coordinators: &'a [&'a str],
    /// The roles the caller is enrolled in.
    pub enrolled_as: &'a [Role],
}

/// What a caller asks to do with a program.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProgramAct {
    /// Read it: every signed-in person.
    Read,
    AppointCoordinator,
    Edit,
    SeeEnrollments,
    EnrolOthers,
    SeeRelationships,
    /// Run, list and create matching rounds.
    RunRounds,
    /// Open one round: only those who run the program may know it exists.
    OpenRound,
    ProposePair,
    BrowseMentors,
    Suggestions,
    /// Ask a mentor of the program for mentorship.
    AskForMentor,
    /// Read the program's report, charts, CSVs and check-in aggregates, and set
    /// its check-ins.
    Report,
}

/// Who may do an act.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Who {
    Everyone,
    Admins,
    /// The program's coordinators and the instance admins.
    Runners,
    /// Runners and everyone enrolled.
    Members,
    Mentees,
}

impl ProgramAct {
    const fn who(self) -> (Who, Denied) {
        const RUNNERS_ONLY: Denied =
            Denied::Forbidden("only this program's coordinators can do this");
        match self {
            ProgramAct::Read => (Who::Everyone, Denied::Hidden("program")),
            ProgramAct::AppointCoordinator => (
                Who::Admins,
                Denied::Forbidden("only an instance admin can do this"),
            ),
            ProgramAct::Edit
            | ProgramAct::SeeEnrollments
            | ProgramAct::EnrolOthers
            | ProgramAct::SeeRelationships
            | ProgramAct::RunRounds
            | ProgramAct::ProposePair
            | ProgramAct::Report => (Who::Runners, RUNNERS_ONLY),
            ProgramAct::OpenRound => (Who::Runners, Denied::Hidden("round")),
            ProgramAct::BrowseMentors => (
                Who::Members,
                Denied::Forbidden("enrol in this program to browse its mentors"),
            ),
            ProgramAct::Suggestions => (
                Who::Mentees,
                Denied::Forbidden(
                    "suggestions are for the program's mentees; enrol as a mentee first",
                ),
            ),
            ProgramAct::AskForMentor => (
                Who::Mentees,
                Denied::Unqualified(
                    "not_enrolled",
                    "enrol in this program as a mentee before asking for a mentor",
                ),
            ),
        }
    }
}

/// Whether the caller may do `act` with a program.
pub fn program_access(viewer: Viewer, facts: &ProgramFacts, act: ProgramAct) -> Result<(), Denied> {
    let runs = viewer.is_admin || facts.coordinators.contains(&viewer.id);
    let (who, denied) = act.who();
    let allowed = match who {
        Who::Everyone => true,
        Who::Admins => viewer.is_admin,
        Who::Runners => runs,
        Who::Members => runs || !facts.enrolled_as.is_empty(),
        Who::Mentees => facts.enrolled_as.contains(&Role::Mentee),
    };
    if allowed {
        Ok(())
    } else {
        Err(denied)
    }
}

/// Whether the caller runs the program (coordinator or admin), for pages that offer
/// a coordinator's links.
pub fn runs_program(viewer: Viewer, facts: &ProgramFacts) -> bool {
    program_access(viewer, facts, ProgramAct::Edit).is_ok()
}

// ------------------------------------------------------------ people

/// Facts about the caller and another person.
#[derive(Debug, Clone, Copy)]
pub struct PersonFacts {
    pub exists: bool,
    pub is_self: bool,
    /// They share a program, as participants or coordinators.
    pub share_a_program: bool,
}

/// Whether the caller may know that a person exists and read their public profile:
/// themself, an admin, or someone who shares a program with them.
pub fn person_access(viewer: Viewer, facts: &PersonFacts) -> Result<(), Denied> {
    if facts.exists && (facts.is_self || viewer.is_admin || facts.share_a_program) {
        Ok(())
    } else {
        Err(Denied::Hidden("person"))
    }
}

// ------------------------------------------------------------ what overseers read

/// How many ratings an average must rest on before a coordinator or an admin sees
/// it: below that, one person's answer could be read off it.
pub const RATINGS_FOR_OVERSEERS: usize = 3;

/// The average rating as the caller may see it: participants always, overseers
/// only once it rests on enough ratings that no one person's answer shows.
pub fn average_rating_for(access: Access, average: Option<f64>, ratings: usize) -> Option<f64> {
    match access {
        Access::TakePart { .. } => average,
        Access::Oversee if ratings >= RATINGS_FOR_OVERSEERS => average,
        Access::Oversee | Access::Nothing => None,
    }
}

// ------------------------------------------------------------ a personal calendar feed

/// Whose meetings a calendar feed lists: its owner's, as the owner may read them.
/// The secret in its address stands for the owner; nobody else is asked about.
pub fn feed_viewer(owner_id: &str) -> Viewer<'_> {
    Viewer {
        id: owner_id,
        // A feed shows its owner's own meetings, never what an admin could oversee.
        is_admin: false,
    }
}

#[cfg(test)]
mod tests;
