//! Goals of a relationship and their milestones: set, moved forward, achieved;
//! progress per goal is the share of its milestones achieved.
use super::accounts::Caller;
use super::edits;
use super::relationship::{self, Relationship};
use crate::domain::access::{Kind, ObjectFacts, Part};
use crate::domain::values::{optional_date, text, Problems};
use crate::domain::versions::Expected;
use crate::domain::wire::{GoalStatus, Horizon, MilestoneStatus};
use crate::domain::workspace::{decide_goal, decide_milestone, ensure_running};
use crate::error::AppResult;
use crate::state::AppState;
use crate::store::db::Connection;
use crate::store::entities::{goal, milestone};
use crate::store::{people, workspace as store};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

pub const TITLE_MAX: usize = 200;
pub const DESCRIPTION_MAX: usize = 5000;

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct GoalIn {
    #[schema(required = true, min_length = 1, max_length = 200)]
    pub title: String,
    #[schema(max_length = 5000)]
    pub description: String,
    /// `short` (default) or `long`.
    #[schema(value_type = Option<Horizon>)]
    pub horizon: Option<String>,
    /// `YYYY-MM-DD`, optional.
    #[schema(format = Date)]
    pub due_on: Option<String>,
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct GoalPatch {
    #[schema(value_type = Option<GoalStatus>)]
    pub status: Option<String>,
    #[schema(min_length = 1, max_length = 200)]
    pub title: Option<String>,
    #[schema(max_length = 5000)]
    pub description: Option<String>,
    #[schema(value_type = Option<Horizon>)]
    pub horizon: Option<String>,
    /// `YYYY-MM-DD`; an empty string clears it.
    #[schema(format = Date)]
    pub due_on: Option<String>,
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct MilestoneIn {
    #[schema(required = true, min_length = 1, max_length = 200)]
    pub title: String,
    #[schema(max_length = 5000)]
    pub description: String,
    #[schema(format = Date)]
    pub due_on: Option<String>,
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct MilestonePatch {
    /// Forward only: `not_started → in_progress → achieved | missed`.
    #[schema(value_type = Option<MilestoneStatus>)]
    pub status: Option<String>,
    #[schema(min_length = 1, max_length = 200)]
    pub title: Option<String>,
    #[schema(max_length = 5000)]
    pub description: Option<String>,
    #[schema(format = Date)]
    pub due_on: Option<String>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct MilestoneOut {
    pub id: String,
    pub goal_id: String,
    pub title: String,
    pub description: String,
    pub due_on: Option<NaiveDate>,
    pub status: MilestoneStatus,
    pub created_at: DateTime<Utc>,
    pub achieved_at: Option<DateTime<Utc>>,
    /// Raised by every change; send it back as `If-Match` to change it safely.
    pub version: i32,
}

/// Milestones achieved out of all, and the share in whole percent.
#[derive(Debug, Clone, Copy, Serialize, ToSchema)]
pub struct GoalProgress {
    pub achieved: u32,
    pub total: u32,
    /// 0–100; 0 while the goal has no milestones (100 once the goal is achieved).
    pub percent: u32,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct GoalOut {
    pub id: String,
    pub mentorship_id: String,
    pub title: String,
    pub description: String,
    pub horizon: Horizon,
    pub due_on: Option<NaiveDate>,
    pub status: GoalStatus,
    pub created_at: DateTime<Utc>,
    pub achieved_at: Option<DateTime<Utc>>,
    pub milestones: Vec<MilestoneOut>,
    pub progress: GoalProgress,
    /// Raised by every change; send it back as `If-Match` to change it safely.
    pub version: i32,
}

impl From<milestone::Model> for MilestoneOut {
    fn from(m: milestone::Model) -> Self {
        MilestoneOut {
            id: m.id,
            goal_id: m.goal_id,
            title: m.title.into_value(),
            description: m.description.into_value(),
            due_on: m.due_on,
            status: m.status,
            created_at: m.created_at,
            achieved_at: m.achieved_at,
            version: m.version,
        }
    }
}

/// A goal's progress: the share of its milestones achieved.
pub fn progress_of(status: GoalStatus, milestones: &[MilestoneOut]) -> GoalProgress {
    let total = milestones.len() as u32;
    let achieved = milestones
        .iter()
        .filter(|m| m.status == MilestoneStatus::Achieved)
        .count() as u32;
    let percent = match (status, total) {
        (GoalStatus::Achieved, _) => 100,
        (_, 0) => 0,
        _ => achieved * 100 / total,
    };
    GoalProgress {
        achieved,
        total,
        percent,
    }
}

fn goal_view(g: goal::Model, all: &[milestone::Model]) -> GoalOut {
    let milestones: Vec<MilestoneOut> = all
        .iter()
        .filter(|m| m.goal_id == g.id)
        .cloned()
        .map(MilestoneOut::from)
        .collect();
    GoalOut {
        progress: progress_of(g.status, &milestones),
        id: g.id,
        mentorship_id: g.mentorship_id,
        title: g.title.into_value(),
        description: g.description.into_value(),
        horizon: g.horizon,
        due_on: g.due_on,
        status: g.status,
        created_at: g.created_at,
        achieved_at: g.achieved_at,
        version: g.version,
        milestones,
    }
}

/// Goals with their milestones as the caller reads them: those set since they joined.
pub fn visible_goals(
    rel: &Relationship,
    caller: &Caller,
    goals: Vec<goal::Model>,
    milestones: &[milestone::Model],
) -> Vec<GoalOut> {
    goals
        .into_iter()
        .filter(|g| {
            let facts = ObjectFacts {
                author: None,
                written_at: g.created_at,
            };
            rel.sees(caller, Kind::Goal, &facts)
        })
        .map(|g| goal_view(g, milestones))
        .collect()
}

/// The goals of a relationship with their milestones, oldest first, as the caller reads them.
pub async fn goals_in(
    db: &impl Connection,
    rel: &Relationship,
    caller: &Caller,
) -> AppResult<Vec<GoalOut>> {
    let goals = store::goals_of(db, rel.id()).await?;
    let milestones = store::milestones_of(db, rel.id()).await?;
    Ok(visible_goals(rel, caller, goals, &milestones))
}

pub async fn list(
    state: &AppState,
    caller: &Caller,
    mentorship_id: &str,
) -> AppResult<Vec<GoalOut>> {
    let (rel, _) = relationship::read_part(state, caller, mentorship_id, Kind::Goal).await?;
    goals_in(state.store.read(), &rel, caller).await
}

pub async fn create(
    state: &AppState,
    caller: &Caller,
    mentorship_id: &str,
    input: &GoalIn,
) -> AppResult<GoalOut> {
    let now = state.clock.now();
    let tx = state.store.write().await?;
    let (rel, _) = relationship::lock_part(&tx, caller, mentorship_id, Kind::Goal).await?;
    let mut p = Problems::default();
    let title = p.take("title", text(&input.title, TITLE_MAX, true));
    let description = p.take(
        "description",
        text(&input.description, DESCRIPTION_MAX, false),
    );
    let horizon = p.take(
        "horizon",
        match input.horizon.as_deref().map(str::trim) {
            None | Some("") => Ok(Horizon::Short),
            Some(h) => Horizon::parse(h),
        },
    );
    let due_on = p.take("due_on", optional_date(input.due_on.as_deref()));
    p.finish()?;
    ensure_running(rel.status(now), "goals")?;
    let new = store::NewGoal {
        mentorship_id,
        title: title.unwrap_or_default(),
        description: description.unwrap_or_default(),
        horizon: horizon.unwrap_or(Horizon::Short),
        due_on: due_on.flatten(),
        by: caller.id(),
        at: now,
    };
    let saved = store::insert_goal(&tx, new).await?;
    tx.commit().await?;
    Ok(goal_view(saved, &[]))
}

/// Takes the mentee's career-plan goals into the relationship: short-term goals
/// as `short`, long-term ones as `long`, leaving out those it has already (by
/// title). A mentee takes their own plan; the mentor takes every mentee's.
pub async fn take_from_plan(
    state: &AppState,
    caller: &Caller,
    mentorship_id: &str,
) -> AppResult<Vec<GoalOut>> {
    let now = state.clock.now();
    let tx = state.store.write().await?;
    let (rel, part) = relationship::lock_part(&tx, caller, mentorship_id, Kind::Goal).await?;
    ensure_running(rel.status(now), "goals")?;
    let owners: Vec<&str> = match part {
        Part::Mentee => vec![caller.id()],
        Part::Mentor => rel.record.mentee_ids(),
    };
    let mut have: Vec<String> = store::goals_of(&tx, mentorship_id)
        .await?
        .into_iter()
        .map(|g| g.title.to_lowercase())
        .collect();
    for owner in owners {
        let Some(plan) = people::plan_of(&tx, owner).await? else {
            continue;
        };
        let planned = plan
            .short_term_goals
            .0
            .iter()
            .map(|t| (t, Horizon::Short))
            .chain(plan.long_term_goals.0.iter().map(|t| (t, Horizon::Long)));
        for (title, horizon) in planned {
            // One moment apart, so they list in the plan's order.
            let created_at = now + chrono::Duration::milliseconds(have.len() as i64);
            let title: String = title.trim().chars().take(TITLE_MAX).collect();
            if title.is_empty() || have.contains(&title.to_lowercase()) {
                continue;
            }
            have.push(title.to_lowercase());
            let new = store::NewGoal {
                mentorship_id,
                title,
                description: String::new(),
                horizon,
                due_on: None,
                by: caller.id(),
                at: created_at,
            };
            store::insert_goal(&tx, new).await?;
        }
    }
    let out = goals_in(&tx, &rel, caller).await?;
    tx.commit().await?;
    Ok(out)
}

/// The edits a goal and a milestone share: title, description, due date (each
/// only when sent; an empty due date clears it).
struct Edits {
    title: Option<String>,
    description: Option<String>,
    due_on: Option<Option<NaiveDate>>,
}

impl Edits {
    fn parse(
        p: &mut Problems,
        title: &Option<String>,
        description: &Option<String>,
        due_on: &Option<String>,
    ) -> Edits {
        Edits {
            title: title
                .as_deref()
                .and_then(|t| p.take("title", text(t, TITLE_MAX, true))),
            description: description
                .as_deref()
                .and_then(|t| p.take("description", text(t, DESCRIPTION_MAX, false))),
            due_on: due_on
                .as_ref()
                .and_then(|_| p.take("due_on", optional_date(due_on.as_deref()))),
        }
    }

    fn apply(self, title: &mut String, description: &mut String, due_on: &mut Option<NaiveDate>) {
        if let Some(t) = self.title {
            *title = t;
        }
        if let Some(d) = self.description {
            *description = d;
        }
        if let Some(d) = self.due_on {
            *due_on = d;
        }
    }
}

pub async fn patch_goal(
    state: &AppState,
    caller: &Caller,
    id: &str,
    input: &GoalPatch,
    expected: Expected,
) -> AppResult<GoalOut> {
    let now = state.clock.now();
    let tx = state.store.write().await?;
    let (before, rel, _) =
        relationship::lock_child::<goal::Model>(&tx, caller, id, Kind::Goal).await?;
    let mut p = Problems::default();
    let status = input
        .status
        .as_deref()
        .and_then(|s| p.take("status", GoalStatus::parse(s)));
    let edits = Edits::parse(&mut p, &input.title, &input.description, &input.due_on);
    let horizon = input
        .horizon
        .as_deref()
        .and_then(|h| p.take("horizon", Horizon::parse(h)));
    p.finish()?;
    if let Err(stale) = expected.check(before.version) {
        let milestones = store::milestones_of(&tx, &before.mentorship_id).await?;
        return Err(edits::conflict(
            "goal",
            stale,
            goal_view(before, &milestones),
        ));
    }
    ensure_running(rel.status(now), "goal changes")?;
    let mut after = before.clone();
    if let Some(to) = status {
        if decide_goal(before.status, to)? {
            after.status = to;
            after.achieved_at = (to == GoalStatus::Achieved).then_some(now);
        }
    }
    edits.apply(&mut after.title, &mut after.description, &mut after.due_on);
    if let Some(h) = horizon {
        after.horizon = h;
    }
    let saved = store::update::<goal::Entity>(&tx, before, after).await?;
    let milestones = store::milestones_of(&tx, &saved.mentorship_id).await?;
    tx.commit().await?;
    Ok(goal_view(saved, &milestones))
}

pub async fn add_milestone(
    state: &AppState,
    caller: &Caller,
    goal_id: &str,
    input: &MilestoneIn,
) -> AppResult<MilestoneOut> {
    let now = state.clock.now();
    let tx = state.store.write().await?;
    let (g, rel, _) =
        relationship::lock_child::<goal::Model>(&tx, caller, goal_id, Kind::Goal).await?;
    let mut p = Problems::default();
    let title = p.take("title", text(&input.title, TITLE_MAX, true));
    let description = p.take(
        "description",
        text(&input.description, DESCRIPTION_MAX, false),
    );
    let due_on = p.take("due_on", optional_date(input.due_on.as_deref()));
    p.finish()?;
    ensure_running(rel.status(now), "milestones")?;
    let new = store::NewMilestone {
        goal: &g,
        title: title.unwrap_or_default(),
        description: description.unwrap_or_default(),
        due_on: due_on.flatten(),
        by: caller.id(),
        at: now,
    };
    let saved = store::insert_milestone(&tx, new).await?;
    tx.commit().await?;
    Ok(MilestoneOut::from(saved))
}

pub async fn patch_milestone(
    state: &AppState,
    caller: &Caller,
    id: &str,
    input: &MilestonePatch,
    expected: Expected,
) -> AppResult<MilestoneOut> {
    let now = state.clock.now();
    let tx = state.store.write().await?;
    let (before, rel, _) =
        relationship::lock_child::<milestone::Model>(&tx, caller, id, Kind::Goal).await?;
    let mut p = Problems::default();
    let status = input
        .status
        .as_deref()
        .and_then(|s| p.take("status", MilestoneStatus::parse(s)));
    let edits = Edits::parse(&mut p, &input.title, &input.description, &input.due_on);
    p.finish()?;
    edits::ensure_fresh(expected, before.version, "milestone", || {
        MilestoneOut::from(before.clone())
    })?;
    ensure_running(rel.status(now), "milestone changes")?;
    let mut after = before.clone();
    if let Some(to) = status {
        decide_milestone(before.status, to)?;
        after.status = to;
        if to == MilestoneStatus::Achieved {
            after.achieved_at = Some(now);
        }
    }
    edits.apply(&mut after.title, &mut after.description, &mut after.due_on);
    let saved = store::update::<milestone::Entity>(&tx, before, after).await?;
    tx.commit().await?;
    Ok(MilestoneOut::from(saved))
}
