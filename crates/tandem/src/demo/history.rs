//! Months of the engineering program behind the demo, so that its coordinator's
//! dashboard has real shapes: pairs that met every fortnight, one completed with
//! reflections and surveys, two ended early for no-fault reasons, one stalled,
//! one paused, and check-ins answered along the way. Everything is done through
//! the services with the clock set back, and the clock comes back to now.
use super::describe;
use crate::domain::lifecycle::Confirmation;
use crate::domain::versions::Expected;
use crate::domain::wire::Action;
use crate::service::accounts::Caller;
use crate::service::checkins::{
    self, AnswerIn, AnswersIn, CheckinPlanIn, QuestionIn, SurveyIn, READY_SET,
};
use crate::service::goals::{self, GoalIn, MilestoneIn, MilestonePatch};
use crate::service::meetings::{self, FeedbackIn, MeetingIn, MeetingPatch};
use crate::service::mentorships::{self, ActionIn, AgreementIn, RequestIn};
use crate::state::AppState;
use chrono::{DateTime, Duration, Utc};

/// How far back the program's history starts.
pub const MONTHS_BACK: i64 = 6;

/// One pair of the history and what became of it.
pub struct Story<'a> {
    pub mentor: &'a Caller,
    pub mentee: &'a Caller,
    /// Days after the history's start that the mentee asks.
    pub asks_on: i64,
    /// Hours the mentor takes to answer.
    pub answers_after: i64,
    /// Days between meetings, and how many were held.
    pub every: i64,
    pub meetings: i64,
    pub ratings: [i32; 2],
    pub end: End,
}

pub enum End {
    /// Still running (meetings up to now, where `meetings` allows).
    Running,
    Completed {
        after_days: i64,
    },
    Ended {
        after_days: i64,
        reason: &'static str,
    },
    Paused {
        after_days: i64,
    },
}

struct Running<'a> {
    story: &'a Story<'a>,
    id: String,
    started: DateTime<Utc>,
}

fn at(state: &AppState, when: DateTime<Utc>) {
    state.clock.set(when);
}

