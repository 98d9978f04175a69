//! The access model at its edges: each kind of viewer against each kind of object.
use super::*;
use chrono::Duration;

const MENTOR: &str = "mentor";
const MENTEE: &str = "mentee";
const LATER: &str = "later";
const COORDINATOR: &str = "coordinator";

fn viewer(id: &str) -> Viewer<'_> {
    Viewer {
        id,
        is_admin: false,
    }
}

fn admin() -> Viewer<'static> {
    Viewer {
        id: "admin",
        is_admin: true,
    }
}

fn start() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2027-01-01T12:00:00Z")
        .unwrap()
        .with_timezone(&Utc)
}

fn members() -> [Member<'static>; 2] {
    [
        Member {
            id: MENTEE,
            joined_at: start(),
        },
        Member {
            id: LATER,
            joined_at: start() + Duration::days(10),
        },
    ]
}

fn access_of(v: Viewer, mentees: &[Member]) -> Access {
    pair_access(
        v,
        &PairFacts {
            mentor: Some(MENTOR),
            mentees,
            coordinators: &[COORDINATOR],
        },
    )
}

fn written(at: DateTime<Utc>, author: Option<&str>) -> ObjectFacts<'_> {
    ObjectFacts {
        author,
        written_at: at,
    }
}

#[test]
fn participants_take_part_overseers_oversee_and_strangers_see_nothing() {
    let m = members();
    assert_eq!(access_of(viewer(MENTOR), &m).part(), Some(Part::Mentor));
    assert_eq!(access_of(viewer(MENTEE), &m).part(), Some(Part::Mentee));
    assert_eq!(access_of(viewer(COORDINATOR), &m), Access::Oversee);
    assert_eq!(access_of(admin(), &m), Access::Oversee);
    assert_eq!(access_of(viewer("someone"), &m), Access::Nothing);
}

#[test]
fn overseers_see_the_relationship_but_get_403_on_its_content() {
    let oversee = access_of(viewer(COORDINATOR), &members());
    assert_eq!(oversee.allows(Kind::Relationship), Ok(Access::Oversee));
    assert_eq!(oversee.allows(Kind::Progress), Ok(Access::Oversee));
    for kind in [
        Kind::Agreement,
        Kind::Request,
        Kind::Reflection,
        Kind::Lifecycle,
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
        assert!(access_of(viewer(MENTEE), &members())
            .take_part(kind)
            .is_ok());
    }
}

#[test]
fn strangers_get_404_on_everything() {
    let nothing = access_of(viewer("someone"), &members());
    for kind in [Kind::Relationship, Kind::Agreement, Kind::Lifecycle] {
        assert!(matches!(nothing.allows(kind), Err(Denied::Hidden(_))));
    }
}

#[test]
fn a_private_note_exists_for_its_author_alone() {
    let m = members();
    let note = written(start() + Duration::days(20), Some(MENTEE));
    assert!(access_of(viewer(MENTEE), &m)
        .object(viewer(MENTEE), Kind::PrivateNote, &note)
        .is_ok());
    for someone in [viewer(MENTOR), viewer(LATER)] {
        assert_eq!(
            access_of(someone, &m).object(someone, Kind::PrivateNote, &note),
            Err(Denied::Hidden("private note"))
        );
    }
    for overseer in [viewer(COORDINATOR), admin()] {
        assert!(access_of(overseer, &m)
            .object(overseer, Kind::PrivateNote, &note)
            .is_err());
    }
    assert_eq!(
        access_of(viewer(MENTEE), &m).private_notes_of(viewer(MENTEE)),
        Some(MENTEE)
    );
    assert_eq!(
        access_of(admin(), &m).private_notes_of(admin()),
        None,
        "an admin reads nobody's private notes"
    );
}

