//! A program's rounds: drafted, read a page of pairs at a time, edited by hand,
//! published; why a mentee was left unmatched; a pair proposed by hand.
use super::*;
use crate::domain::lifecycle::Confirmation;
use crate::domain::paging::PageRequest;
use crate::domain::paging::PairOrder;
use crate::domain::rounds::Stale;
use crate::domain::values::Pick;
use crate::domain::wire::{Objective, Role, RoundStatus};
use crate::service::matching::{self, PoolChanges, RoundIn, RoundOut, RoundPatch, UnmatchedOut};
use crate::service::mentorships::PairIn;
use crate::service::programs::{self, EnrollmentOut};
use crate::state::AppState;
use crate::web::pickers::person_label;
use crate::web::{
    day, done, form_failure, ok, optional_day, plural, render, CsrfForm, Errors, Member, Opt, Page,
    WebError,
};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use serde::Deserialize;

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
    /// Why this draft is stale, in words; `None` when it is not.
    pub stale: Option<String>,
}

impl RoundRow {
    fn new(r: &RoundOut, changes: &PoolChanges) -> RoundRow {
        RoundRow {
            stale: changes.staleness(r).map(|why| match why {
                Stale::Superseded(at) => {
                    format!("made before a round was published on {}", day(at))
                }
                Stale::PoolChanged(at) => {
                    format!("the pool changed on {}, after this draft was made", day(at))
                }
            }),
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

pub(super) fn objective_label(objective: Objective) -> &'static str {
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
pub(super) struct RoundsPage {
    pub(super) page: Page,
    pub(super) program_id: String,
    pub(super) program_name: String,
    pub(super) rounds: Vec<RoundRow>,
    pub(super) form: RoundForm,
    pub(super) errors: Errors,
}

pub(super) async fn rounds_view(
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
    let changes = matching::pool_changes(state, &me.caller, program_id)
        .await
        .map_err(me.fail())?;
    Ok(RoundsPage {
        page: me.page(format!("Matching rounds · {}", program.name), "programs"),
        program_id: program.id,
        program_name: program.name,
        rounds: rounds.iter().map(|r| RoundRow::new(r, &changes)).collect(),
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
                "Draft ready: {}, {} unmatched. Review it, then publish.",
                plural(r.stats.pairs, "pair", "pairs"),
                plural(r.unmatched_mentee_ids.len(), "mentee", "mentees")
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
pub(super) const PAIRS_PER_PAGE: usize = 100;
/// Unmatched mentees named on a round's page.
pub(super) const UNMATCHED_SHOWN: usize = 200;
/// Enrolments up to which the round's page offers lists of mentors and mentees to pair.
pub(super) const CHOOSE_FROM: u64 = 1_000;

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
    let most = plural(max_pairs, "pair", "pairs");
    Some(match (r.objective, r.stats.certified, shortfall) {
        (Objective::Optimal, true, _) => format!(
            "Every mentee who could be matched is matched: {most}, the most possible, and no \
             assignment with as many pairs scores higher. This was proven when the draft was \
             made: a certificate of optimality (a price for every mentee and mentor showing \
             that no other assignment can score more) was checked independently of the solver."
        ),
        (Objective::Stable, _, Some(gap)) => format!(
            "This stable round {gap}: the most any assignment could match is {most}, with a \
             best total (the highest sum of scores any assignment reaches) of {}. That is what \
             stability costs: no mentor and mentee would both rather be paired with each other.",
            score_text(best)
        ),
        (Objective::Stable, _, None) => format!(
            "This stable round is also the best possible: every mentee who could be matched is \
             matched ({most}), and no assignment with as many pairs scores higher."
        ),
        (Objective::Optimal, false, Some(gap)) => format!(
            "Edited by hand, this draft {gap} (at most {most}, best total {})",
            score_text(best)
        ),
        (Objective::Optimal, false, None) => format!(
            "Edited by hand, this draft still matches every mentee who could be matched \
             ({most}) and reaches the best total."
        ),
    })
}

#[derive(Template)]
#[template(path = "round.html")]
pub(super) struct RoundPage {
    pub(super) page: Page,
    pub(super) program_id: String,
    pub(super) program_name: String,
    pub(super) round: RoundRow,
    pub(super) min_score: String,
    pub(super) published: String,
    pub(super) is_draft: bool,
    pub(super) pairs: Vec<PairRow>,
    /// `score`, `mentor` or `mentee`.
    pub(super) sort: &'static str,
    /// Page of pairs shown, its count, and the first pair's position on it.
    pub(super) pair_page: usize,
    pub(super) pair_pages: usize,
    pub(super) first_pair: usize,
    pub(super) verdict: Option<String>,
    /// (id, name) of each unmatched mentee shown, and how many more there are.
    pub(super) unmatched: Vec<(String, String)>,
    pub(super) more_unmatched: usize,
    pub(super) mentors: Vec<Opt>,
    pub(super) mentees: Vec<Opt>,
}

pub(super) fn people_in_role(
    enrolments: &[EnrollmentOut],
    role: Role,
    note: &[String],
) -> Vec<Opt> {
    let mut opts: Vec<Opt> = enrolments
        .iter()
        .filter(|e| e.role == role)
        .map(|e| Opt {
            value: e.person.id.clone(),
            label: if note.contains(&e.person.id) {
                format!("{} (unmatched)", person_label(&e.person.name, &e.email))
            } else {
                person_label(&e.person.name, &e.email)
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
    let changes = matching::pool_changes(&state, &me.caller, &r.program_id)
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
        round: RoundRow::new(&r, &changes),
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
#[template(path = "unmatched.html")]
pub(super) struct UnmatchedPage {
    pub(super) page: Page,
    pub(super) round_id: String,
    pub(super) why: UnmatchedOut,
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

pub(super) async fn change_round(
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
pub(super) fn typed_min_score(raw: &str) -> Option<f64> {
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
                "Published: {} sent. Each match starts once mentor and mentee accept.",
                plural(r.stats.pairs, "proposal", "proposals")
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
    match crate::service::mentorships::propose_pair(&state, &me.caller, &id, &input).await {
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
