//! Matching on the pages: a mentee's explained suggestions, a coordinator's rounds
//! (draft, edit, publish), the program's matching weights and hand-made pairs.
use super::{
    back_with_error, capitalise, day, done, form_failure, ok, optional_day, redirect_with, render,
    CsrfForm, Errors, Flash, Member, Opt, Page, WebError,
};
use crate::domain::access::ProgramAct;
use crate::domain::lifecycle::Confirmation;
use crate::domain::paging::PageRequest;
use crate::domain::values::Pick;
use crate::domain::wire::{Criterion, Objective, Role, RoundStatus};
use crate::error::AppError;
use crate::service::matching::{
    self, ExplanationItem, MentorCheck, PairIn, RoundIn, RoundOut, RoundPatch, UnmatchedOut,
};
use crate::service::people;
use crate::service::programs::{self, EnrollmentOut, ProgramOut, ProgramPatch};
use crate::state::AppState;
use crate::store::rounds::PairOrder;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use serde::Deserialize;
use std::collections::BTreeMap;

/// A criterion in plain words, and what it rewards.
pub fn criterion_label(criterion: Criterion) -> (&'static str, &'static str) {
    match criterion {
        Criterion::Skills => (
            "Skills",
            "The mentor has the skills the mentee wants to grow.",
        ),
        Criterion::Field => ("Field", "Both work in the same or a related field."),
        Criterion::Values => ("Shared values", "Values both of them named."),
        Criterion::Seniority => (
            "Experience",
            "The difference in seniority suits the program's kind.",
        ),
        Criterion::Interests => ("Shared interests", "Interests both of them named."),
        Criterion::Background => ("Background", "Education, department or location in common."),
        Criterion::LearningStyle => (
            "Learning style",
            "How the mentee learns best fits how the mentor explains.",
        ),
        Criterion::MeetingPreference => (
            "How to meet",
            "Both prefer the same way to meet (video, in person, phone, chat).",
        ),
        Criterion::Availability => (
            "Time available",
            "The mentor has the hours a month the mentee hopes for.",
        ),
        Criterion::Timezone => ("Time zone", "Their working hours overlap."),
    }
}

/// `72.5` → `"72.5"`, `80.0` → `"80"`.
fn score_text(score: f64) -> String {
    let rounded = (score * 10.0).round() / 10.0;
    if rounded.fract() == 0.0 {
        format!("{rounded:.0}")
    } else {
        format!("{rounded:.1}")
    }
}

/// One row of "Why this match".
pub struct WhyRow {
    pub label: String,
    pub points: String,
    pub detail: String,
}

fn why(items: &[ExplanationItem]) -> Vec<WhyRow> {
    items
        .iter()
        .map(|i| WhyRow {
            label: criterion_label(i.criterion).0.to_string(),
            points: score_text(i.points),
            detail: capitalise(&i.detail),
        })
        .collect()
}

/// The program, once the caller may run its matching: the same refusal as the API's.
async fn runnable_program(
    state: &AppState,
    me: &Member,
    program_id: &str,
) -> Result<ProgramOut, WebError> {
    let record = programs::program_for(state, &me.caller, program_id, ProgramAct::RunRounds)
        .await
        .map_err(me.fail())?;
    Ok(ProgramOut::from(&record.program))
}

/// After a round or pair form fails: back to the page with the messages on top.
/// Field keys such as `add[0]` mean nothing to a person, so only the messages are shown.
fn back_with_messages(
    state: &AppState,
    me: &Member,
    to: &str,
    err: AppError,
) -> Result<Response, WebError> {
    match err {
        AppError::Validation(fields) => {
            let text = fields
                .values()
                .map(|m| capitalise(m))
                .collect::<Vec<_>>()
                .join(". ");
            Ok(redirect_with(state, to, Flash::error(format!("{text}."))))
        }
        other => Ok(back_with_error(state, to, other, me.fail())),
    }
}

// ---------------------------------------------------------------- suggestions

pub struct SuggestionCard {
    pub rank: usize,
    pub mentor_id: String,
    pub name: String,
    pub field: String,
    pub known_for: String,
    pub score: String,
    pub score_value: f64,
    pub why: Vec<WhyRow>,
}