#[test]
fn a_later_member_reads_what_was_written_from_their_joining_on() {
    let m = members();
    let joined = start() + Duration::days(10);
    let later = access_of(viewer(LATER), &m);
    assert_eq!(later.since(), Some(joined));
    for kind in [
        Kind::Goal,
        Kind::Meeting,
        Kind::Feedback,
        Kind::Kudos,
        Kind::Message,
        Kind::Introduction,
    ] {
        let before = written(joined - Duration::milliseconds(1), None);
        let at = written(joined, None);
        assert_eq!(
            later.object(viewer(LATER), kind, &before),
            Err(Denied::Hidden("mentorship")),
            "{kind:?}"
        );
        assert!(later.object(viewer(LATER), kind, &at).is_ok(), "{kind:?}");
        // Those who were there read it.
        for v in [viewer(MENTOR), viewer(MENTEE)] {
            assert!(access_of(v, &m).object(v, kind, &before).is_ok());
        }
    }
    // The relationship itself, its agreement and progress are the group's now.
    let old = written(start(), None);
    for kind in [Kind::Agreement, Kind::Progress, Kind::Lifecycle] {
        assert!(later.object(viewer(LATER), kind, &old).is_ok(), "{kind:?}");
    }
}

#[test]
fn only_the_mentor_introduces() {
    let m = members();
    assert!(access_of(viewer(MENTOR), &m).may_introduce().is_ok());
    assert!(matches!(
        access_of(viewer(MENTEE), &m).may_introduce(),
        Err(Denied::Forbidden(_))
    ));
    assert!(matches!(
        access_of(viewer("someone"), &m).may_introduce(),
        Err(Denied::Hidden(_))
    ));
}

#[test]
fn only_the_mentor_answers_and_only_the_mentee_withdraws() {
    let m = members();
    let mentor = access_of(viewer(MENTOR), &m);
    let mentee = access_of(viewer(MENTEE), &m);
    assert_eq!(
        mentor.may_act(S::Requested, Action::Accept),
        Ok(Part::Mentor)
    );
    assert!(matches!(
        mentee.may_act(S::Requested, Action::Accept),
        Err(Denied::Forbidden(_))
    ));
    assert!(matches!(
        mentee.may_act(S::Requested, Action::Decline),
        Err(Denied::Forbidden(_))
    ));
    assert_eq!(
        mentee.may_act(S::Requested, Action::Withdraw),
        Ok(Part::Mentee)
    );
    assert!(matches!(
        mentor.may_act(S::Requested, Action::Withdraw),
        Err(Denied::Forbidden(_))
    ));
    // Either side answers a proposed match.
    assert!(mentee.may_act(S::Proposed, Action::Accept).is_ok());
    assert!(matches!(
        access_of(viewer(COORDINATOR), &m).may_act(S::Active, Action::Pause),
        Err(Denied::Forbidden(_))
    ));
}

#[test]
fn overseers_see_an_average_only_once_it_rests_on_three_ratings() {
    let m = members();
    let coordinator = access_of(viewer(COORDINATOR), &m);
    let mentee = access_of(viewer(MENTEE), &m);
    assert_eq!(average_rating_for(coordinator, Some(2.0), 1), None);
    assert_eq!(average_rating_for(coordinator, Some(2.5), 2), None);
    assert_eq!(average_rating_for(coordinator, Some(3.0), 3), Some(3.0));
    assert_eq!(average_rating_for(mentee, Some(2.0), 1), Some(2.0));
    assert_eq!(
        average_rating_for(access_of(admin(), &m), Some(4.0), 2),
        None
    );
}

#[test]
fn administering_the_instance_is_for_admins() {
    assert!(instance_access(admin(), InstanceAct::Administer).is_ok());
    assert!(matches!(
        instance_access(viewer(COORDINATOR), InstanceAct::Administer),
        Err(Denied::Forbidden(_))
    ));
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
    assert!(program_access(viewer(COORDINATOR), &none, ProgramAct::Report).is_ok());
    assert_eq!(
        program_access(someone, &mentee, ProgramAct::Report),
        Err(Denied::Forbidden(
            "only this program's coordinators can do this"
        )),
        "participants do not read the program's report"
    );
    assert!(program_access(viewer(COORDINATOR), &none, ProgramAct::AppointCoordinator).is_err());
    assert!(program_access(someone, &mentee, ProgramAct::BrowseMentors).is_ok());
    assert!(program_access(someone, &none, ProgramAct::BrowseMentors).is_err());
    assert!(program_access(someone, &mentee, ProgramAct::Suggestions).is_ok());
    assert!(program_access(someone, &mentor, ProgramAct::Suggestions).is_err());
    assert!(program_access(someone, &mentee, ProgramAct::AskForMentor).is_ok());
    assert!(matches!(
        program_access(someone, &mentor, ProgramAct::AskForMentor),
        Err(Denied::Unqualified("not_enrolled", _))
    ));
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
