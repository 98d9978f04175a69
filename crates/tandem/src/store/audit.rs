//! The audit log: appended under a lock so the chain has one order, read newest
//! first for admins, and in order for `tandem audit verify`.
use super::entities::audit_entry;
use crate::domain::audit::{chain_hash, entry_time, Entry, GENESIS};
use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseBackend, DbErr, EntityTrait,
    IntoActiveModel, QueryFilter, QueryOrder, QuerySelect,
};

/// One thing done, before it is numbered and chained.
pub struct NewEntry<'a> {
    pub actor_id: &'a str,
    pub action: &'a str,
    pub object_type: &'a str,
    pub object_id: &'a str,
}

/// Appends an entry after the last one, in the caller's transaction (so it is
/// written exactly when the action is). Entries are appended one at a time:
/// an advisory lock on PostgreSQL, the single writer on SQLite.
pub async fn append(
    db: &impl ConnectionTrait,
    at: DateTime<Utc>,
    new: NewEntry<'_>,
) -> Result<(), DbErr> {
    if db.get_database_backend() == DatabaseBackend::Postgres {
        db.execute_unprepared("SELECT pg_advisory_xact_lock(hashtext('tandem:audit'))")
            .await?;
    }
    let last = audit_entry::Entity::find()
        .order_by_desc(audit_entry::Column::Seq)
        .limit(1)
        .one(db)
        .await?;
    let (seq, previous) = match &last {
        Some(l) => (l.seq as i64 + 1, l.hash.as_str()),
        None => (1, GENESIS),
    };
    let entry = Entry {
        seq,
        at: entry_time(at),
        actor_id: new.actor_id.to_string(),
        action: new.action.to_string(),
        object_type: new.object_type.to_string(),
        object_id: new.object_id.to_string(),
    };
    let hash = chain_hash(previous, &entry);
    audit_entry::Model {
        seq: seq as i32,
        at: entry.at,
        actor_id: entry.actor_id,
        action: entry.action,
        object_type: entry.object_type,
        object_id: entry.object_id,
        hash,
    }
    .into_active_model()
    .insert(db)
    .await?;
    Ok(())
}

/// Entries newest first, before `before` (a seq), at most `limit`.
pub async fn newest_first(
    db: &impl ConnectionTrait,
    before: Option<i32>,
    limit: u64,
) -> Result<Vec<audit_entry::Model>, DbErr> {
    let mut find = audit_entry::Entity::find();
    if let Some(before) = before {
        find = find.filter(audit_entry::Column::Seq.lt(before));
    }
    find.order_by_desc(audit_entry::Column::Seq)
        .limit(limit)
        .all(db)
        .await
}

/// Entries in order, after `after` (a seq), at most `limit`.
pub async fn in_order(
    db: &impl ConnectionTrait,
    after: i32,
    limit: u64,
) -> Result<Vec<audit_entry::Model>, DbErr> {
    audit_entry::Entity::find()
        .filter(audit_entry::Column::Seq.gt(after))
        .order_by_asc(audit_entry::Column::Seq)
        .limit(limit)
        .all(db)
        .await
}

/// An entry's fields as the chain hashes them.
pub fn fields(m: &audit_entry::Model) -> Entry {
    Entry {
        seq: m.seq as i64,
        at: m.at,
        actor_id: m.actor_id.clone(),
        action: m.action.clone(),
        object_type: m.object_type.clone(),
        object_id: m.object_id.clone(),
    }
}