#[derive(Template)]
#[template(path = "suggestions.html")]
struct SuggestionsPage {
    page: Page,
    program_id: String,
    program_name: String,
    cards: Vec<SuggestionCard>,
    /// What the mentee could add to their profile to be matched at all.
    profile_gaps: Vec<&'static str>,
}

pub async fn suggestions(
    State(state): State<AppState>,
    me: Member,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let program = programs::get(&state, &me.caller, &id)
        .await
        .map_err(me.fail())?;
    let found = matching::suggestions(&state, &me.caller, &id, Some(20))
        .await
        .map_err(me.fail())?;
    let profile = people::get_profile(&state, &me.caller)
        .await
        .map_err(me.fail())?;
    let mut profile_gaps = Vec::new();
    if profile.languages.is_empty() {
        profile_gaps.push("the languages you speak (a shared language is required)");
    }
    if profile.timezone.is_none() {
        profile_gaps.push("your time zone");
    }
    if profile.skills.is_empty() && profile.interests.is_empty() {
        profile_gaps.push("your skills and interests");
    }
    let cards = found
        .into_iter()
        .enumerate()
        .map(|(k, s)| SuggestionCard {
            rank: k + 1,
            mentor_id: s.mentor.id,
            name: s.mentor.name,
            field: s.mentor.field,
            known_for: s.mentor.known_for,
            score: score_text(s.score),
            score_value: s.score,
            why: why(&s.explanation),
        })
        .collect();
    Ok(ok(&SuggestionsPage {
        page: me.page(format!("Suggested mentors · {}", program.name), "programs"),
        program_id: program.id,
        program_name: program.name,
        cards,
        profile_gaps,
    }))
}

// ---------------------------------------------------------------- rounds

pub struct RoundRow {
    pub id: String,
    pub status: String,
    pub objective: String,
    pub pairs: usize,
    pub total_score: String,
    pub mean_score: String,
    pub blocking_pairs: i32,
    pub unmatched: usize,
    pub created: String,
    pub max_pairs: Option<i32>,
    pub best_total: Option<String>,
}

impl RoundRow {
    fn new(r: &RoundOut) -> RoundRow {
        RoundRow {
            id: r.id.clone(),
            status: r.status.as_str().to_string(),
            objective: objective_label(r.objective).to_string(),
            pairs: r.stats.pairs,
            total_score: score_text(r.stats.total_score),
            mean_score: score_text(r.stats.mean_score),
            blocking_pairs: r.stats.blocking_pairs,
            unmatched: r.unmatched_mentee_ids.len(),
            created: day(r.created_at),
            max_pairs: r.stats.max_pairs,
            best_total: r.stats.best_total.map(score_text),
        }
    }
}

fn objective_label(objective: Objective) -> &'static str {
    match objective {
        Objective::Stable => "Stable",
        Objective::Optimal => "Optimal",
    }
}

#[derive(Debug, Deserialize)]
#[serde(default)]
pub struct RoundForm {
    objective: String,
    min_score: String,
}

impl Default for RoundForm {
    fn default() -> Self {
        RoundForm {
            objective: "optimal".into(),
            min_score: String::new(),
        }
    }
}

#[derive(Template)]
#[template(path = "rounds.html")]
struct RoundsPage {
    page: Page,
    program_id: String,
    program_name: String,
    rounds: Vec<RoundRow>,
    form: RoundForm,
    errors: Errors,
}

async fn rounds_view(
    state: &AppState,
    me: &Member,
    program_id: &str,
    form: RoundForm,
    errors: Errors,
) -> Result<RoundsPage, WebError> {
    let program = runnable_program(state, me, program_id).await?;
    let rounds = matching::rounds_of(state, &me.caller, program_id, &PageRequest::default())
        .await
        .map_err(me.fail())?
        .items;
    Ok(RoundsPage {
        page: me.page(format!("Matching rounds · {}", program.name), "programs"),
        program_id: program.id,
        program_name: program.name,
        rounds: rounds.iter().map(RoundRow::new).collect(),
        form,
        errors,
    })
}

pub async fn rounds(
    State(state): State<AppState>,
    me: Member,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let view = rounds_view(&state, &me, &id, RoundForm::default(), Errors::default()).await?;
    Ok(ok(&view))
}

