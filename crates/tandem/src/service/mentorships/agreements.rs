//! The agreement of a relationship: written by either participant, signed by all;
//! a change of its terms clears the signatures and raises its version.
use crate::domain::access::Kind;
use crate::domain::ids::MentorshipId;
use crate::domain::values::{in_range, text, Problems};
use crate::domain::versions::Expected;
use crate::domain::wire::MentorshipStatus as S;
use crate::error::{AppError, AppResult};
use crate::service::accounts::Caller;
use crate::service::edits::ensure_fresh;
use crate::service::relationship::{self};
use crate::state::AppState;
use crate::store::db::Connection;
use crate::store::entities::{agreement, agreement_signature};
use crate::store::mentorships as store;
use crate::store::records::MentorshipRecord;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

// ------------------------------------------------------------------ agreements

#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(default)]
pub struct AgreementIn {
    /// What the two want to reach together.
    #[schema(required = true, min_length = 1, max_length = 5000)]
    pub goals: String,
    /// 1–365 (default 14).
    #[schema(minimum = 1, maximum = 365)]
    pub cadence_days: Option<i64>,
    /// 5–480 (default 60).
    #[schema(minimum = 5, maximum = 480)]
    pub meeting_minutes: Option<i64>,
    /// Where they meet: video call, coffee, phone…
    #[schema(max_length = 200)]
    pub channel: String,
    #[schema(max_length = 5000)]
    pub boundaries: String,
    #[schema(max_length = 5000)]
    pub confidentiality: String,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AgreementOut {
    pub mentorship_id: String,
    pub goals: String,
    pub cadence_days: i32,
    pub meeting_minutes: i32,
    pub channel: String,
    pub boundaries: String,
    pub confidentiality: String,
    pub updated_by: String,
    pub updated_at: DateTime<Utc>,
    /// Raised by every change of the terms; send it back as `If-Match` to change it safely.
    pub version: i32,
    /// Who has signed the current text.
    pub signed_by: Vec<String>,
    /// When the last participant signed; null until everyone has.
    pub signed_at: Option<DateTime<Utc>>,
    pub fully_signed: bool,
}

pub(crate) fn agreement_view(
    r: &MentorshipRecord,
    a: agreement::Model,
    sigs: &[agreement_signature::Model],
) -> AgreementOut {
    let needed = r.participant_ids();
    let fully = !needed.is_empty() && needed.iter().all(|p| sigs.iter().any(|s| s.user_id == *p));
    AgreementOut {
        mentorship_id: a.mentorship_id,
        goals: a.goals.into_value(),
        cadence_days: a.cadence_days,
        meeting_minutes: a.meeting_minutes,
        channel: a.channel.into_value(),
        boundaries: a.boundaries.into_value(),
        confidentiality: a.confidentiality.into_value(),
        updated_by: a.updated_by,
        updated_at: a.updated_at,
        version: a.version,
        signed_by: sigs.iter().map(|s| s.user_id.clone()).collect(),
        signed_at: if fully {
            sigs.iter().map(|s| s.signed_at).max()
        } else {
            None
        },
        fully_signed: fully,
    }
}

pub(super) async fn agreement_in(
    db: &impl Connection,
    r: &MentorshipRecord,
) -> AppResult<Option<AgreementOut>> {
    let Some(a) = store::agreement_of(db, &r.m.id).await? else {
        return Ok(None);
    };
    let sigs = store::signatures_of(db, &r.m.id).await?;
    Ok(Some(agreement_view(r, a, &sigs)))
}

/// The agreement (participants); 404 while none is written.
pub async fn get_agreement(state: &AppState, caller: &Caller, id: &str) -> AppResult<AgreementOut> {
    let (rel, _) = relationship::read_part(state, caller, id, Kind::Agreement).await?;
    agreement_in(state.store.read(), &rel.record)
        .await?
        .ok_or(AppError::NotFound("agreement"))
}

pub(super) fn ensure_running(status: S) -> AppResult<()> {
    match status {
        S::Active | S::Paused => Ok(()),
        other => Err(AppError::conflict(
            "invalid_transition",
            format!("the agreement of a {other} mentorship cannot change"),
        )),
    }
}

/// Writes the agreement; any change to the terms clears the signatures and raises
/// its version. A change made on an older version (`expected`) is refused.
pub async fn put_agreement(
    state: &AppState,
    caller: &Caller,
    id: &str,
    input: &AgreementIn,
    expected: Expected,
) -> AppResult<AgreementOut> {
    let now = state.clock.now();
    let tx = state.store.write().await?;
    let (rel, _) = relationship::lock_part(&tx, caller, id, Kind::Agreement).await?;
    let mut p = Problems::default();
    let goals = p.take("goals", text(&input.goals, 5000, true));
    let cadence = p.take(
        "cadence_days",
        in_range(input.cadence_days.unwrap_or(14), 1, 365),
    );
    let minutes = p.take(
        "meeting_minutes",
        in_range(input.meeting_minutes.unwrap_or(60), 5, 480),
    );
    let channel = p.take("channel", text(&input.channel, 200, false));
    let boundaries = p.take("boundaries", text(&input.boundaries, 5000, false));
    let confidentiality = p.take("confidentiality", text(&input.confidentiality, 5000, false));
    p.finish()?;
    ensure_running(rel.status(now))?;
    let r = &rel.record;
    let current = store::agreement_of(&tx, id).await?;
    if let Some(current) = &current {
        let signatures = store::signatures_of(&tx, id).await?;
        ensure_fresh(expected, current.version, "agreement", || {
            agreement_view(r, current.clone(), &signatures)
        })?;
    }
    let terms = store::Terms {
        goals: goals.unwrap_or_default(),
        cadence_days: cadence.unwrap_or(14),
        meeting_minutes: minutes.unwrap_or(60),
        channel: channel.unwrap_or_default(),
        boundaries: boundaries.unwrap_or_default(),
        confidentiality: confidentiality.unwrap_or_default(),
    };
    let before = current.as_ref().map(|a| a.version);
    store::write_agreement(&tx, MentorshipId(id), current, terms, caller.person(), now).await?;
    let out = agreement_in(&tx, r)
        .await?
        .ok_or(AppError::NotFound("agreement"))?;
    // New or changed terms wait for the others' signatures; a save that changed
    // nothing tells no one.
    let emails = if before != Some(out.version) {
        super::agreement_to_sign(state, &tx, r, caller.id(), caller.name()).await?
    } else {
        Vec::new()
    };
    crate::service::outbox::commit_and_deliver(state, tx, emails, now).await?;
    Ok(out)
}

pub async fn sign_agreement(
    state: &AppState,
    caller: &Caller,
    id: &str,
) -> AppResult<AgreementOut> {
    let now = state.clock.now();
    let tx = state.store.write().await?;
    let (rel, _) = relationship::lock_part(&tx, caller, id, Kind::Agreement).await?;
    ensure_running(rel.status(now))?;
    let r = &rel.record;
    if store::agreement_of(&tx, id).await?.is_none() {
        return Err(AppError::conflict(
            "no_agreement",
            "write the agreement before signing it",
        ));
    }
    store::sign(&tx, MentorshipId(id), caller.person(), now).await?;
    let out = agreement_in(&tx, r)
        .await?
        .ok_or(AppError::NotFound("agreement"))?;
    tx.commit().await?;
    Ok(out)
}
