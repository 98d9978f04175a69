//! The coordinator's view of a program (SPEC §5, §6, §7 Reports): the figures,
//! what to act on, the CSVs and the charts. Built from a fixed number of
//! statements whatever the program's size, and from counts, dates, names and
//! ratings only: never a text a pair wrote.
pub mod charts;
mod csv_out;

use crate::domain::access::ProgramAct;
use crate::domain::ids::ProgramId;
use crate::domain::progress::{health, HealthFacts};
use crate::domain::report::{kaplan_meier, median, ratio, round, Run, RETENTION_DAYS};
use crate::domain::wire::{EndReason, Health, HealthReason, MentorshipStatus as S, Role};
use crate::error::AppResult;
use crate::service::accounts::Caller;
use crate::service::checkins::{self, CheckinAggregate};
use crate::service::programs::program_for;
use crate::state::AppState;
use crate::store::reports::{self as store, FactsRow, Scope};
use chrono::{DateTime, Duration, NaiveDate, Utc};
pub use csv_out::{enrolments_csv, report_csv};
use serde::Serialize;
use std::collections::{BTreeMap, HashMap, HashSet};
use utoipa::ToSchema;

/// A relationship's (or the program's) average rating is shown to those who run
/// the program only when it rests on at least this many ratings (SPEC §7).
pub const MIN_RATINGS: i64 = 3;

/// The program's report.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ProgramReport {
    pub program_id: String,
    pub program_name: String,
    /// When the figures were taken.
    pub as_of: DateTime<Utc>,
    /// People enrolled as mentors.
    pub mentors: u64,
    /// People enrolled as mentees.
    pub mentees: u64,
    /// Mentees with a relationship that reached `active`.
    pub matched_mentees: u64,
    /// `matched_mentees / mentees`; null with no mentee.
    pub match_rate: Option<f64>,
    /// From enrolment to the start of the mentee's first relationship; null when none.
    pub median_days_to_match: Option<f64>,
    pub active_mentorships: u64,
    pub meetings_held: u64,
    /// Held meetings per relationship that reached `active`; null when none did.
    pub meetings_per_mentorship: Option<f64>,
    /// Milestones achieved / milestones set; null when none was set.
    pub milestone_attainment: Option<f64>,
    /// Over every feedback rating of the program; null below three ratings.
    pub average_rating: Option<f64>,
    /// Active relationships not on track, with their reasons.
    pub at_risk: Vec<AtRisk>,
    pub funnel: Funnel,
    /// Median hours from a request to the mentor's answer; null when none was answered.
    pub median_hours_to_answer: Option<f64>,
    pub checkins: CheckinAggregate,
    /// Kaplan–Meier share of relationships not ended early at 30, 90, 180 and 365 days.
    pub retention: Vec<Retention>,
    /// ended / (ended + completed); null when neither.
    pub early_closure_rate: Option<f64>,
    /// Share of active relationships at least 30 days old with a meeting held in the
    /// last 30 days; null when there are none.
    pub met_last_30_days: Option<f64>,
    pub median_hours_to_answer_by_mentor: Vec<MentorAnswers>,
    /// Relationships by status (requests past their expiry count as `expired`).
    pub statuses: BTreeMap<String, u64>,
    /// Early ends by their no-fault reason.
    pub end_reasons: BTreeMap<String, u64>,
    /// Active relationships by health.
    pub health: BTreeMap<String, u64>,
    /// The end survey: answers, their average rating and the share who would recommend.
    pub survey: SurveyAggregate,
    /// What a coordinator acts on.
    pub to_act_on: ToActOn,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AtRisk {
    pub mentorship_id: String,
    pub health: Health,
    pub reasons: Vec<HealthReason>,
    pub mentor: Option<String>,
    pub mentees: Vec<String>,
    /// The reasons in words.
    pub reasons_text: Vec<String>,
}