pub async fn create_round(
    State(state): State<AppState>,
    me: Member,
    Path(id): Path<String>,
    CsrfForm(form): CsrfForm<RoundForm>,
) -> Result<Response, WebError> {
    runnable_program(&state, &me, &id).await?;
    let input = RoundIn {
        objective: Pick::typed(&form.objective),
        min_score: typed_min_score(&form.min_score),
    };
    let result = matching::create_round(&state, &me.caller, &id, &input).await;
    match result {
        Ok(r) => Ok(done(
            &state,
            &format!("/rounds/{}", r.id),
            format!(
                "Draft ready: {} pairs, {} mentees unmatched. Review it, then publish.",
                r.stats.pairs,
                r.unmatched_mentee_ids.len()
            ),
        )),
        Err(err) => {
            let failure = form_failure(err, me.fail())?;
            let mut view = rounds_view(&state, &me, &id, form, failure.errors).await?;
            view.page.flash = Some(failure.banner);
            Ok(render(failure.status, &view))
        }
    }
}

pub struct PairRow {
    pub mentor_id: String,
    pub mentor_name: String,
    pub mentee_id: String,
    pub mentee_name: String,
    pub score: String,
    pub score_value: f64,
    pub why: Vec<WhyRow>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct RoundQuery {
    sort: String,
    /// The page of pairs, from 1.
    page: Option<usize>,
}

/// Pairs shown per page of a round.
const PAIRS_PER_PAGE: usize = 100;
/// Unmatched mentees named on a round's page.
const UNMATCHED_SHOWN: usize = 200;
/// Enrolments up to which the round's page offers lists of mentors and mentees to pair.
const CHOOSE_FROM: u64 = 1_000;

/// The round's result against the best possible, in a coordinator's words; `None` for
/// rounds drafted before bounds were recorded.
pub fn verdict(r: &RoundOut) -> Option<String> {
    let (max_pairs, best) = (r.stats.max_pairs?, r.stats.best_total?);
    let fewer = (max_pairs as i64 - r.stats.pairs as i64).max(0);
    let below = if best > 0.0 {
        ((best - r.stats.total_score) / best * 100.0).max(0.0)
    } else {
        0.0
    };
    let people = |n: i64| if n == 1 { "person" } else { "people" };
    let shortfall = match (fewer, below >= 0.05) {
        (0, false) => None,
        (0, true) => Some(format!("scores {below:.1}% below the best possible")),
        (n, false) => Some(format!("matches {n} fewer {}", people(n))),
        (n, true) => Some(format!(
            "matches {n} fewer {} and scores {below:.1}% below the best possible",
            people(n)
        )),
    };
    Some(match (r.objective, r.stats.certified, shortfall) {
        (Objective::Optimal, true, _) => format!(
            "Every mentee who could be matched is matched: {max_pairs} pairs, the most \
             possible, and no assignment with as many pairs scores higher. A certificate of optimality (a price for every \
             mentee and mentor) was checked independently of the solver when this draft was made."
        ),
        (Objective::Stable, _, Some(gap)) => format!(
            "This stable round {gap}: the most any assignment could match is {max_pairs}, with a \
             best total of {}. That is what stability costs: no mentor and mentee would both \
             rather be paired with each other.",
            score_text(best)
        ),
        (Objective::Stable, _, None) => format!(
            "This stable round is also the best possible: every mentee who could be matched is \
             matched ({max_pairs} pairs), and no assignment with as many pairs scores higher."
        ),
        (Objective::Optimal, false, Some(gap)) => format!(
            "Edited by hand, this draft {gap} (at most {max_pairs} pairs, best total {})",
            score_text(best)
        ),
        (Objective::Optimal, false, None) => format!(
            "Edited by hand, this draft still matches every mentee who could be matched \
             ({max_pairs} pairs) and reaches the best total."
        ),
    })
}

#[derive(Template)]
#[template(path = "round.html")]
struct RoundPage {
    page: Page,
    program_id: String,
    program_name: String,
    round: RoundRow,
    min_score: String,
    published: String,
    is_draft: bool,
    pairs: Vec<PairRow>,
    /// `score`, `mentor` or `mentee`.
    sort: &'static str,
    /// Page of pairs shown, its count, and the first pair's position on it.
    pair_page: usize,
    pair_pages: usize,
    first_pair: usize,
    verdict: Option<String>,
    /// (id, name) of each unmatched mentee shown, and how many more there are.
    unmatched: Vec<(String, String)>,
    more_unmatched: usize,
    mentors: Vec<Opt>,
    mentees: Vec<Opt>,
}

fn people_in_role(enrolments: &[EnrollmentOut], role: Role, note: &[String]) -> Vec<Opt> {
    let mut opts: Vec<Opt> = enrolments
        .iter()
        .filter(|e| e.role == role)
        .map(|e| Opt {
            value: e.person.id.clone(),
            label: if note.contains(&e.person.id) {
                format!("{} (unmatched)", e.person.name)
            } else {
                e.person.name.clone()
            },
            selected: false,
        })
        .collect();
    opts.sort_by_key(|a| a.label.to_lowercase());
    opts
}

pub async fn round(
    State(state): State<AppState>,
    me: Member,
    Path(id): Path<String>,
    Query(query): Query<RoundQuery>,
) -> Result<Response, WebError> {
    let (order, sort) = match query.sort.as_str() {
        "mentor" => (PairOrder::Mentor, "mentor"),
        "mentee" => (PairOrder::Mentee, "mentee"),
        _ => (PairOrder::Score, "score"),
    };
    // Any page past the last shows the last; the cap keeps the offset a database number.
    let wanted = query.page.unwrap_or(1).clamp(1, 1_000_000);
    let per_page = PAIRS_PER_PAGE as u64;
    let mut r = matching::round_page(
        &state,
        &me.caller,
        &id,
        order,
        (wanted as u64 - 1).saturating_mul(per_page),
        per_page,
    )
    .await
    .map_err(me.fail())?;
    let pair_pages = r.stats.pairs.div_ceil(PAIRS_PER_PAGE).max(1);
    let pair_page = wanted.min(pair_pages);
    if pair_page != wanted {
        // Past the last page: show the last one.
        r = matching::round_page(
            &state,
            &me.caller,
            &id,
            order,
            (pair_page as u64 - 1) * per_page,
            per_page,
        )
        .await
        .map_err(me.fail())?;
    }
    let first_pair = (pair_page - 1) * PAIRS_PER_PAGE;
    let program = programs::get(&state, &me.caller, &r.program_id)
        .await
        .map_err(me.fail())?;
    let pairs: Vec<PairRow> = r
        .pairs
        .iter()
        .map(|p| PairRow {
            mentor_id: p.mentor_id.clone(),
            mentor_name: p.mentor_name.clone(),
            mentee_id: p.mentee_id.clone(),
            mentee_name: p.mentee_name.clone(),
            score: score_text(p.score),
            score_value: p.score,
            why: why(&p.explanation),
        })
        .collect();
    // The unmatched, named (the first UNMATCHED_SHOWN of them).
    let shown: Vec<String> = r
        .unmatched_mentee_ids
        .iter()
        .take(UNMATCHED_SHOWN)
        .cloned()
        .collect();
    let names = matching::names_of(&state, &shown)
        .await
        .map_err(me.fail())?;
    let mut unmatched: Vec<(String, String)> = shown
        .into_iter()
        .map(|m| {
            let name = names
                .get(&m)
                .cloned()
                .unwrap_or_else(|| "Former member".into());
            (m, name)
        })
        .collect();
    unmatched.sort_by_key(|(_, n)| n.to_lowercase());
    // Lists to choose from while the program is small enough for a list; else ids.
    let enrolled = programs::enrollments(
        &state,
        &me.caller,
        &r.program_id,
        &PageRequest {
            limit: CHOOSE_FROM,
            after: None,
        },
    )
    .await
    .map_err(me.fail())?;
    let (mentors, mentees) = if enrolled.next_cursor.is_none() {
        (
            people_in_role(&enrolled.items, Role::Mentor, &[]),
            people_in_role(&enrolled.items, Role::Mentee, &r.unmatched_mentee_ids),
        )
    } else {
        (Vec::new(), Vec::new())
    };
    Ok(ok(&RoundPage {
        page: me.page(format!("Matching round · {}", program.name), "programs"),
        program_id: program.id,
        program_name: program.name,
        round: RoundRow::new(&r),
        min_score: score_text(r.min_score),
        published: optional_day(r.published_at),
        is_draft: r.status == RoundStatus::Draft,
        pairs,
        sort,
        pair_page,
        pair_pages,
        first_pair: first_pair + 1,
        more_unmatched: r.unmatched_mentee_ids.len().saturating_sub(UNMATCHED_SHOWN),
        verdict: verdict(&r),
        unmatched,
        mentors,
        mentees,
    }))
}

#[derive(Template)]
#[template(path = "mentor_check.html")]
struct MentorCheckPage {
    page: Page,
    program_id: String,
    program_name: String,
    score: String,
    why: Vec<WhyRow>,
    check: MentorCheck,
}

/// Why a mentor is, or is not, among the caller's suggestions.
pub async fn mentor_check(
    State(state): State<AppState>,
    me: Member,
    Path((id, mentor_id)): Path<(String, String)>,
) -> Result<Response, WebError> {
    let program = programs::get(&state, &me.caller, &id)
        .await
        .map_err(me.fail())?;
    let check = matching::suggestion_for(&state, &me.caller, &id, &mentor_id)
        .await
        .map_err(me.fail())?;
    Ok(ok(&MentorCheckPage {
        page: me.page(
            format!("{} · Suggested mentors", check.mentor.name),
            "programs",
        ),
        program_id: program.id,
        program_name: program.name,
        score: score_text(check.score),
        why: why(&check.explanation),
        check,
    }))
}

#[derive(Template)]
#[template(path = "unmatched.html")]
struct UnmatchedPage {
    page: Page,
    round_id: String,
    why: UnmatchedOut,
}

/// Why a round left a mentee unmatched (coordinators).
pub async fn unmatched(
    State(state): State<AppState>,
    me: Member,
    Path((id, mentee_id)): Path<(String, String)>,
) -> Result<Response, WebError> {
    let why = matching::why_unmatched(&state, &me.caller, &id, &mentee_id)
        .await
        .map_err(me.fail())?;
    Ok(ok(&UnmatchedPage {
        page: me.page(format!("Why {} is unmatched", why.mentee_name), "programs"),
        round_id: id,
        why,
    }))
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct PairForm {
    mentor_id: String,
    mentee_id: String,
}

impl PairForm {
    /// The pair as typed; the use case refuses an empty choice once it has decided
    /// who may change the round.
    fn pair(&self) -> [String; 2] {
        [
            self.mentor_id.trim().to_string(),
            self.mentee_id.trim().to_string(),
        ]
    }
}

async fn change_round(
    state: &AppState,
    me: &Member,
    id: &str,
    form: &PairForm,
    adding: bool,
) -> Result<Response, WebError> {
    let back = format!("/rounds/{id}");
    let pair = form.pair();
    let patch = if adding {
        RoundPatch {
            add: vec![pair],
            ..RoundPatch::default()
        }
    } else {
        RoundPatch {
            remove: vec![pair],
            ..RoundPatch::default()
        }
    };
    match matching::patch_round(state, &me.caller, id, &patch).await {
        Ok(r) => {
            let name = |pid: &str| {
                r.pairs
                    .iter()
                    .find_map(|p| {
                        (p.mentor_id == pid)
                            .then(|| p.mentor_name.clone())
                            .or_else(|| (p.mentee_id == pid).then(|| p.mentee_name.clone()))
                    })
                    .unwrap_or_default()
            };
            let text = if adding {
                format!(
                    "Added {} with {} to the draft.",
                    name(&form.mentee_id),
                    name(&form.mentor_id)
                )
            } else {
                "Pair removed from the draft; the mentee is listed as unmatched.".to_string()
            };
            Ok(done(state, &back, text))
        }
        Err(err) => back_with_messages(state, me, &back, err),
    }
}

pub async fn remove_pair(
    State(state): State<AppState>,
    me: Member,
    Path(id): Path<String>,
    CsrfForm(form): CsrfForm<PairForm>,
) -> Result<Response, WebError> {
    change_round(&state, &me, &id, &form, false).await
}

pub async fn add_pair(
    State(state): State<AppState>,
    me: Member,
    Path(id): Path<String>,
    CsrfForm(form): CsrfForm<PairForm>,
) -> Result<Response, WebError> {
    change_round(&state, &me, &id, &form, true).await
}

/// A minimum score as typed: empty is none; what is not a number stands for a
/// value out of range, which the round's use case refuses naming the field.
fn typed_min_score(raw: &str) -> Option<f64> {
    let raw = raw.trim();
    (!raw.is_empty()).then(|| raw.parse().unwrap_or(f64::NAN))
}

/// A form whose step cannot be undone: `confirm=yes` says the person means it.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ConfirmForm {
    confirm: String,
}

pub async fn publish_round(
    State(state): State<AppState>,
    me: Member,
    Path(id): Path<String>,
    CsrfForm(form): CsrfForm<ConfirmForm>,
) -> Result<Response, WebError> {
    let back = format!("/rounds/{id}");
    let confirmation = if form.confirm == "yes" {
        Confirmation::Given
    } else {
        Confirmation::Missing
    };
    match matching::publish_round(&state, &me.caller, &id, confirmation).await {
        Ok(r) => Ok(done(
            &state,
            &back,
            format!(
                "Published: {} proposals sent. Each match starts once mentor and mentee accept.",
                r.stats.pairs
            ),
        )),
        Err(err) => back_with_messages(&state, &me, &back, err),
    }
}

// ---------------------------------------------------------------- a pair by hand

pub async fn propose_pair(
    State(state): State<AppState>,
    me: Member,
    Path(id): Path<String>,
    CsrfForm(form): CsrfForm<PairForm>,
) -> Result<Response, WebError> {
    let back = format!("/programs/{id}/enrollments");
    let [mentor_id, mentee_id] = form.pair();
    let input = PairIn {
        mentor_id,
        mentee_id,
    };
    match matching::propose_pair(&state, &me.caller, &id, &input).await {
        Ok(m) => Ok(done(
            &state,
            &back,
            format!(
                "Proposed {} as mentor of {}. The match starts once both accept.",
                m.mentor.name,
                m.mentee_names()
            ),
        )),
        Err(err) => back_with_messages(&state, &me, &back, err),
    }
}

// ---------------------------------------------------------------- weights

pub struct WeightInput {
    pub id: String,
    pub label: &'static str,
    pub hint: &'static str,
    pub value: String,
}

#[derive(Template)]
#[template(path = "weights.html")]
struct WeightsPage {
    page: Page,
    program_id: String,
    program_name: String,
    weights: Vec<WeightInput>,
    errors: Errors,
}

fn weights_view(
    page: Page,
    program: &ProgramOut,
    values: &BTreeMap<String, String>,
    errors: Errors,
) -> WeightsPage {
    WeightsPage {
        page,
        program_id: program.id.clone(),
        program_name: program.name.clone(),
        weights: Criterion::ALL
            .iter()
            .map(|c| {
                let (label, hint) = criterion_label(*c);
                let id = format!("weight_{c}");
                WeightInput {
                    value: values.get(&id).cloned().unwrap_or_default(),
                    id,
                    label,
                    hint,
                }
            })
            .collect(),
        errors,
    }
}

pub async fn weights_page(
    State(state): State<AppState>,
    me: Member,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let program = runnable_program(&state, &me, &id).await?;
    let values = program
        .weights
        .pairs()
        .into_iter()
        .map(|(c, w)| (format!("weight_{c}"), w.to_string()))
        .collect();
    Ok(ok(&weights_view(
        me.page(format!("Matching weights · {}", program.name), "programs"),
        &program,
        &values,
        Errors::default(),
    )))
}

pub async fn save_weights(
    State(state): State<AppState>,
    me: Member,
    Path(id): Path<String>,
    CsrfForm(form): CsrfForm<BTreeMap<String, String>>,
) -> Result<Response, WebError> {
    let program = runnable_program(&state, &me, &id).await?;
    let mut errors = Errors::default();
    let weights = super::programs::weights_from_form(&form, true, &mut errors);
    let result = if errors.is_empty() {
        let patch = ProgramPatch {
            weights: Some(weights),
            ..ProgramPatch::default()
        };
        programs::patch(&state, &me.caller, &id, &patch).await
    } else {
        Err(AppError::Validation(errors.0))
    };
    match result {
        Ok(_) => Ok(done(
            &state,
            &format!("/programs/{id}/weights"),
            "Weights saved. They apply to suggestions and to the next matching round.",
        )),
        Err(err) => {
            let failure = form_failure(err, me.fail())?;
            let mut page = me.page(format!("Matching weights · {}", program.name), "programs");
            let mut banner = failure.banner;
            if let Some(problem) = failure.errors.get("weights") {
                banner = Flash::error(capitalise(problem));
            }
            page.flash = Some(banner);
            Ok(render(
                failure.status,
                &weights_view(page, &program, &form, failure.errors),
            ))
        }
    }
}
