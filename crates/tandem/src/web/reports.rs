//! The coordinator's program dashboard (figures, charts with their tables, what
//! to act on), the check-in configuration, a participant's check-in and the end
//! survey, on pages.
use crate::domain::report::round;
use crate::domain::wire::QuestionKind;
use crate::error::AppError;
use crate::service::checkins::{
    self, AnswerIn, AnswersIn, CheckinPlanIn, QuestionIn, SurveyIn, READY_SET,
};
use crate::service::reports::charts::{self, Chart, ChartKind};
use crate::service::reports::{self, ProgramReport};
use crate::state::AppState;
use crate::web::{back_with_error, done, ok, plural, CsrfForm, Member, Page, WebError};
use askama::Template;
use axum::extract::{Path, State};
use axum::response::Response;
use serde::Deserialize;

/// A chart as the page shows it: the SVG drawn inline, and its table.
pub struct ChartView {
    pub id: &'static str,
    pub svg: String,
    pub chart: Chart,
}

/// One figure tile.
pub struct Tile {
    pub label: &'static str,
    pub value: String,
    pub hint: String,
}

#[derive(Template)]
#[template(path = "program_dashboard.html")]
struct DashboardPage {
    page: Page,
    r: ProgramReport,
    tiles: Vec<Tile>,
    charts: Vec<ChartView>,
    texts: Vec<String>,
    comments: Vec<String>,
    min_texts: u64,
    /// The longest list the page shows; the CSVs hold the rest.
    list_max: usize,
}

fn pct(v: Option<f64>) -> String {
    v.map(|v| format!("{}%", (v * 100.0).round()))
        .unwrap_or_else(|| "–".into())
}

fn num(v: Option<f64>) -> String {
    v.map(|v| round(v, 1).to_string())
        .unwrap_or_else(|| "–".into())
}

/// `/programs/{id}/dashboard`: the program's report for those who run it.
pub async fn program_dashboard(
    State(state): State<AppState>,
    me: Member,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let data = reports::gather(&state, &me.caller, &id, true)
        .await
        .map_err(me.fail())?;
    let mut charts = Vec::new();
    for &kind in ChartKind::ALL {
        let chart = charts::chart(&data, kind);
        let svg = charts::svg(&chart).map_err(me.fail())?;
        charts.push(ChartView {
            id: kind.as_str(),
            svg,
            chart,
        });
    }
    let r = data.report;
    let tiles = vec![
        Tile {
            label: "Enrolled",
            value: plural(r.mentees, "mentee", "mentees"),
            hint: format!("and {}", plural(r.mentors, "mentor", "mentors")),
        },
        Tile {
            label: "Match rate",
            value: pct(r.match_rate),
            hint: format!("{} matched", plural(r.matched_mentees, "mentee", "mentees")),
        },
        Tile {
            label: "Days to match",
            value: num(r.median_days_to_match),
            hint: "median, from enrolment to the start".into(),
        },
        Tile {
            label: "Active relationships",
            value: r.active_mentorships.to_string(),
            hint: format!("{} at risk or stalled", r.at_risk.len()),
        },
        Tile {
            label: "Meetings per relationship",
            value: num(r.meetings_per_mentorship),
            hint: format!("{} held", plural(r.meetings_held, "meeting", "meetings")),
        },
        Tile {
            label: "Met in the last 30 days",
            value: pct(r.met_last_30_days),
            hint: "of active relationships at least 30 days old".into(),
        },
        Tile {
            label: "Milestones achieved",
            value: pct(r.milestone_attainment),
            hint: "of the milestones set".into(),
        },
        Tile {
            label: "Average rating",
            value: num(r.average_rating),
            hint: "of meetings, 1 to 5 (shown from three ratings)".into(),
        },
        Tile {
            label: "Hours to answer a request",
            value: num(r.median_hours_to_answer),
            hint: "median".into(),
        },
        Tile {
            label: "Ended early",
            value: pct(r.early_closure_rate),
            hint: "of the relationships that are over".into(),
        },
    ];
    let title = format!("{} — program dashboard", r.program_name);
    Ok(ok(&DashboardPage {
        page: me.page(title, "programs"),
        r,
        tiles,
        charts,
        texts: data.texts,
        comments: data.comments,
        min_texts: checkins::MIN_FOR_TEXTS,
        list_max: 50,
    }))
}