#[derive(Debug, Clone, Default, Serialize, ToSchema)]
pub struct Funnel {
    pub enrolled_mentees: u64,
    /// Mentees who sent at least one request.
    pub requested: u64,
    /// Mentees matched, as in `matched_mentees`.
    pub matched: u64,
    /// Matched mentees with a held meeting.
    pub first_meeting: u64,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Retention {
    pub day: u32,
    pub still_running: Option<f64>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct MentorAnswers {
    pub mentor_id: String,
    pub name: String,
    /// Median hours to answer; null when they answered none yet.
    pub hours: Option<f64>,
    pub open_requests: u64,
}

#[derive(Debug, Clone, Default, Serialize, ToSchema)]
pub struct SurveyAggregate {
    pub answers: u64,
    /// Null below three answers.
    pub average_rating: Option<f64>,
    /// Null below three answers.
    pub would_recommend: Option<f64>,
}

#[derive(Debug, Clone, Default, Serialize, ToSchema)]
pub struct ToActOn {
    /// Mentees enrolled with no relationship requested, proposed, active or paused
    /// (and none completed), the longest waiting first.
    pub unmatched_mentees: Vec<Unmatched>,
    /// Requests waiting for their mentor's answer, longest first.
    pub waiting_requests: Vec<Waiting>,
    /// Active relationships whose agreement is not signed by everyone.
    pub unsigned: Vec<PairLine>,
    pub paused: Vec<PairLine>,
    /// Relationships ended early, latest first, with their no-fault reason.
    pub ended: Vec<PairLine>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Unmatched {
    pub person_id: String,
    pub name: String,
    pub enrolled_on: NaiveDate,
    pub days_waiting: i64,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Waiting {
    pub mentorship_id: String,
    pub mentor: Option<String>,
    pub mentees: Vec<String>,
    pub hours_waiting: i64,
    pub expires_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PairLine {
    pub mentorship_id: String,
    pub mentor: Option<String>,
    pub mentees: Vec<String>,
    /// When it started, paused or ended, as the list says.
    pub since: Option<DateTime<Utc>>,
    pub end_reason: Option<EndReason>,
}

/// Everything read for one report, and the figures drawn from it.
pub struct ReportData {
    pub report: ProgramReport,
    /// Held meetings per month over the last year: ("2027-03", count).
    pub per_month: Vec<(String, i64)>,
    /// Each relationship's facts, for the CSV.
    pub facts: Vec<FactsRow>,
    /// The relationships the report counts (not requests merged into a group):
    /// their place in `facts` and their health.
    pub rows: Vec<(usize, Health)>,
    /// The names of the people in them.
    pub names: Names,
    /// Check-in texts, pooled, from five answered check-ins on (when asked for).
    pub texts: Vec<String>,
    /// End-survey comments, pooled, from five answers on (when asked for).
    pub comments: Vec<String>,
}

/// The names of the people in a program's relationships.
pub struct Names(HashMap<String, String>);

impl Names {
    /// From the program's enrolments, which hold everyone in its relationships;
    /// anyone missing there (none, as Tandem enrols before it pairs) read by id.
    async fn find(
        db: &impl sea_orm::ConnectionTrait,
        facts: &[FactsRow],
        enrolments: &[store::EnrolmentRow],
    ) -> AppResult<Names> {
        let mut names: HashMap<String, String> = enrolments
            .iter()
            .map(|e| (e.user_id.clone(), e.name.clone()))
            .collect();
        let missing: Vec<String> = facts
            .iter()
            .flat_map(|f| f.mentor_id.iter().chain(&f.mentee_ids))
            .filter(|id| !names.contains_key(id.as_str()))
            .cloned()
            .collect::<HashSet<_>>()
            .into_iter()
            .collect();
        if !missing.is_empty() {
            names.extend(crate::store::accounts::names_of(db, &missing).await?);
        }
        Ok(Names(names))
    }

    /// Their name, or "a former member" for an account since erased.
    pub fn of(&self, id: &str) -> String {
        self.0
            .get(id)
            .cloned()
            .unwrap_or_else(|| "a former member".into())
    }

    pub fn all(&self, ids: &[String]) -> Vec<String> {
        ids.iter().map(|id| self.of(id)).collect()
    }
}

/// The status as people read it: a request past its expiry is `expired`.
fn status_now(f: &FactsRow, now: DateTime<Utc>) -> S {
    match (f.status, f.expires_at) {
        (S::Requested, Some(at)) if at <= now => S::Expired,
        (s, _) => s,
    }
}

fn health_of(f: &FactsRow, now: DateTime<Utc>) -> (Health, Vec<HealthReason>) {
    health(&HealthFacts {
        now,
        status: f.status,
        started_at: f.started_at,
        cadence_days: f.cadence_days,
        last_held_at: f.last_held_at,
        overdue_action_items: f.overdue_action_items.max(0) as u64,
        average_rating: (f.ratings >= MIN_RATINGS)
            .then(|| round(f.rating_sum as f64 / f.ratings as f64, 2)),
        agreement_signed: f.agreement_signed,
    })
}

fn hours(from: DateTime<Utc>, to: DateTime<Utc>) -> f64 {
    (to - from).num_seconds().max(0) as f64 / 3600.0
}

/// The report of a program, for those who run it.
pub async fn report(
    state: &AppState,
    caller: &Caller,
    program_id: &str,
) -> AppResult<ProgramReport> {
    Ok(gather(state, caller, program_id, false).await?.report)
}

/// The report with what the page, the CSV and the charts draw besides.
pub async fn gather(
    state: &AppState,
    caller: &Caller,
    program_id: &str,
    with_texts: bool,
) -> AppResult<ReportData> {
    let record = program_for(state, caller, program_id, ProgramAct::Report).await?;
    let program = ProgramId(&record.program.id);
    let now = state.clock.now();
    let db = state.store.read();
    let started = std::time::Instant::now();
    // The two large reads at once, each on a connection of its own.
    let (facts, enrolments) = tokio::try_join!(
        store::relationship_facts(db, Scope::Program(program), now),
        store::enrolments_of(db, program),
    )?;
    // This month and the eleven before it.
    let since = now
        .date_naive()
        .checked_sub_months(chrono::Months::new(11))
        .unwrap_or(now.date_naive())
        .format("%Y-%m")
        .to_string();
    let per_month = store::held_per_month(db, program, &since).await?;
    let survey = crate::store::checkins::survey_totals(db, program).await?;
    let (checkins, texts) = checkins::aggregate(db, program, with_texts).await?;
    let mut comments = if with_texts && survey.answers >= checkins::MIN_FOR_TEXTS {
        crate::store::checkins::survey_comments(db, program).await?
    } else {
        Vec::new()
    };
    comments.sort();

    let names = Names::find(db, &facts, &enrolments).await?;
    let names_of = |f: &FactsRow| -> Vec<String> { names.all(&f.mentee_ids) };
    let mentor_of = |f: &FactsRow| f.mentor_id.as_deref().map(|id| names.of(id));

    let mentee_enrolled: HashMap<&str, &store::EnrolmentRow> = enrolments
        .iter()
        .filter(|e| e.role == Role::Mentee)
        .map(|e| (e.user_id.as_str(), e))
        .collect();
    let mentors = enrolments.iter().filter(|e| e.role == Role::Mentor).count() as u64;
    let mentees = mentee_enrolled.len() as u64;

    // Per mentee: sent a request, first start, a held meeting, still open somewhere.
    let mut requested: HashSet<&str> = HashSet::new();
    let mut first_start: HashMap<&str, DateTime<Utc>> = HashMap::new();
    let mut met: HashSet<&str> = HashSet::new();
    let mut in_play: HashSet<&str> = HashSet::new();
    let mut done: HashSet<&str> = HashSet::new();
    let mut statuses: BTreeMap<String, u64> = BTreeMap::new();
    let mut end_reasons: BTreeMap<String, u64> = BTreeMap::new();
    let mut healths: BTreeMap<String, u64> = BTreeMap::new();
    let mut at_risk = Vec::new();
    let mut runs = Vec::new();
    let (mut active, mut held_total, mut reached_active) = (0u64, 0u64, 0u64);
    let (mut milestones, mut achieved, mut rating_sum, mut ratings) = (0i64, 0i64, 0i64, 0i64);
    let (mut ended, mut completed, mut old_active, mut met_recently) = (0u64, 0u64, 0u64, 0u64);
    let mut answer_hours: Vec<f64> = Vec::new();
    let mut by_mentor: BTreeMap<&str, (String, Vec<f64>, u64)> = BTreeMap::new();
    let mut to_act = ToActOn::default();
    let mut rows = Vec::with_capacity(facts.len());

    for (i, f) in facts.iter().enumerate() {
        let status = status_now(f, now);
        let seated_ids = f.mentee_ids.iter().map(String::as_str);
        if f.origin == crate::domain::wire::Origin::Request {
            requested.extend(seated_ids.clone());
        }
        // Requests and their answers. A group (a relationship the first accepted
        // request opened) was never asked itself: it starts as it is made.
        let group = f.started_at == Some(f.created_at);
        if f.origin == crate::domain::wire::Origin::Request && !group {
            // A request merged into its mentor's group was answered when merged.
            let answered_at = match status {
                S::Declined | S::Merged => f.ended_at,
                _ => f.started_at,
            };
            if let Some(mentor) = f.mentor_id.as_deref() {
                let entry = by_mentor
                    .entry(mentor)
                    .or_insert_with(|| (names.of(mentor), Vec::new(), 0));
                if let Some(at) = answered_at {
                    let h = hours(f.created_at, at);
                    answer_hours.push(h);
                    entry.1.push(h);
                } else if status == S::Requested {
                    entry.2 += 1;
                }
            }
            if status == S::Requested {
                to_act.waiting_requests.push(Waiting {
                    mentorship_id: f.mentorship_id.clone(),
                    mentor: mentor_of(f),
                    mentees: names_of(f),
                    hours_waiting: (now - f.created_at).num_hours(),
                    expires_at: f.expires_at,
                });
            }
        }
        // The group is the relationship, not the requests merged into it.
        if status == S::Merged {
            continue;
        }
        *statuses.entry(status.as_str().to_string()).or_default() += 1;
        if matches!(status, S::Requested | S::Proposed | S::Active | S::Paused) {
            in_play.extend(seated_ids.clone());
        }
        if status == S::Completed {
            done.extend(seated_ids.clone());
        }
        let started = f
            .started_at
            .filter(|_| matches!(status, S::Active | S::Paused | S::Completed | S::Ended));
        if let Some(start) = started {
            reached_active += 1;
            for id in seated_ids.clone() {
                let first = first_start.entry(id).or_insert(start);
                *first = (*first).min(start);
                if f.held > 0 {
                    met.insert(id);
                }
            }
            let end = match status {
                S::Completed | S::Ended => f.ended_at.unwrap_or(now),
                _ => now,
            };
            runs.push(Run {
                days: (end - start).num_seconds().max(0) as f64 / 86_400.0,
                ended: status == S::Ended,
            });
        }
        held_total += f.held.max(0) as u64;
        milestones += f.milestones;
        achieved += f.milestones_achieved;
        rating_sum += f.rating_sum;
        ratings += f.ratings;
        let line = |since| PairLine {
            mentorship_id: f.mentorship_id.clone(),
            mentor: mentor_of(f),
            mentees: names_of(f),
            since,
            end_reason: f.end_reason,
        };
        match status {
            S::Active => {
                active += 1;
                if !f.agreement_signed {
                    to_act.unsigned.push(line(f.started_at));
                }
                if f.started_at.is_some_and(|s| now - s >= Duration::days(30)) {
                    old_active += 1;
                    // Held meetings are in the past: the last one tells.
                    met_recently += u64::from(
                        f.last_held_at
                            .is_some_and(|t| t <= now && now - t <= Duration::days(30)),
                    );
                }
            }
            S::Paused => to_act.paused.push(line(f.started_at)),
            S::Ended => {
                ended += 1;
                if let Some(r) = f.end_reason {
                    *end_reasons.entry(r.as_str().to_string()).or_default() += 1;
                }
                to_act.ended.push(line(f.ended_at));
            }
            S::Completed => completed += 1,
            _ => {}
        }
        let (h, reasons) = health_of(f, now);
        if status == S::Active {
            *healths.entry(h.as_str().to_string()).or_default() += 1;
            if h != Health::OnTrack {
                at_risk.push(AtRisk {
                    mentorship_id: f.mentorship_id.clone(),
                    health: h,
                    reasons_text: reasons
                        .iter()
                        .map(|r| crate::domain::progress::reason_words(*r, f.cadence_days))
                        .collect(),
                    reasons,
                    mentor: mentor_of(f),
                    mentees: names_of(f),
                });
            }
        }
        rows.push((i, h));
    }
    for h in [Health::OnTrack, Health::AtRisk, Health::Stalled] {
        healths.entry(h.as_str().to_string()).or_default();
    }
    at_risk.sort_by_key(|a| (a.health != Health::Stalled, a.mentorship_id.clone()));
    to_act
        .waiting_requests
        .sort_by_key(|w| std::cmp::Reverse(w.hours_waiting));
    to_act.ended.sort_by_key(|l| std::cmp::Reverse(l.since));
    to_act.unmatched_mentees = enrolments
        .iter()
        .filter(|e| e.role == Role::Mentee && !in_play.contains(e.user_id.as_str()))
        .filter(|e| !done.contains(e.user_id.as_str()))
        .map(|e| Unmatched {
            person_id: e.user_id.clone(),
            name: e.name.clone(),
            enrolled_on: e.enrolled_at.date_naive(),
            days_waiting: (now - e.enrolled_at).num_days(),
        })
        .collect();

    let mut to_match: Vec<f64> = first_start
        .iter()
        .filter_map(|(id, start)| {
            mentee_enrolled
                .get(id)
                .map(|e| (*start - e.enrolled_at).num_seconds().max(0) as f64 / 86_400.0)
        })
        .collect();
    let matched = first_start
        .keys()
        .filter(|id| mentee_enrolled.contains_key(*id))
        .count() as u64;
    let first_meeting = met
        .iter()
        .filter(|id| mentee_enrolled.contains_key(*id))
        .count() as u64;
    let km = kaplan_meier(&runs, &RETENTION_DAYS);
    let r2 = |v: Option<f64>| v.map(|v| round(v, 2));
    let r1 = |v: Option<f64>| v.map(|v| round(v, 1));
    let mut by_mentor: Vec<MentorAnswers> = by_mentor
        .into_iter()
        .map(|(id, (name, mut hs, open))| MentorAnswers {
            mentor_id: id.to_string(),
            name,
            hours: r1(median(&mut hs)),
            open_requests: open,
        })
        .collect();
    by_mentor.sort_by(|a, b| {
        b.open_requests
            .cmp(&a.open_requests)
            .then(b.hours.unwrap_or(0.0).total_cmp(&a.hours.unwrap_or(0.0)))
            .then(a.name.cmp(&b.name))
    });
    let report = ProgramReport {
        program_id: record.program.id.clone(),
        program_name: record.program.name.clone(),
        as_of: now,
        mentors,
        mentees,
        matched_mentees: matched,
        match_rate: r2(ratio(matched, mentees)),
        median_days_to_match: r1(median(&mut to_match)),
        active_mentorships: active,
        meetings_held: held_total,
        meetings_per_mentorship: r2(ratio(held_total, reached_active)),
        milestone_attainment: r2(ratio(achieved.max(0) as u64, milestones.max(0) as u64)),
        average_rating: (ratings >= MIN_RATINGS)
            .then(|| round(rating_sum as f64 / ratings as f64, 2)),
        at_risk,
        funnel: Funnel {
            enrolled_mentees: mentees,
            requested: requested
                .iter()
                .filter(|id| mentee_enrolled.contains_key(*id))
                .count() as u64,
            matched,
            first_meeting,
        },
        median_hours_to_answer: r1(median(&mut answer_hours)),
        checkins,
        retention: RETENTION_DAYS
            .iter()
            .zip(km)
            .map(|(&day, v)| Retention {
                day,
                still_running: r2(v),
            })
            .collect(),
        early_closure_rate: r2(ratio(ended, ended + completed)),
        met_last_30_days: r2(ratio(met_recently, old_active)),
        median_hours_to_answer_by_mentor: by_mentor,
        statuses,
        end_reasons,
        health: healths,
        survey: SurveyAggregate {
            answers: survey.answers,
            average_rating: (survey.answers >= MIN_RATINGS as u64)
                .then(|| round(survey.rating_sum as f64 / survey.answers as f64, 2)),
            would_recommend: (survey.answers >= MIN_RATINGS as u64)
                .then(|| round(survey.recommend as f64 / survey.answers as f64, 2)),
        },
        to_act_on: to_act,
    };
    tracing::debug!(
        program = %record.program.id,
        relationships = facts.len(),
        took_ms = started.elapsed().as_millis() as u64,
        "program report built"
    );
    Ok(ReportData {
        report,
        per_month: fill_months(per_month, now),
        facts,
        rows,
        names,
        texts,
        comments,
    })
}

/// The last twelve months, oldest first, with a zero for a month without meetings.
fn fill_months(counted: Vec<(String, i64)>, now: DateTime<Utc>) -> Vec<(String, i64)> {
    use chrono::Datelike;
    let counted: HashMap<String, i64> = counted.into_iter().collect();
    let (mut y, mut m) = (now.year(), now.month());
    let mut months = Vec::with_capacity(12);
    for _ in 0..12 {
        let key = format!("{y:04}-{m:02}");
        months.push((key.clone(), counted.get(&key).copied().unwrap_or(0)));
        (y, m) = if m == 1 { (y - 1, 12) } else { (y, m - 1) };
    }
    months.reverse();
    months
}
