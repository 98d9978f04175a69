//! Who e-mails go to and which they have turned off; what the jobs have done
//! (each piece under its key); and the health each relationship's participants
//! were last alerted to.
use super::entities::{health_alert, muted_notification, notice, profile, user};
use super::sql::{col, rows, IN_CHUNK};
use crate::domain::ids::PersonId;
use crate::domain::wire::{Health, Notification};
use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Alias, Expr, ExprTrait, JoinType, OnConflict, Query};
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter};
use std::collections::HashSet;

/// An account as its e-mails address it.
pub struct RecipientRow {
    pub id: String,
    pub name: String,
    pub email: String,
    /// The profile's IANA zone, if any.
    pub timezone: Option<String>,
}

/// The accounts with these ids, in one statement per few hundred.
pub async fn recipients(
    db: &impl ConnectionTrait,
    ids: &[&str],
) -> Result<Vec<RecipientRow>, DbErr> {
    let mut out = Vec::with_capacity(ids.len());
    for chunk in ids.chunks(IN_CHUNK) {
        let mut q = Query::select();
        q.from_as(user::Entity, Alias::new("u"))
            .expr_as(col("u", "id"), Alias::new("id"))
            .expr_as(col("u", "name"), Alias::new("name"))
            .expr_as(col("u", "email"), Alias::new("email"))
            .expr_as(col("p", "timezone"), Alias::new("timezone"))
            .join_as(
                JoinType::LeftJoin,
                profile::Entity,
                Alias::new("p"),
                col("p", "user_id").equals((Alias::new("u"), Alias::new("id"))),
            )
            .and_where(col("u", "id").is_in(chunk.iter().map(|s| s.to_string())));
        for r in rows(db, &q).await? {
            out.push(RecipientRow {
                id: r.try_get("", "id")?,
                name: r.try_get("", "name")?,
                email: r.try_get("", "email")?,
                timezone: r.try_get("", "timezone")?,
            });
        }
    }
    Ok(out)
}

/// Which of these people turned which e-mails off: (person, wire name).
pub async fn muted_among(
    db: &impl ConnectionTrait,
    ids: &[&str],
) -> Result<HashSet<(String, String)>, DbErr> {
    let mut out = HashSet::new();
    for chunk in ids.chunks(IN_CHUNK) {
        let found = muted_notification::Entity::find()
            .filter(muted_notification::Column::UserId.is_in(chunk.iter().copied()))
            .all(db)
            .await?;
        out.extend(found.into_iter().map(|m| (m.user_id, m.kind)));
    }
    Ok(out)
}

/// The e-mails one person turned off.
pub async fn muted_of(
    db: &impl ConnectionTrait,
    person: PersonId<'_>,
) -> Result<HashSet<String>, DbErr> {
    Ok(muted_notification::Entity::find()
        .filter(muted_notification::Column::UserId.eq(person.as_str()))
        .all(db)
        .await?
        .into_iter()
        .map(|m| m.kind)
        .collect())
}

/// Turns one kind of e-mail off (`on` false) or on again for a person.
pub async fn set_notification(
    db: &impl ConnectionTrait,
    person: PersonId<'_>,
    kind: Notification,
    on: bool,
) -> Result<(), DbErr> {
    muted_notification::Entity::delete_many()
        .filter(muted_notification::Column::UserId.eq(person.as_str()))
        .filter(muted_notification::Column::Kind.eq(kind.as_str()))
        .exec(db)
        .await?;
    if !on {
        let mut q = Query::insert();
        q.into_table(muted_notification::Entity)
            .columns([
                muted_notification::Column::UserId,
                muted_notification::Column::Kind,
            ])
            .values_panic([person.as_str().into(), kind.as_str().into()]);
        db.execute(&q).await?;
    }
    Ok(())
}

/// Claims the pieces of work with these keys: records each that no one has
/// recorded yet, and returns those this call recorded. Run in the transaction
/// that queues the work's e-mails, so the work and its record commit together;
/// a key another server is recording at the same moment waits for it, then is
/// not returned here.
pub async fn claim(
    db: &impl ConnectionTrait,
    keys: &[String],
    at: DateTime<Utc>,
) -> Result<HashSet<String>, DbErr> {
    let mut claimed = HashSet::new();
    for chunk in keys.chunks(IN_CHUNK) {
        let mut q = Query::insert();
        q.into_table(notice::Entity)
            .columns([notice::Column::Key, notice::Column::DoneAt])
            .on_conflict(
                OnConflict::column(notice::Column::Key)
                    .do_nothing()
                    .to_owned(),
            )
            .returning_col(notice::Column::Key);
        for key in chunk {
            q.values_panic([key.clone().into(), at.into()]);
        }
        for r in db.query_all(&q).await? {
            claimed.insert(r.try_get::<String>("", "key")?);
        }
    }
    Ok(claimed)
}

/// Whether the piece of work with this key is recorded as done.
pub async fn is_claimed(db: &impl ConnectionTrait, key: &str) -> Result<bool, DbErr> {
    Ok(notice::Entity::find_by_id(key.to_string())
        .one(db)
        .await?
        .is_some())
}

/// Records the health each relationship's participants are alerted to now, and
/// returns the relationships whose recorded health changed (or was none): those
/// to alert. Same transaction rules as `claim`.
pub async fn record_health(
    db: &impl ConnectionTrait,
    healths: &[(String, Health)],
    at: DateTime<Utc>,
) -> Result<HashSet<String>, DbErr> {
    let mut changed = HashSet::new();
    for chunk in healths.chunks(IN_CHUNK) {
        let mut q = Query::insert();
        q.into_table(health_alert::Entity)
            .columns([
                health_alert::Column::MentorshipId,
                health_alert::Column::Health,
                health_alert::Column::ChangedAt,
            ])
            .on_conflict(
                OnConflict::column(health_alert::Column::MentorshipId)
                    .update_columns([
                        health_alert::Column::Health,
                        health_alert::Column::ChangedAt,
                    ])
                    .action_and_where(
                        Expr::col((health_alert::Entity, health_alert::Column::Health)).ne(
                            Expr::col((Alias::new("excluded"), health_alert::Column::Health)),
                        ),
                    )
                    .to_owned(),
            )
            .returning_col(health_alert::Column::MentorshipId);
        for (id, health) in chunk {
            q.values_panic([id.clone().into(), health.as_str().into(), at.into()]);
        }
        for r in db.query_all(&q).await? {
            changed.insert(r.try_get::<String>("", "mentorship_id")?);
        }
    }
    Ok(changed)
}

/// The health every relationship's participants were last alerted to.
pub async fn alerted_healths(
    db: &impl ConnectionTrait,
) -> Result<std::collections::HashMap<String, Health>, DbErr> {
    Ok(health_alert::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|a| (a.mentorship_id, a.health))
        .collect())
}

/// Forgets the alerts of relationships back on track (or no longer running), so
/// that a new decline alerts again.
pub async fn forget_health(db: &impl ConnectionTrait, ids: &[String]) -> Result<(), DbErr> {
    for chunk in ids.chunks(IN_CHUNK) {
        health_alert::Entity::delete_many()
            .filter(health_alert::Column::MentorshipId.is_in(chunk.iter().cloned()))
            .exec(db)
            .await?;
    }
    Ok(())
}
