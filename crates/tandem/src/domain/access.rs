//! Who may know of an object and what they may do with it, decided in one place
//! from facts about the caller and the object (SPEC §3). Every service asks here,
//! so the API and the pages refuse alike: `Hidden` (404) when the caller may not
//! know the object exists, `Forbidden` (403) when they know it but may not do this.
use super::lifecycle::Part;
use super::wire::Role;

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
}

// ------------------------------------------------------------ a relationship's objects

/// Facts about an object that belongs to a relationship.
#[derive(Debug, Clone, Copy)]
pub struct PairFacts<'a> {
    pub mentor: Option<&'a str>,
    /// The mentees (members who erased their account are no longer listed).
    pub mentees: &'a [&'a str],
    /// The coordinators of the relationship's program.
    pub coordinators: &'a [&'a str],
    /// Who wrote the object, for objects only their author reads.
    pub author: Option<&'a str>,
}

/// How the caller stands towards a relationship's object.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// May not know it exists.
    Nothing,
    /// A coordinator of its program or an admin: knows it exists and sees status,
    /// dates and counts, never what the pair says.
    Oversee,
    /// Takes part as mentor or mentee.
    TakePart(Part),
    /// Takes part and wrote the object: for what only its author reads.
    Own(Part),
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

/// The kinds of object a relationship holds. A new kind is one line in `audience`.
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
            | Kind::OfficeHours => Audience::Participants,
        }
    }

    /// What an overseer is told when refused.
    const fn refusal(self) -> &'static str {
        match self {
            Kind::Lifecycle | Kind::OfficeHours => "only the people in this mentorship can do this",
            _ => "what a pair shares stays between them; coordinators see only status and dates",
        }
    }
}

/// The caller's standing towards an object of a relationship.
pub fn pair_access(viewer: Viewer, facts: &PairFacts) -> Access {
    let part = if facts.mentor == Some(viewer.id) {
        Some(Part::Mentor)
    } else if facts.mentees.contains(&viewer.id) {
        Some(Part::Mentee)
    } else {
        None
    };
    match part {
        Some(p) if facts.author == Some(viewer.id) => Access::Own(p),
        Some(p) => Access::TakePart(p),
        None if viewer.is_admin || facts.coordinators.contains(&viewer.id) => Access::Oversee,
        None => Access::Nothing,
    }
}

/// Whether the program's coordinators can change the answer for this viewer: they
/// cannot for a participant or an admin, so services fetch them only when needed.
pub fn needs_coordinators(viewer: Viewer, facts: &PairFacts) -> bool {
    !viewer.is_admin && facts.mentor != Some(viewer.id) && !facts.mentees.contains(&viewer.id)
}

impl Access {
    /// The caller's part when they take part (or own the object).
    pub fn part(self) -> Option<Part> {
        match self {
            Access::TakePart(p) | Access::Own(p) => Some(p),
            Access::Nothing | Access::Oversee => None,
        }
    }

    /// Whether the caller may read (and, for participants, write) an object of this kind.
    pub fn allows(self, kind: Kind) -> Result<Access, Denied> {
        let hidden = Err(Denied::Hidden(match kind {
            Kind::Agreement => "agreement",
            Kind::Reflection => "reflection",
            Kind::PrivateNote => "private note",
            _ => "mentorship",
        }));
        match (kind.audience(), self) {
            (_, Access::Nothing) => Err(Denied::Hidden("mentorship")),
            (Audience::Overseers, seen) => Ok(seen),
            (Audience::Participants, Access::Oversee) => Err(Denied::Forbidden(kind.refusal())),
            (Audience::Participants, part) => Ok(part),
            (Audience::Author, Access::Own(p)) => Ok(Access::Own(p)),
            (Audience::Author, _) => hidden,
        }
    }

