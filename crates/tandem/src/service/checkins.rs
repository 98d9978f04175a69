//! Check-ins and the end survey (SPEC §6): a program's coordinators set the
//! questions and the rhythm; the jobs create each participant's check-ins as they
//! fall due; a participant answers once; the coordinators see averages, and the
//! texts only pooled from at least five answers, never with a name or a pair.
use crate::domain::access::{Kind, ProgramAct};
use crate::domain::ids::{MentorshipId, ProgramId};
use crate::domain::values::text;
use crate::domain::wire::{MentorshipStatus as S, QuestionKind};
use crate::error::{AppError, AppResult};
use crate::service::accounts::Caller;
use crate::service::programs::program_for;
use crate::service::relationship;
use crate::state::AppState;
use crate::store::checkins::{self as store, NewCheckin, Plan};
use crate::store::entities::checkin_question;
use crate::store::notices;
use chrono::{DateTime, Duration, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};
use utoipa::ToSchema;

/// Texts are shown to coordinators only once the program has this many answers.
pub const MIN_FOR_TEXTS: u64 = 5;
/// The longest text answer.
pub const TEXT_MAX: usize = 2000;
/// Check-ins fall due this many days after a start unless the coordinator says otherwise.
pub const FIRST_AFTER_DAYS: i64 = 30;

/// The ready-made set a new program can take in one click.
pub const READY_SET: &[(&str, QuestionKind)] = &[
    ("How useful was your last meeting?", QuestionKind::Scale),
    ("How well does this pairing fit?", QuestionKind::Scale),
    (
        "How much progress have you made towards your goals?",
        QuestionKind::Scale,
    ),
    (
        "What would make the next month more useful?",
        QuestionKind::Text,
    ),
];

