//! Candidate generation: hard rules never violated, scores as `score()`, determinism.

use proptest::prelude::*;
use tandem_match::{
    candidates, passes_hard_rules, score, CandidateOptions, HardRules, LearningStyle,
    MeetingPreference, Mentee, Mentor, Profile, ProgramKind, Seniority, Weights,
};

const SKILLS: [&str; 6] = ["rust", "go", "sql", "leadership", "design", "python"];
const LANGS: [&str; 3] = ["en", "de", "fr"];
const SENIORITY: [Seniority; 4] = [
    Seniority::Junior,
    Seniority::Mid,
    Seniority::Senior,
    Seniority::Lead,
];

fn profile() -> impl Strategy<Value = Profile> {
    (
        0usize..8,
        prop::collection::vec(0usize..6, 0..4),
        prop::collection::vec(0usize..3, 0..3),
        -12i32..=14,
        0usize..4,
        0usize..3,
        proptest::option::of(1u32..10),
        any::<bool>(),
    )
        .prop_map(|(id, skills, langs, tz, sen, field, hours, ls)| Profile {
            id: format!("p{id}"),
            email: format!("p{id}@example.org"),
            manager_email: if id % 3 == 0 {
                Some(format!("p{}@example.org", id + 1))
            } else {
                None
            },
            field: Some(["data", "design", "ops"][field].to_string()),
            seniority: Some(SENIORITY[sen]),
            skills: skills.into_iter().map(|s| SKILLS[s].to_string()).collect(),
            values: vec!["care".into()],
            languages: langs.into_iter().map(|l| LANGS[l].to_string()).collect(),
            utc_offset_minutes: Some(tz * 60),
            learning_style: Some(if ls {
                LearningStyle::Visual
            } else {
                LearningStyle::Auditory
            }),
            meeting_preference: Some(MeetingPreference::Any),
            hours_per_month: hours,
            ..Profile::default()
        })
}

fn people() -> impl Strategy<Value = (Vec<Mentee>, Vec<Mentor>, u32)> {
    (
        prop::collection::vec((profile(), prop::collection::vec(0usize..6, 0..3)), 0..12),
        prop::collection::vec((profile(), 0u32..3), 0..8),
        0u32..=12,
    )
        .prop_map(|(me, mr, gap)| {
            let mentees = me
                .into_iter()
                .map(|(profile, wants)| Mentee {
                    profile,
                    wants_skills: wants.into_iter().map(|s| SKILLS[s].into()).collect(),
                })
                .collect();
            let mentors = mr
                .into_iter()
                .map(|(profile, capacity)| Mentor { profile, capacity })
                .collect();
            (mentees, mentors, gap)
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn edges_pass_the_rules_and_carry_the_scores((mentees, mentors, gap) in people()) {
        let mut rules = HardRules::new(gap);
        rules.add_previous_pair("p1", "p2");
        let w = Weights::default();
        let opts = CandidateOptions { per_mentee: 3, per_capacity: 2, scan: 100, threads: 1 };
        let inst = candidates(&mentees, &mentors, ProgramKind::Traditional, &w, &rules, &opts);
        prop_assert_eq!(inst.mentees(), mentees.len());
        for (i, me) in mentees.iter().enumerate() {
            for e in inst.edges_of(i) {
                let mr = &mentors[e.mentor as usize];
                prop_assert!(passes_hard_rules(me, mr, &rules).is_ok());
                let s = score(me, mr, ProgramKind::Traditional, &w);
                prop_assert_eq!((e.mentee_score, e.mentor_score), (s.mentee_view, s.mentor_view));
            }
        }
        // With a scan budget above the pool size, every allowed pair is considered, so each
        // mentee gets min(3, allowed) edges at least.
        for (i, me) in mentees.iter().enumerate() {
            let allowed = mentors.iter().filter(|m| passes_hard_rules(me, m, &rules).is_ok()).count();
            prop_assert!(inst.edges_of(i).len() >= allowed.min(3));
        }
        let threaded = candidates(&mentees, &mentors, ProgramKind::Traditional, &w, &rules, &CandidateOptions { threads: 3, ..opts });
        prop_assert_eq!(threaded, inst);
    }
}
