//! The outgoing e-mail queue.
use super::db::new_id;
use super::entities::email;
use super::sealed::Sealed;
use chrono::{DateTime, Duration, Utc};
use sea_orm::sea_query::{Expr, ExprTrait, LockBehavior, LockType, Query};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseBackend, DbErr, EntityTrait, IntoActiveModel,
    PaginatorTrait, QueryFilter, QueryOrder,
};

/// A message to queue.
pub struct Outgoing {
    pub kind: &'static str,
    pub to_name: String,
    pub to_address: String,
    pub subject: String,
    pub body: String,
    pub calendar: Option<String>,
}

/// Queues messages, due at once; returns their ids.
pub async fn enqueue(
    db: &impl ConnectionTrait,
    messages: Vec<Outgoing>,
    now: DateTime<Utc>,
) -> Result<Vec<String>, DbErr> {
    let mut ids = Vec::with_capacity(messages.len());
    for chunk in messages.chunks(200) {
        let rows: Vec<email::ActiveModel> = chunk
            .iter()
            .map(|m| {
                let id = new_id();
                ids.push(id.clone());
                email::Model {
                    subject: Sealed::new(&id, m.subject.clone()),
                    body: Sealed::new(&id, m.body.clone()),
                    calendar: m.calendar.clone().map(|c| Sealed::new(&id, c)),
                    id,
                    to_name: m.to_name.chars().take(200).collect(),
                    to_address: m.to_address.clone(),
                    created_at: now,
                    attempts: 0,
                    next_attempt_at: now,
                    sent_at: None,
                    last_error: None,
                    kind: m.kind.to_string(),
                }
                .into_active_model()
            })
            .collect();
        if !rows.is_empty() {
            email::Entity::insert_many(rows).exec(db).await?;
        }
    }
    Ok(ids)
}

/// Takes up to `limit` messages that are due (oldest first), and holds them for
/// `lease` so no other server sends them meanwhile; on PostgreSQL rows another
/// transaction holds are left to it.
pub async fn claim_due(
    db: &impl ConnectionTrait,
    now: DateTime<Utc>,
    limit: u64,
    lease: Duration,
) -> Result<Vec<email::Model>, DbErr> {
    let mut due = Query::select();
    due.column(email::Column::Id)
        .from(email::Entity)
        .and_where(Expr::col(email::Column::SentAt).is_null())
        .and_where(Expr::col(email::Column::NextAttemptAt).lte(now))
        .order_by(email::Column::NextAttemptAt, sea_orm::Order::Asc)
        .limit(limit);
    if db.get_database_backend() == DatabaseBackend::Postgres {
        due.lock_with_behavior(LockType::Update, LockBehavior::SkipLocked);
    }
    let claimed = email::Entity::find()
        .filter(Expr::col(email::Column::Id).in_subquery(due))
        .order_by_asc(email::Column::CreatedAt)
        .all(db)
        .await?;
    if !claimed.is_empty() {
        email::Entity::update_many()
            .col_expr(email::Column::NextAttemptAt, Expr::value(now + lease))
            .filter(email::Column::Id.is_in(claimed.iter().map(|e| e.id.clone())))
            .exec(db)
            .await?;
    }
    Ok(claimed)
}

/// Marks messages delivered and forgets their text: what a pair wrote (kudos, an
/// introduction's note, a meeting's place) is not kept in the queue once sent,
/// so erasing its author leaves no copy behind.
pub async fn mark_sent(
    db: &impl ConnectionTrait,
    ids: &[&str],
    at: DateTime<Utc>,
) -> Result<(), DbErr> {
    for chunk in ids.chunks(super::sql::IN_CHUNK) {
        email::Entity::update_many()
            .col_expr(email::Column::SentAt, Expr::value(at))
            .col_expr(email::Column::Body, Expr::value(""))
            .col_expr(email::Column::Calendar, Expr::value(Option::<String>::None))
            .col_expr(
                email::Column::Attempts,
                Expr::col(email::Column::Attempts).add(1),
            )
            .col_expr(
                email::Column::LastError,
                Expr::value(Option::<String>::None),
            )
            .filter(email::Column::Id.is_in(chunk.iter().copied()))
            .exec(db)
            .await?;
    }
    Ok(())
}

/// Records a failed attempt and when to try again.
pub async fn mark_failed(
    db: &impl ConnectionTrait,
    id: &str,
    error: &str,
    next_attempt_at: DateTime<Utc>,
) -> Result<(), DbErr> {
    email::Entity::update_many()
        .col_expr(
            email::Column::Attempts,
            Expr::col(email::Column::Attempts).add(1),
        )
        .col_expr(email::Column::LastError, Expr::value(error.to_string()))
        .col_expr(email::Column::NextAttemptAt, Expr::value(next_attempt_at))
        .filter(email::Column::Id.eq(id))
        .exec(db)
        .await?;
    Ok(())
}

/// Drops the messages still waiting for this address (an erased account's).
pub async fn forget_unsent_to(db: &impl ConnectionTrait, address: &str) -> Result<(), DbErr> {
    email::Entity::delete_many()
        .filter(email::Column::ToAddress.eq(address))
        .filter(email::Column::SentAt.is_null())
        .exec(db)
        .await?;
    Ok(())
}

pub async fn by_id(db: &impl ConnectionTrait, id: &str) -> Result<Option<email::Model>, DbErr> {
    email::Entity::find_by_id(id.to_string()).one(db).await
}

/// Messages not yet delivered, and how many of those have failed at least once.
pub async fn undelivered(db: &impl ConnectionTrait) -> Result<(u64, u64), DbErr> {
    let pending = email::Entity::find()
        .filter(email::Column::SentAt.is_null())
        .count(db)
        .await?;
    let failing = email::Entity::find()
        .filter(email::Column::SentAt.is_null())
        .filter(email::Column::Attempts.gt(0))
        .count(db)
        .await?;
    Ok((pending, failing))
}