#[derive(Debug, Deserialize, ToSchema)]
pub struct QuestionIn {
    #[schema(min_length = 1, max_length = 300)]
    pub text: String,
    pub kind: QuestionKind,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct CheckinPlanIn {
    /// Days after a relationship starts that the first check-in falls due (default 30).
    #[schema(minimum = 1, maximum = 365)]
    pub first_after_days: Option<i64>,
    /// Days between check-ins after the first (default 30).
    #[schema(minimum = 7, maximum = 365)]
    pub every_days: Option<i64>,
    #[schema(min_items = 1, max_items = 10)]
    pub questions: Vec<QuestionIn>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct QuestionOut {
    pub id: String,
    pub text: String,
    pub kind: QuestionKind,
}

impl From<checkin_question::Model> for QuestionOut {
    fn from(q: checkin_question::Model) -> Self {
        QuestionOut {
            id: q.id,
            text: q.text,
            kind: q.kind,
        }
    }
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CheckinPlanOut {
    pub program_id: String,
    pub first_after_days: i64,
    pub every_days: i64,
    pub questions: Vec<QuestionOut>,
}

impl From<Plan> for CheckinPlanOut {
    fn from(p: Plan) -> Self {
        CheckinPlanOut {
            program_id: p.plan.program_id,
            first_after_days: p.plan.first_after_days.into(),
            every_days: p.plan.every_days.into(),
            questions: p.questions.into_iter().map(QuestionOut::from).collect(),
        }
    }
}

/// Sets a program's check-ins (its coordinators).
pub async fn put_plan(
    state: &AppState,
    caller: &Caller,
    program_id: &str,
    input: &CheckinPlanIn,
) -> AppResult<CheckinPlanOut> {
    program_for(state, caller, program_id, ProgramAct::Report).await?;
    let first = input.first_after_days.unwrap_or(FIRST_AFTER_DAYS);
    if !(1..=365).contains(&first) {
        return Err(AppError::field(
            "first_after_days",
            "must be between 1 and 365",
        ));
    }
    let every = input.every_days.unwrap_or(30);
    if !(7..=365).contains(&every) {
        return Err(AppError::field("every_days", "must be between 7 and 365"));
    }
    if input.questions.is_empty() || input.questions.len() > 10 {
        return Err(AppError::field(
            "questions",
            "give between 1 and 10 questions",
        ));
    }
    let mut questions = Vec::with_capacity(input.questions.len());
    for (i, q) in input.questions.iter().enumerate() {
        let t = text(&q.text, 300, true)
            .map_err(|e| AppError::field(&format!("questions[{i}].text"), e))?;
        questions.push((t, q.kind));
    }
    let tx = state.store.write().await?;
    let plan = store::set_plan(
        &tx,
        ProgramId(program_id),
        first as i32,
        every as i32,
        &questions,
        state.clock.now(),
    )
    .await?;
    crate::service::audit::record(
        &tx,
        state,
        caller.id(),
        crate::domain::audit::AuditAction::CheckinsSet,
        crate::service::audit::Object::Program(program_id),
    )
    .await?;
    tx.commit().await?;
    Ok(plan.into())
}

/// A program's check-in plan (its coordinators); 404 `checkins` when none is set.
pub async fn plan(
    state: &AppState,
    caller: &Caller,
    program_id: &str,
) -> AppResult<Option<CheckinPlanOut>> {
    program_for(state, caller, program_id, ProgramAct::Report).await?;
    Ok(store::plan_of(state.store.read(), ProgramId(program_id))
        .await?
        .map(CheckinPlanOut::from))
}

/// A program's plan, or while none is set the defaults with no questions (no
/// check-in is asked then).
pub async fn plan_or_none(
    state: &AppState,
    caller: &Caller,
    program_id: &str,
) -> AppResult<CheckinPlanOut> {
    Ok(plan(state, caller, program_id)
        .await?
        .unwrap_or_else(|| CheckinPlanOut {
            program_id: program_id.to_string(),
            first_after_days: FIRST_AFTER_DAYS,
            every_days: 30,
            questions: Vec::new(),
        }))
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CheckinOut {
    pub id: String,
    pub mentorship_id: String,
    pub program_id: String,
    pub due_on: NaiveDate,
    pub questions: Vec<QuestionOut>,
}

/// The check-ins due for the caller, soonest first.
pub async fn mine(state: &AppState, caller: &Caller) -> AppResult<Vec<CheckinOut>> {
    let db = state.store.read();
    let open = store::open_of(db, caller.person()).await?;
    let today = state.clock.now().date_naive();
    let mut plans: HashMap<String, Option<Plan>> = HashMap::new();
    let mut out = Vec::with_capacity(open.len());
    for c in open.into_iter().filter(|c| c.due_on <= today) {
        if !plans.contains_key(&c.program_id) {
            let plan = store::plan_of(db, ProgramId(&c.program_id)).await?;
            plans.insert(c.program_id.clone(), plan);
        }
        let Some(Some(plan)) = plans.get(&c.program_id) else {
            continue;
        };
        out.push(CheckinOut {
            id: c.id,
            mentorship_id: c.mentorship_id,
            program_id: c.program_id,
            due_on: c.due_on,
            questions: plan
                .questions
                .iter()
                .cloned()
                .map(QuestionOut::from)
                .collect(),
        });
    }
    Ok(out)
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct AnswerIn {
    pub question_id: String,
    /// 1–5 for a `scale` question, a text of up to 2,000 characters for a `text` one.
    pub value: serde_json::Value,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct AnswersIn {
    pub answers: Vec<AnswerIn>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AnsweredOut {
    pub id: String,
    pub answered_at: DateTime<Utc>,
}

/// Answers one of the caller's check-ins, once (a second time: 409).
pub async fn answer(
    state: &AppState,
    caller: &Caller,
    id: &str,
    input: &AnswersIn,
) -> AppResult<AnsweredOut> {
    let now = state.clock.now();
    let tx = state.store.write().await?;
    let checkin = store::checkin_by_id(&tx, id)
        .await?
        .filter(|c| c.user_id == caller.id())
        .ok_or(AppError::NotFound("check-in"))?;
    if checkin.answered_at.is_some() {
        return Err(already());
    }
    let questions = store::plan_of(&tx, ProgramId(&checkin.program_id))
        .await?
        .map(|p| p.questions)
        .unwrap_or_default();
    let mut rows = Vec::with_capacity(input.answers.len());
    for (i, a) in input.answers.iter().enumerate() {
        let field = |f: &str| format!("answers[{i}].{f}");
        let q = questions
            .iter()
            .find(|q| q.id == a.question_id)
            .ok_or_else(|| {
                AppError::field(&field("question_id"), "not a question of this check-in")
            })?;
        if rows.iter().any(|(qid, _, _)| qid == &q.id) {
            return Err(AppError::field(&field("question_id"), "answered twice"));
        }
        match q.kind {
            QuestionKind::Scale => {
                let n = a
                    .value
                    .as_i64()
                    .filter(|n| (1..=5).contains(n))
                    .ok_or_else(|| {
                        AppError::field(&field("value"), "must be a whole number from 1 to 5")
                    })?;
                rows.push((q.id.clone(), Some(n as i32), None));
            }
            QuestionKind::Text => {
                let raw = a
                    .value
                    .as_str()
                    .ok_or_else(|| AppError::field(&field("value"), "must be a text"))?;
                let t =
                    text(raw, TEXT_MAX, false).map_err(|e| AppError::field(&field("value"), e))?;
                rows.push((q.id.clone(), None, Some(t)));
            }
        }
    }
    if let Some(missing) = questions
        .iter()
        .find(|q| q.kind == QuestionKind::Scale && !rows.iter().any(|(id, _, _)| id == &q.id))
    {
        return Err(AppError::field(
            "answers",
            format!("answer “{}” (1 to 5)", missing.text),
        ));
    }
    if !store::answer(&tx, &checkin, &rows, now).await? {
        return Err(already());
    }
    tx.commit().await?;
    Ok(AnsweredOut {
        id: checkin.id,
        answered_at: now,
    })
}

fn already() -> AppError {
    AppError::conflict(
        "already_answered",
        "you have answered this check-in already",
    )
}

/// What a program's coordinators see of the check-ins.
#[derive(Debug, Clone, Default, Serialize, ToSchema)]
pub struct CheckinAggregate {
    /// Check-ins answered.
    pub answers: u64,
    /// Each scale question's average answer, by question id.
    pub averages: BTreeMap<String, f64>,
    /// The questions asked, with their averages, current ones first.
    pub questions: Vec<QuestionSummary>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct QuestionSummary {
    pub id: String,
    pub text: String,
    pub kind: QuestionKind,
    pub answers: u64,
    pub average: Option<f64>,
}

/// The aggregate of a program's check-ins, and (when asked for, and only from
/// five answers on) the text answers pooled in an order that tells nothing.
pub async fn aggregate(
    db: &impl crate::store::db::Connection,
    program: ProgramId<'_>,
    with_texts: bool,
) -> AppResult<(CheckinAggregate, Vec<String>)> {
    let questions = store::questions_ever(db, program).await?;
    if questions.is_empty() {
        return Ok((CheckinAggregate::default(), Vec::new()));
    }
    let found = store::answers_of(db, program, with_texts).await?;
    let mut averages = BTreeMap::new();
    let mut summaries = Vec::new();
    for q in questions {
        let (sum, n) = found.scales.get(&q.id).copied().unwrap_or((0, 0));
        let average = (n > 0).then(|| crate::domain::report::round(sum as f64 / n as f64, 2));
        if let Some(a) = average {
            averages.insert(q.id.clone(), a);
        }
        let texts = found.texts.iter().filter(|(id, _)| id == &q.id).count() as u64;
        if q.retired && n == 0 && texts == 0 {
            continue;
        }
        summaries.push(QuestionSummary {
            answers: if q.kind == QuestionKind::Scale {
                n.max(0) as u64
            } else {
                texts
            },
            id: q.id,
            text: q.text,
            kind: q.kind,
            average,
        });
    }
    let mut texts: Vec<String> = if found.answered >= MIN_FOR_TEXTS {
        found.texts.into_iter().map(|(_, t)| t).collect()
    } else {
        Vec::new()
    };
    texts.sort();
    Ok((
        CheckinAggregate {
            answers: found.answered,
            averages,
            questions: summaries,
        },
        texts,
    ))
}

/// The latest due date on or before `today` for a relationship started at
/// `start`: `first` days after it, then every `every` days.
pub fn latest_due(start: NaiveDate, first: i64, every: i64, today: NaiveDate) -> Option<NaiveDate> {
    let first_due = start + Duration::days(first);
    if first_due > today {
        return None;
    }
    let periods = (today - first_due).num_days() / every.max(1);
    Some(first_due + Duration::days(periods * every.max(1)))
}

/// The jobs' part: creates every check-in due by now that does not exist yet (one
/// per participant and period; a period missed while the jobs did not run is not
/// made up, only the latest is created). Returns how many were created.
pub async fn create_due(state: &AppState) -> AppResult<u64> {
    let now = state.clock.now();
    let today = now.date_naive();
    let db = state.store.read();
    let plans = store::plans(db).await?;
    // Check-ins fall due by the day: the day's work is done by its first run,
    // and done again only when a plan changes (a run every minute otherwise
    // reads every running relationship for nothing). A relationship that starts
    // or resumes later that day is due no earlier than the next.
    let Some(changed) = plans.iter().map(|p| p.updated_at).max() else {
        return Ok(0);
    };
    let key = format!("checkins_created:{today}:{}", changed.timestamp_millis());
    if notices::is_claimed(db, &key).await? {
        return Ok(0);
    }
    let plans: HashMap<String, (i64, i64)> = plans
        .into_iter()
        .map(|p| {
            (
                p.program_id,
                (p.first_after_days.into(), p.every_days.into()),
            )
        })
        .collect();
    let running = store::running(db).await?;
    let latest = store::latest_due(db).await?;
    let mut due = Vec::new();
    for r in running {
        let Some(&(first, every)) = plans.get(&r.program_id) else {
            continue;
        };
        let Some(on) = latest_due(r.started_at.date_naive(), first, every, today) else {
            continue;
        };
        for person in r.participants {
            let key = (r.mentorship_id.clone(), person);
            if latest.get(&key).is_some_and(|d| *d >= on) {
                continue;
            }
            due.push(NewCheckin {
                program_id: r.program_id.clone(),
                mentorship_id: key.0,
                user_id: key.1,
                due_on: on,
            });
        }
    }
    let tx = state.store.write().await?;
    // Another server's run of the same day went first: its check-ins stand.
    if notices::claim(&tx, std::slice::from_ref(&key), now)
        .await?
        .is_empty()
    {
        return Ok(0);
    }
    let made = store::create(&tx, &due, now).await?;
    tx.commit().await?;
    Ok(made)
}

// ------------------------------------------------------------------ the end survey

#[derive(Debug, Deserialize, ToSchema)]
pub struct SurveyIn {
    #[schema(minimum = 1, maximum = 5)]
    pub rating: i64,
    pub recommend: bool,
    /// For the program's coordinators, pooled with others and never with your name.
    #[schema(max_length = 2000)]
    #[serde(default)]
    pub comment: Option<String>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SurveyOut {
    pub mentorship_id: String,
    pub rating: i64,
    pub recommend: bool,
    pub comment: String,
    pub created_at: DateTime<Utc>,
}

/// Answers the end survey of a completed or ended relationship, once per participant.
pub async fn survey(
    state: &AppState,
    caller: &Caller,
    id: &str,
    input: &SurveyIn,
) -> AppResult<SurveyOut> {
    let now = state.clock.now();
    let tx = state.store.write().await?;
    let (rel, _) = relationship::lock_part(&tx, caller, id, Kind::Survey).await?;
    if !(1..=5).contains(&input.rating) {
        return Err(AppError::field(
            "rating",
            "must be a whole number from 1 to 5",
        ));
    }
    let comment = text(input.comment.as_deref().unwrap_or(""), TEXT_MAX, false)
        .map_err(|e| AppError::field("comment", e))?;
    if !matches!(rel.record.m.status, S::Completed | S::Ended) {
        return Err(AppError::conflict(
            "invalid_transition",
            "the survey opens once the mentorship is completed or ended",
        ));
    }
    if store::survey_of(&tx, MentorshipId(id), caller.person())
        .await?
        .is_some()
    {
        return Err(AppError::conflict(
            "already_answered",
            "you have answered this survey already",
        ));
    }
    let saved = store::add_survey(
        &tx,
        ProgramId(&rel.record.m.program_id),
        MentorshipId(id),
        caller.person(),
        store::NewSurvey {
            rating: input.rating as i32,
            recommend: input.recommend,
            comment,
        },
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(SurveyOut {
        mentorship_id: saved.mentorship_id,
        rating: saved.rating.into(),
        recommend: saved.recommend,
        comment: saved.comment.into_value(),
        created_at: saved.created_at,
    })
}

/// Whether the caller has answered the end survey of this relationship.
pub async fn surveyed(state: &AppState, caller: &Caller, id: &str) -> AppResult<bool> {
    Ok(
        store::survey_of(state.store.read(), MentorshipId(id), caller.person())
            .await?
            .is_some(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn check_ins_fall_due_first_after_then_every() {
        let start = d("2027-01-01");
        assert_eq!(latest_due(start, 30, 30, d("2027-01-30")), None);
        assert_eq!(
            latest_due(start, 30, 30, d("2027-01-31")),
            Some(d("2027-01-31"))
        );
        assert_eq!(
            latest_due(start, 30, 30, d("2027-03-01")),
            Some(d("2027-01-31"))
        );
        assert_eq!(
            latest_due(start, 30, 30, d("2027-03-02")),
            Some(d("2027-03-02"))
        );
        assert_eq!(
            latest_due(start, 14, 60, d("2027-06-01")),
            Some(d("2027-05-15"))
        );
    }
}