/// Plays the stories out from `MONTHS_BACK` months ago to now, with the program's
/// check-ins set to the ready set and answered as they fall due.
pub async fn play(
    state: &AppState,
    coordinator: &Caller,
    program_id: &str,
    program_name: &str,
    stories: &[Story<'_>],
) -> anyhow::Result<()> {
    let now = Utc::now();
    let start = now - Duration::days(30 * MONTHS_BACK);
    at(state, start);
    let plan = checkins::put_plan(
        state,
        coordinator,
        program_id,
        &CheckinPlanIn {
            first_after_days: Some(30),
            every_days: Some(30),
            questions: READY_SET
                .iter()
                .map(|(text, kind)| QuestionIn {
                    text: (*text).into(),
                    kind: *kind,
                })
                .collect(),
        },
    )
    .await
    .map_err(describe)?;
    let mut running = Vec::new();
    for story in stories {
        at(state, start + Duration::days(story.asks_on));
        let request = mentorships::request(
            state,
            story.mentee,
            &RequestIn {
                program_id: program_id.to_string(),
                mentor_id: story.mentor.id().to_string(),
                intro: format!(
                    "Hi, I'm {} and I would like to grow in {program_name}.",
                    story.mentee.name()
                ),
                reasons: "Your experience is where I want to go.".into(),
                ask: "Could we meet every two weeks?".into(),
            },
        )
        .await
        .map_err(describe)?;
        state.clock.advance(Duration::hours(story.answers_after));
        mentorships::act(
            state,
            story.mentor,
            &request.id,
            Action::Accept,
            &ActionIn::default(),
            Confirmation::Given,
        )
        .await
        .map_err(describe)?;
        let started = state.clock.now();
        if !matches!(story.end, End::Paused { .. }) || story.meetings > 2 {
            mentorships::put_agreement(
                state,
                story.mentor,
                &request.id,
                &AgreementIn {
                    goals: "Grow into the next role, one concrete project at a time.".into(),
                    cadence_days: Some(story.every),
                    meeting_minutes: Some(45),
                    channel: "Video call".into(),
                    boundaries: "Reschedule a day ahead.".into(),
                    confidentiality: "What we discuss stays between us.".into(),
                },
                Expected::default(),
            )
            .await
            .map_err(describe)?;
            for who in [story.mentor, story.mentee] {
                mentorships::sign_agreement(state, who, &request.id)
                    .await
                    .map_err(describe)?;
            }
        }
        let goal = goals::create(
            state,
            story.mentee,
            &request.id,
            &GoalIn {
                title: "Lead one project end to end".into(),
                description: String::new(),
                horizon: Some("short".into()),
                due_on: None,
            },
        )
        .await
        .map_err(describe)?;
        for title in ["Write the plan", "Run the kickoff", "Ship it"] {
            goals::add_milestone(
                state,
                story.mentee,
                &goal.id,
                &MilestoneIn {
                    title: title.into(),
                    description: String::new(),
                    due_on: None,
                },
            )
            .await
            .map_err(describe)?;
        }
        running.push(Running {
            story,
            id: request.id,
            started,
        });
    }
    // The meetings, in the order they happened, each recorded once its day has passed.
    let mut meetings: Vec<(DateTime<Utc>, usize, i64)> = Vec::new();
    for (k, r) in running.iter().enumerate() {
        let last = match r.story.end {
            End::Completed { after_days }
            | End::Ended { after_days, .. }
            | End::Paused { after_days } => r.started + Duration::days(after_days),
            End::Running => now,
        };
        for n in 0..r.story.meetings {
            let when = r.started + Duration::days(3 + n * r.story.every);
            if when < last && when < now - Duration::hours(2) {
                meetings.push((when, k, n));
            }
        }
    }
    meetings.sort_by_key(|m| m.0);
    for (when, k, n) in meetings {
        let r = &running[k];
        at(state, when + Duration::hours(2));
        let m = meetings::schedule(
            state,
            r.story.mentee,
            &r.id,
            &MeetingIn {
                starts_at: when.to_rfc3339(),
                duration_minutes: Some(45),
                location: "Video call".into(),
                agenda: vec!["Progress since last time".into()],
            },
        )
        .await
        .map_err(describe)?;
        meetings::patch(
            state,
            r.story.mentor,
            &m.id,
            &MeetingPatch {
                status: Some("held".into()),
                ..Default::default()
            },
            Expected::default(),
        )
        .await
        .map_err(describe)?;
        for (who, rating) in [
            (r.story.mentee, r.story.ratings[0]),
            (r.story.mentor, r.story.ratings[1]),
        ] {
            meetings::give_feedback(
                state,
                who,
                &m.id,
                &FeedbackIn {
                    rating: rating.into(),
                    went_well: "Concrete next steps.".into(),
                    to_improve: String::new(),
                    encouragement: String::new(),
                },
            )
            .await
            .map_err(describe)?;
        }
        // A milestone reached every third meeting.
        if n % 3 == 2 {
            let goals = goals::list(state, r.story.mentee, &r.id)
                .await
                .map_err(describe)?;
            let open = goals
                .iter()
                .flat_map(|g| g.milestones.iter())
                .find(|m| m.status != crate::domain::wire::MilestoneStatus::Achieved);
            if let Some(ms) = open {
                goals::patch_milestone(
                    state,
                    r.story.mentee,
                    &ms.id,
                    &MilestonePatch {
                        status: Some("achieved".into()),
                        ..Default::default()
                    },
                    Expected::default(),
                )
                .await
                .map_err(describe)?;
            }
        }
        answer_checkins(state, &running, &plan.questions).await?;
    }
    // The ends, in order.
    let mut ends: Vec<(DateTime<Utc>, usize)> = running
        .iter()
        .enumerate()
        .filter_map(|(k, r)| match r.story.end {
            End::Completed { after_days }
            | End::Ended { after_days, .. }
            | End::Paused { after_days } => Some((r.started + Duration::days(after_days), k)),
            End::Running => None,
        })
        .collect();
    ends.sort_by_key(|e| e.0);
    for (when, k) in ends {
        let r = &running[k];
        at(state, when);
        let (action, input) = match r.story.end {
            End::Completed { .. } => (
                Action::Complete,
                ActionIn {
                    reflection: Some(
                        "I learned to plan before I build, and to ask for help early.".into(),
                    ),
                    ..Default::default()
                },
            ),
            End::Ended { reason, .. } => (
                Action::End,
                ActionIn {
                    reason: Some(reason.into()),
                    ..Default::default()
                },
            ),
            End::Paused { .. } => (Action::Pause, ActionIn::default()),
            End::Running => continue,
        };
        mentorships::act(
            state,
            r.story.mentee,
            &r.id,
            action,
            &input,
            Confirmation::Given,
        )
        .await
        .map_err(describe)?;
        if matches!(r.story.end, End::Completed { .. }) {
            crate::service::mentorships::put_reflection(
                state,
                r.story.mentor,
                &r.id,
                &crate::service::mentorships::ReflectionIn {
                    text: "Watching the first project ship was the best part.".into(),
                },
            )
            .await
            .map_err(describe)?;
        }
        if !matches!(r.story.end, End::Paused { .. }) {
            for (who, rating) in [
                (r.story.mentee, r.story.ratings[0]),
                (r.story.mentor, r.story.ratings[1]),
            ] {
                checkins::survey(
                    state,
                    who,
                    &r.id,
                    &SurveyIn {
                        rating: rating.into(),
                        recommend: rating >= 4,
                        comment: Some(if rating >= 4 {
                            "Well organised; the fortnightly rhythm worked.".into()
                        } else {
                            "We struggled to find time.".into()
                        }),
                    },
                )
                .await
                .map_err(describe)?;
            }
        }
    }
    at(state, now);
    checkins::create_due(state).await.map_err(describe)?;
    state.clock.reset();
    Ok(())
}

/// Creates the check-ins due by the clock's now and answers them.
async fn answer_checkins(
    state: &AppState,
    running: &[Running<'_>],
    questions: &[checkins::QuestionOut],
) -> anyhow::Result<()> {
    if checkins::create_due(state).await.map_err(describe)? == 0 {
        return Ok(());
    }
    const WORDS: [&str; 4] = [
        "More time on real problems from my week.",
        "A shared list of what we agreed to try.",
        "Meeting in person once.",
        "Keeping the same rhythm; it works.",
    ];
    for (k, r) in running.iter().enumerate() {
        for (j, who) in [r.story.mentee, r.story.mentor].into_iter().enumerate() {
            for c in checkins::mine(state, who).await.map_err(describe)? {
                if c.mentorship_id != r.id {
                    continue;
                }
                let base = r.story.ratings[j] as i64;
                let answers = questions
                    .iter()
                    .enumerate()
                    .map(|(q, question)| AnswerIn {
                        question_id: question.id.clone(),
                        value: match question.kind {
                            crate::domain::wire::QuestionKind::Scale => {
                                serde_json::Value::from((base - (q as i64 % 2)).clamp(1, 5))
                            }
                            crate::domain::wire::QuestionKind::Text => {
                                serde_json::Value::from(WORDS[(k + j) % WORDS.len()])
                            }
                        },
                    })
                    .collect();
                checkins::answer(state, who, &c.id, &AnswersIn { answers })
                    .await
                    .map_err(describe)?;
            }
        }
    }
    Ok(())
}