// ------------------------------------------------------------------ check-ins

pub struct QuestionRow {
    pub text: String,
    pub kind: &'static str,
}

#[derive(Template)]
#[template(path = "checkins.html")]
struct CheckinsPage {
    page: Page,
    program_id: String,
    first_after_days: i64,
    every_days: i64,
    questions: Vec<QuestionRow>,
    ready: Vec<QuestionRow>,
    has_plan: bool,
}

/// `/programs/{id}/checkins`: set the questions and the rhythm.
pub async fn checkins_page(
    State(state): State<AppState>,
    me: Member,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let plan = checkins::plan(&state, &me.caller, &id)
        .await
        .map_err(me.fail())?;
    let ready: Vec<QuestionRow> = READY_SET
        .iter()
        .map(|(t, k)| QuestionRow {
            text: (*t).into(),
            kind: k.as_str(),
        })
        .collect();
    let (first, every, questions) = match &plan {
        Some(p) => (
            p.first_after_days,
            p.every_days,
            p.questions
                .iter()
                .map(|q| QuestionRow {
                    text: q.text.clone(),
                    kind: q.kind.as_str(),
                })
                .collect(),
        ),
        None => (checkins::FIRST_AFTER_DAYS, 30, Vec::new()),
    };
    // Ten rows to fill in, the current questions first.
    let mut questions: Vec<QuestionRow> = questions;
    while questions.len() < 10 {
        questions.push(QuestionRow {
            text: String::new(),
            kind: "scale",
        });
    }
    Ok(ok(&CheckinsPage {
        page: me.page("Check-ins", "programs"),
        program_id: id,
        first_after_days: first,
        every_days: every,
        questions,
        ready,
        has_plan: plan.is_some(),
    }))
}

/// The check-in form: up to ten rows of question text and kind, or the ready set.
fn plan_from_form(pairs: &[(String, String)]) -> CheckinPlanIn {
    let get = |k: &str| {
        pairs
            .iter()
            .find(|(n, _)| n == k)
            .map(|(_, v)| v.trim().to_string())
    };
    let number = |k: &str| get(k).and_then(|v| v.parse::<i64>().ok());
    let questions = if get("ready").is_some() {
        READY_SET
            .iter()
            .map(|(t, k)| QuestionIn {
                text: (*t).into(),
                kind: *k,
            })
            .collect()
    } else {
        let texts: Vec<&String> = pairs
            .iter()
            .filter(|(n, _)| n == "text")
            .map(|(_, v)| v)
            .collect();
        let kinds: Vec<&String> = pairs
            .iter()
            .filter(|(n, _)| n == "kind")
            .map(|(_, v)| v)
            .collect();
        texts
            .iter()
            .zip(kinds.iter().map(Some).chain(std::iter::repeat(None)))
            .filter(|(t, _)| !t.trim().is_empty())
            .map(|(t, k)| QuestionIn {
                text: (*t).clone(),
                kind: k
                    .and_then(|k| QuestionKind::parse(k).ok())
                    .unwrap_or(QuestionKind::Scale),
            })
            .collect()
    };
    CheckinPlanIn {
        first_after_days: number("first_after_days"),
        every_days: number("every_days"),
        questions,
    }
}

pub async fn save_checkins(
    State(state): State<AppState>,
    me: Member,
    Path(id): Path<String>,
    CsrfForm(pairs): CsrfForm<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let back = format!("/programs/{id}/checkins");
    match checkins::put_plan(&state, &me.caller, &id, &plan_from_form(&pairs)).await {
        Ok(p) => Ok(done(
            &state,
            &back,
            format!(
                "Check-ins are set: {}, first {} after a start, then every {}.",
                plural(p.questions.len(), "question", "questions"),
                plural(p.first_after_days, "day", "days"),
                plural(p.every_days, "day", "days")
            ),
        )),
        Err(e) => Ok(back_with_error(&state, &back, e, me.fail())),
    }
}

pub struct CheckinQuestion {
    pub id: String,
    pub text: String,
    pub scale: bool,
}

