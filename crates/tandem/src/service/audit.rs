//! The audit log (SPEC §6, §7): every admin and coordinator action is written
//! in the transaction that does it, hash-chained; admins read it and export it;
//! `tandem audit verify` follows the chain.
use crate::domain::audit::{AuditAction, Break, Checker};
use crate::domain::paging::{Cursor, PageRequest};
use crate::error::{AppError, AppResult};
use crate::service::accounts::Caller;
use crate::service::paging::Listing;
use crate::state::AppState;
use crate::store::audit::{self as store, NewEntry};
use chrono::{DateTime, Utc};
use sea_orm::ConnectionTrait;
use serde::Serialize;
use utoipa::ToSchema;

/// What an action was done to.
#[derive(Debug, Clone, Copy)]
pub enum Object<'a> {
    Program(&'a str),
    Account(&'a str),
    Round(&'a str),
    Mentorship(&'a str),
}

impl Object<'_> {
    fn parts(&self) -> (&'static str, &str) {
        match self {
            Object::Program(id) => ("program", id),
            Object::Account(id) => ("account", id),
            Object::Round(id) => ("round", id),
            Object::Mentorship(id) => ("mentorship", id),
        }
    }
}

/// Writes who did what to which object, now, in `db`'s transaction. `actor` is
/// an account id (`"cli"` for the command line).
pub async fn record(
    db: &impl ConnectionTrait,
    state: &AppState,
    actor: &str,
    action: AuditAction,
    object: Object<'_>,
) -> AppResult<()> {
    let (object_type, object_id) = object.parts();
    store::append(
        db,
        state.clock.now(),
        NewEntry {
            actor_id: actor,
            action: action.as_str(),
            object_type,
            object_id,
        },
    )
    .await?;
    Ok(())
}

/// One entry as admins read it; never content.
#[derive(Debug, Serialize, ToSchema)]
pub struct AuditEntryOut {
    pub seq: i64,
    pub at: DateTime<Utc>,
    pub actor_id: String,
    /// e.g. `program.archived`, `account.disabled`.
    pub action: String,
    pub object_type: String,
    pub object_id: String,
    /// SHA-256 (hex) of the previous entry's hash and this entry's fields.
    pub hash: String,
}

fn out(m: crate::store::entities::audit_entry::Model) -> AuditEntryOut {
    AuditEntryOut {
        seq: m.seq as i64,
        at: m.at,
        actor_id: m.actor_id,
        action: m.action,
        object_type: m.object_type,
        object_id: m.object_id,
        hash: m.hash,
    }
}

/// The log, newest first (instance admins).
pub async fn list(
    state: &AppState,
    caller: &Caller,
    page: &PageRequest,
) -> AppResult<Listing<AuditEntryOut>> {
    caller.require_admin()?;
    let before = match &page.after {
        Some(cursor) => Some(
            cursor
                .text_and_id()
                .ok()
                .and_then(|(seq, _)| seq.parse::<i32>().ok())
                .ok_or_else(|| AppError::BadRequest("that cursor is not one of ours".into()))?,
        ),
        None => None,
    };
    let rows = store::newest_first(state.store.read(), before, page.fetch()).await?;
    let (rows, next_cursor) = page.finish(rows, |e| {
        Cursor::new(vec![e.seq.to_string(), String::new()])
    });
    Ok(Listing {
        items: rows.into_iter().map(out).collect(),
        next_cursor,
    })
}

/// The whole log as CSV, newest first (instance admins).
pub async fn csv(state: &AppState, caller: &Caller) -> AppResult<String> {
    caller.require_admin()?;
    let mut w = csv::Writer::from_writer(Vec::new());
    let fail = |e: csv::Error| AppError::Other(anyhow::anyhow!("csv: {e}"));
    w.write_record([
        "seq",
        "at",
        "actor_id",
        "action",
        "object_type",
        "object_id",
        "hash",
    ])
    .map_err(fail)?;
    let mut before = None;
    loop {
        let rows = store::newest_first(state.store.read(), before, 1_000).await?;
        let Some(last) = rows.last() else { break };
        before = Some(last.seq);
        for e in rows {
            w.write_record([
                e.seq.to_string(),
                e.at.to_rfc3339_opts(chrono::SecondsFormat::Micros, true),
                e.actor_id,
                e.action,
                e.object_type,
                e.object_id,
                e.hash,
            ])
            .map_err(fail)?;
        }
    }
    let bytes = w
        .into_inner()
        .map_err(|e| AppError::Other(anyhow::anyhow!("csv: {e}")))?;
    String::from_utf8(bytes).map_err(|e| AppError::Other(anyhow::anyhow!("csv: {e}")))
}

/// Follows the whole chain: how many entries hold, or the first break.
pub async fn verify(state: &AppState) -> anyhow::Result<Result<u64, Break>> {
    let mut checker = Checker::default();
    let mut after = 0;
    loop {
        let rows = store::in_order(state.store.read(), after, 5_000).await?;
        let Some(last) = rows.last() else { break };
        after = last.seq;
        for row in &rows {
            if let Err(broken) = checker.next(&store::fields(row), &row.hash) {
                return Ok(Err(broken));
            }
        }
    }
    Ok(Ok(checker.checked))
}
