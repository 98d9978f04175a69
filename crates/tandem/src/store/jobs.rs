//! What the background jobs look for: requests whose time ran out (written down
//! here), requests still waiting, meetings about to start and action items
//! falling due.
use super::entities::{action_item, meeting, mentorship};
use super::mentorships::{order_seats, record_query, records};
use super::records::MentorshipRecord;
use super::sql::{col, rows, IN_CHUNK};
use crate::domain::ids::PersonId;
use crate::domain::wire::{MeetingStatus, MentorshipStatus as S};
use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::sea_query::{Alias, Expr, ExprTrait, Order, Query};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseBackend, DbErr, EntityTrait, QueryFilter, QueryOrder,
};

/// Writes down the expiry of requests whose time ran out, dated when it did.
/// On PostgreSQL rows another transaction holds are left for the next run. At
/// most `limit` at a time; returns their ids.
pub async fn expire_due(
    db: &impl ConnectionTrait,
    now: DateTime<Utc>,
    limit: u64,
) -> Result<Vec<String>, DbErr> {
    let mut due = Query::select();
    due.expr(col("m", "id"))
        .from_as(mentorship::Entity, Alias::new("m"))
        .and_where(col("m", "status").eq(S::Requested))
        .and_where(col("m", "expires_at").lte(now))
        // A program's requests together: their e-mails read its pool once.
        .order_by((Alias::new("m"), Alias::new("program_id")), Order::Asc)
        .order_by((Alias::new("m"), Alias::new("id")), Order::Asc)
        .limit(limit);
    if db.get_database_backend() == DatabaseBackend::Postgres {
        due.lock_with_behavior(
            sea_orm::sea_query::LockType::Update,
            sea_orm::sea_query::LockBehavior::SkipLocked,
        );
    }
    let ids: Vec<String> = rows(db, &due)
        .await?
        .iter()
        .map(|r| r.try_get("", "id"))
        .collect::<Result<_, _>>()?;
    if ids.is_empty() {
        return Ok(ids);
    }
    // Still requested: on SQLite the writer is alone; on PostgreSQL the rows are locked.
    mentorship::Entity::update_many()
        .col_expr(mentorship::Column::Status, Expr::value(S::Expired))
        .col_expr(
            mentorship::Column::EndedAt,
            Expr::col(mentorship::Column::ExpiresAt),
        )
        .filter(mentorship::Column::Id.is_in(ids.iter().cloned()))
        .filter(mentorship::Column::Status.eq(S::Requested))
        .exec(db)
        .await?;
    Ok(ids)
}

/// These mentorships with their members, in order of id within each few hundred
/// (one statement per few hundred).
pub async fn with_members_many(
    db: &impl ConnectionTrait,
    ids: &[String],
) -> Result<Vec<MentorshipRecord>, DbErr> {
    let mut out = Vec::with_capacity(ids.len());
    for chunk in ids.chunks(IN_CHUNK) {
        let mut q = record_query();
        q.and_where(col("m", "id").is_in(chunk.iter().cloned()))
            .order_by((Alias::new("m"), Alias::new("id")), Order::Asc);
        order_seats(&mut q);
        out.extend(records(rows(db, &q).await?)?);
    }
    Ok(out)
}

/// Requests still waiting for their mentor's answer at `now` (to one mentor, or
/// to anyone), with their members.
pub async fn waiting_requests(
    db: &impl ConnectionTrait,
    to: Option<PersonId<'_>>,
    now: DateTime<Utc>,
) -> Result<Vec<MentorshipRecord>, DbErr> {
    let mut q = record_query();
    q.and_where(col("m", "status").eq(S::Requested))
        .and_where(col("m", "expires_at").gt(now))
        .order_by((Alias::new("m"), Alias::new("id")), Order::Asc);
    if let Some(mentor) = to {
        q.and_where(col("m", "mentor_id").eq(mentor.as_str()));
    }
    order_seats(&mut q);
    records(rows(db, &q).await?)
}

/// Meetings still scheduled that start after `from` and no later than `to`.
pub async fn meetings_starting(
    db: &impl ConnectionTrait,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Result<Vec<meeting::Model>, DbErr> {
    meeting::Entity::find()
        .filter(meeting::Column::Status.eq(MeetingStatus::Scheduled))
        .filter(meeting::Column::StartsAt.gt(from))
        .filter(meeting::Column::StartsAt.lte(to))
        .order_by_asc(meeting::Column::StartsAt)
        .order_by_asc(meeting::Column::Id)
        .all(db)
        .await
}

/// Action items not done whose due day is between `from` and `to` (both included).
pub async fn items_due(
    db: &impl ConnectionTrait,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<action_item::Model>, DbErr> {
    action_item::Entity::find()
        .filter(action_item::Column::Done.eq(false))
        .filter(action_item::Column::DueOn.gte(from))
        .filter(action_item::Column::DueOn.lte(to))
        .filter(action_item::Column::OwnerId.is_not_null())
        .order_by_asc(action_item::Column::DueOn)
        .order_by_asc(action_item::Column::Id)
        .all(db)
        .await
}