#[derive(Template)]
#[template(path = "checkin.html")]
struct CheckinPage {
    page: Page,
    id: String,
    due_on: String,
    mentorship_id: String,
    questions: Vec<CheckinQuestion>,
}

/// `/checkins/{id}`: one's own check-in to answer.
pub async fn checkin_page(
    State(state): State<AppState>,
    me: Member,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let mine = checkins::mine(&state, &me.caller)
        .await
        .map_err(me.fail())?;
    let c = mine
        .into_iter()
        .find(|c| c.id == id)
        .ok_or_else(|| me.fail()(AppError::NotFound("check-in")))?;
    Ok(ok(&CheckinPage {
        page: me.page("Check-in", "dashboard"),
        id: c.id,
        due_on: c.due_on.format("%-d %b %Y").to_string(),
        mentorship_id: c.mentorship_id,
        questions: c
            .questions
            .into_iter()
            .map(|q| CheckinQuestion {
                scale: q.kind == QuestionKind::Scale,
                id: q.id,
                text: q.text,
            })
            .collect(),
    }))
}

/// The answers: a field per question, named `q-<question id>`.
pub async fn answer_checkin(
    State(state): State<AppState>,
    me: Member,
    Path(id): Path<String>,
    CsrfForm(pairs): CsrfForm<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    // Scale questions' answers are numbers; the kinds come from the check-in itself.
    let scales: Vec<String> = checkins::mine(&state, &me.caller)
        .await
        .map_err(me.fail())?
        .into_iter()
        .filter(|c| c.id == id)
        .flat_map(|c| c.questions)
        .filter(|q| q.kind == QuestionKind::Scale)
        .map(|q| q.id)
        .collect();
    let answers = pairs
        .into_iter()
        .filter_map(|(name, value)| {
            let question_id = name.strip_prefix("q-")?.to_string();
            let value = if scales.contains(&question_id) {
                match value.trim().parse::<i64>() {
                    Ok(n) => serde_json::Value::from(n),
                    Err(_) if value.trim().is_empty() => return None,
                    Err(_) => serde_json::Value::from(value),
                }
            } else {
                serde_json::Value::from(value)
            };
            Some(AnswerIn { question_id, value })
        })
        .collect();
    match checkins::answer(&state, &me.caller, &id, &AnswersIn { answers }).await {
        Ok(_) => Ok(done(
            &state,
            "/dashboard",
            "Thank you: your check-in is in.",
        )),
        Err(e) => Ok(back_with_error(
            &state,
            &format!("/checkins/{id}"),
            e,
            me.fail(),
        )),
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct SurveyForm {
    rating: String,
    recommend: String,
    comment: String,
}

/// The end survey from the relationship's page.
pub async fn survey(
    State(state): State<AppState>,
    me: Member,
    Path(id): Path<String>,
    CsrfForm(form): CsrfForm<SurveyForm>,
) -> Result<Response, WebError> {
    let back = format!("/mentorships/{id}#survey");
    let input = SurveyIn {
        rating: form.rating.trim().parse().unwrap_or(0),
        recommend: form.recommend == "yes",
        comment: Some(form.comment),
    };
    match checkins::survey(&state, &me.caller, &id, &input).await {
        Ok(_) => Ok(done(
            &state,
            &back,
            "Thank you: your answer goes to the program's coordinators.",
        )),
        Err(e) => Ok(back_with_error(&state, &back, e, me.fail())),
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ReflectionForm {
    text: String,
}

/// One's reflection on a completed relationship, from its page.
pub async fn reflection(
    State(state): State<AppState>,
    me: Member,
    Path(id): Path<String>,
    CsrfForm(form): CsrfForm<ReflectionForm>,
) -> Result<Response, WebError> {
    let back = format!("/mentorships/{id}#closing");
    let input = crate::service::mentorships::ReflectionIn { text: form.text };
    match crate::service::mentorships::put_reflection(&state, &me.caller, &id, &input).await {
        Ok(_) => Ok(done(&state, &back, "Your reflection is saved.")),
        Err(e) => Ok(back_with_error(&state, &back, e, me.fail())),
    }
}