    /// The caller's part, for content only participants read and write.
    pub fn take_part(self, kind: Kind) -> Result<Part, Denied> {
        let granted = self.allows(kind)?;
        granted.part().ok_or(Denied::Forbidden(kind.refusal()))
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
    /// Create a program (there are no facts yet).
    Create,
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
            ProgramAct::Create | ProgramAct::AppointCoordinator => (
                Who::Admins,
                Denied::Forbidden("only an instance admin can do this"),
            ),
            ProgramAct::Edit
            | ProgramAct::SeeEnrollments
            | ProgramAct::EnrolOthers
            | ProgramAct::SeeRelationships
            | ProgramAct::RunRounds
            | ProgramAct::ProposePair => (Who::Runners, RUNNERS_ONLY),
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

#[cfg(test)]
mod tests {
    use super::*;

    const MENTOR: &str = "mentor";
    const MENTEE: &str = "mentee";
    const COORDINATOR: &str = "coordinator";

    fn viewer(id: &str) -> Viewer<'_> {
        Viewer {
            id,
            is_admin: false,
        }
    }

    fn facts(author: Option<&'static str>) -> PairFacts<'static> {
        PairFacts {
            mentor: Some(MENTOR),
            mentees: &[MENTEE],
            coordinators: &[COORDINATOR],
            author,
        }
    }

    #[test]
    fn participants_take_part_overseers_oversee_and_strangers_see_nothing() {
        let f = facts(None);
        assert_eq!(
            pair_access(viewer(MENTOR), &f),
            Access::TakePart(Part::Mentor)
        );
        assert_eq!(
            pair_access(viewer(MENTEE), &f),
            Access::TakePart(Part::Mentee)
        );
        assert_eq!(pair_access(viewer(COORDINATOR), &f), Access::Oversee);
        let admin = Viewer {
            id: "admin",
            is_admin: true,
        };
        assert_eq!(pair_access(admin, &f), Access::Oversee);
        assert_eq!(pair_access(viewer("someone"), &f), Access::Nothing);
    }

    #[test]
    fn overseers_see_the_relationship_but_get_403_on_its_content() {
        let oversee = pair_access(viewer(COORDINATOR), &facts(None));
        assert_eq!(oversee.allows(Kind::Relationship), Ok(Access::Oversee));
        for kind in [
            Kind::Agreement,
            Kind::Request,
            Kind::Reflection,
            Kind::Lifecycle,
        ] {
            assert!(matches!(oversee.take_part(kind), Err(Denied::Forbidden(_))));
        }
    }

    #[test]
    fn strangers_get_404_on_everything() {
        let nothing = pair_access(viewer("someone"), &facts(None));
        for kind in [Kind::Relationship, Kind::Agreement, Kind::Lifecycle] {
            assert!(matches!(nothing.allows(kind), Err(Denied::Hidden(_))));
        }
    }

    #[test]
    fn only_the_author_owns_what_they_wrote() {
        let f = facts(Some(MENTEE));
        assert_eq!(pair_access(viewer(MENTEE), &f), Access::Own(Part::Mentee));
        assert_eq!(
            pair_access(viewer(MENTOR), &f),
            Access::TakePart(Part::Mentor)
        );
    }

    #[test]
    fn a_private_note_exists_for_its_author_alone() {
        let f = facts(Some(MENTEE));
        assert_eq!(
            pair_access(viewer(MENTEE), &f).allows(Kind::PrivateNote),
            Ok(Access::Own(Part::Mentee))
        );
        let admin = Viewer {
            id: "admin",
            is_admin: true,
        };
        for someone in [
            viewer(MENTOR),
            viewer(COORDINATOR),
            admin,
            viewer("someone"),
        ] {
            assert!(matches!(
                pair_access(someone, &f).allows(Kind::PrivateNote),
                Err(Denied::Hidden(_))
            ));
        }
    }

    #[test]
    fn overseers_see_progress_but_not_what_the_pair_does_together() {
        let oversee = pair_access(viewer(COORDINATOR), &facts(None));
        assert_eq!(oversee.allows(Kind::Progress), Ok(Access::Oversee));
        for kind in [
            Kind::Goal,
            Kind::Meeting,
            Kind::Feedback,
            Kind::Timeline,
            Kind::Kudos,
            Kind::Message,
            Kind::Introduction,
            Kind::OfficeHours,
        ] {
            assert!(
                matches!(oversee.take_part(kind), Err(Denied::Forbidden(_))),
                "{kind:?}"
            );
            assert!(pair_access(viewer(MENTEE), &facts(None))
                .take_part(kind)
                .is_ok());
        }
    }

    #[test]
    fn program_acts_follow_their_rule() {
        let none = ProgramFacts {
            coordinators: &[COORDINATOR],
            enrolled_as: &[],
        };
        let mentee = ProgramFacts {
            coordinators: &[COORDINATOR],
            enrolled_as: &[Role::Mentee],
        };
        let mentor = ProgramFacts {
            coordinators: &[COORDINATOR],
            enrolled_as: &[Role::Mentor],
        };
        let someone = viewer("someone");
        assert!(program_access(someone, &none, ProgramAct::Read).is_ok());
        assert!(matches!(
            program_access(someone, &none, ProgramAct::SeeEnrollments),
            Err(Denied::Forbidden(_))
        ));
        assert!(matches!(
            program_access(someone, &mentee, ProgramAct::OpenRound),
            Err(Denied::Hidden("round"))
        ));
        assert!(program_access(viewer(COORDINATOR), &none, ProgramAct::OpenRound).is_ok());
        assert!(program_access(viewer(COORDINATOR), &none, ProgramAct::Create).is_err());
        assert!(program_access(someone, &mentee, ProgramAct::BrowseMentors).is_ok());
        assert!(program_access(someone, &none, ProgramAct::BrowseMentors).is_err());
        assert!(program_access(someone, &mentee, ProgramAct::Suggestions).is_ok());
        assert!(program_access(someone, &mentor, ProgramAct::Suggestions).is_err());
    }

    #[test]
    fn people_are_known_to_themselves_admins_and_those_who_share_a_program() {
        let stranger = PersonFacts {
            exists: true,
            is_self: false,
            share_a_program: false,
        };
        assert_eq!(
            person_access(viewer("a"), &stranger),
            Err(Denied::Hidden("person"))
        );
        let shared = PersonFacts {
            share_a_program: true,
            ..stranger
        };
        assert!(person_access(viewer("a"), &shared).is_ok());
        let gone = PersonFacts {
            exists: false,
            is_self: true,
            share_a_program: false,
        };
        assert!(person_access(viewer("a"), &gone).is_err());
    }
}
