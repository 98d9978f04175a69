//! Accounts and sessions: users, session tokens (stored as hashes), failed sign-ins.
use super::cache::through;
use super::db::Store;
use super::entities::{login_failure, session, user};
use super::records::SignedIn;
use super::sql::{col, model, rows, select_prefixed};
use crate::domain::ids::PersonId;
use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Alias, ExprTrait, JoinType, Order, Query};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseBackend, DbErr, EntityTrait,
    IntoActiveModel, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, Set, Statement,
};
use std::sync::Arc;

pub async fn user_by_id(db: &impl ConnectionTrait, id: &str) -> Result<Option<user::Model>, DbErr> {
    user::Entity::find_by_id(id.to_string()).one(db).await
}

pub async fn user_by_email(
    db: &impl ConnectionTrait,
    email: &str,
) -> Result<Option<user::Model>, DbErr> {
    user::Entity::find()
        .filter(user::Column::Email.eq(email))
        .one(db)
        .await
}

/// The account whose personal calendar feed has this secret.
pub async fn user_by_calendar_token(
    db: &impl ConnectionTrait,
    token: &str,
) -> Result<Option<user::Model>, DbErr> {
    user::Entity::find()
        .filter(user::Column::CalendarToken.eq(token))
        .one(db)
        .await
}

/// Gives the account a new calendar secret; the old feed URL stops working.
pub async fn set_calendar_token(
    db: &impl ConnectionTrait,
    id: &str,
    token: &str,
) -> Result<(), DbErr> {
    user::Entity::update_many()
        .col_expr(
            user::Column::CalendarToken,
            sea_orm::sea_query::Expr::value(token),
        )
        .filter(user::Column::Id.eq(id))
        .exec(db)
        .await?;
    Ok(())
}

/// Whether the instance has no account yet.
pub async fn no_users(db: &impl ConnectionTrait) -> Result<bool, DbErr> {
    Ok(user::Entity::find().count(db).await? == 0)
}

pub async fn count_admins(db: &impl ConnectionTrait) -> Result<u64, DbErr> {
    user::Entity::find()
        .filter(user::Column::IsAdmin.eq(true))
        .count(db)
        .await
}

/// Makes concurrent sign-ups wait for each other, so "the first account is the
/// admin" holds (PostgreSQL; SQLite's single writer already serialises them).
pub async fn serialise_sign_ups(db: &impl ConnectionTrait) -> Result<(), DbErr> {
    if db.get_database_backend() == DatabaseBackend::Postgres {
        db.execute_unprepared("LOCK TABLE users IN EXCLUSIVE MODE")
            .await?;
    }
    Ok(())
}

/// An account to create, its password already hashed.
pub struct NewUser {
    pub email: String,
    pub name: String,
    pub password_hash: String,
    pub is_admin: bool,
    /// The secret of the personal calendar feed.
    pub calendar_token: String,
    pub at: DateTime<Utc>,
}

pub async fn insert_user(db: &impl ConnectionTrait, u: NewUser) -> Result<user::Model, DbErr> {
    user::Model {
        id: super::db::new_id(),
        email: u.email,
        name: u.name,
        password_hash: u.password_hash,
        is_admin: u.is_admin,
        calendar_token: Some(u.calendar_token),
        created_at: u.at,
    }
    .into_active_model()
    .insert(db)
    .await
}

pub async fn delete_user(db: &impl ConnectionTrait, id: &str) -> Result<(), DbErr> {
    user::Entity::delete_by_id(id.to_string()).exec(db).await?;
    Ok(())
}

/// Locks these people's rows until the transaction ends (PostgreSQL), in id order
/// so that two transactions never wait for each other in a circle. Decisions about
/// a person's places and open requests are taken under this lock.
pub async fn lock_people(db: &impl ConnectionTrait, ids: &[&str]) -> Result<(), DbErr> {
    let mut ids: Vec<String> = ids.iter().map(|s| s.to_string()).collect();
    ids.sort();
    ids.dedup();
    user::Entity::find()
        .select_only()
        .column(user::Column::Id)
        .filter(user::Column::Id.is_in(ids))
        .order_by_asc(user::Column::Id)
        .lock_exclusive()
        .into_tuple::<String>()
        .all(db)
        .await?;
    Ok(())
}

/// The names of these accounts (unknown ids are left out).
pub async fn names_of(
    db: &impl ConnectionTrait,
    ids: &[String],
) -> Result<std::collections::HashMap<String, String>, DbErr> {
    let mut out = std::collections::HashMap::new();
    for chunk in ids.chunks(super::sql::IN_CHUNK) {
        let found: Vec<(String, String)> = user::Entity::find()
            .select_only()
            .column(user::Column::Id)
            .column(user::Column::Name)
            .filter(user::Column::Id.is_in(chunk.iter().cloned()))
            .into_tuple()
            .all(db)
            .await?;
        out.extend(found);
    }
    Ok(out)
}

/// Every account by name, for an admin choosing a coordinator.
pub async fn users_by_name(
    db: &impl ConnectionTrait,
    limit: u64,
) -> Result<Vec<user::Model>, DbErr> {
    user::Entity::find()
        .order_by_asc(user::Column::Name)
        .order_by_asc(user::Column::Email)
        .limit(limit)
        .all(db)
        .await
}

// ------------------------------------------------------------------ sessions

/// Opens a session, kept as the hash of its token.
pub async fn insert_session(
    db: &impl ConnectionTrait,
    user: PersonId<'_>,
    token_hash: String,
    at: DateTime<Utc>,
    expires_at: DateTime<Utc>,
) -> Result<(), DbErr> {
    session::Model {
        id: super::db::new_id(),
        token_hash,
        user_id: user.0.to_string(),
        created_at: at,
        expires_at,
    }
    .into_active_model()
    .insert(db)
    .await?;
    Ok(())
}

pub async fn delete_session(db: &impl ConnectionTrait, token_hash: &str) -> Result<(), DbErr> {
    session::Entity::delete_many()
        .filter(session::Column::TokenHash.eq(token_hash))
        .exec(db)
        .await?;
    Ok(())
}

/// The session with this token hash and its account, in one statement.
pub async fn signed_in(
    db: &impl ConnectionTrait,
    token_hash: &str,
) -> Result<Option<SignedIn>, DbErr> {
    let mut q = Query::select();
    q.from_as(session::Entity, Alias::new("s"))
        .expr_as(col("s", "id"), Alias::new("session_id"))
        .expr_as(col("s", "expires_at"), Alias::new("session_expires_at"))
        .join_as(
            JoinType::InnerJoin,
            user::Entity,
            Alias::new("u"),
            col("u", "id").equals((Alias::new("s"), Alias::new("user_id"))),
        )
        .and_where(col("s", "token_hash").eq(token_hash))
        .order_by((Alias::new("s"), Alias::new("id")), Order::Asc)
        .limit(1);
    select_prefixed::<user::Entity>(&mut q, "u", "u_");
    let Some(row) = rows(db, &q).await?.into_iter().next() else {
        return Ok(None);
    };
    Ok(Some(SignedIn {
        session_id: row.try_get("", "session_id")?,
        expires_at: row.try_get("", "session_expires_at")?,
        user: model::<user::Entity>(&row, "u_")?,
    }))
}

/// The cached form of [`signed_in`]: no statement at all while nothing was written.
pub async fn signed_in_cached(
    store: &Store,
    token_hash: &str,
) -> Result<Option<Arc<SignedIn>>, DbErr> {
    let shared = store.shared();
    through(
        &shared.caches.sessions,
        shared.generation.sessions(),
        token_hash.to_string(),
        || async { Ok(signed_in(store.read(), token_hash).await?.map(Arc::new)) },
    )
    .await
}

// ------------------------------------------------------------------ failed sign-ins

/// Holds these throttle keys until the transaction ends, in key order, so that
/// two servers never count the same key at once (PostgreSQL advisory locks;
/// SQLite's writer already holds everything).
pub async fn lock_throttle_keys(db: &impl ConnectionTrait, keys: &[&str]) -> Result<(), DbErr> {
    if db.get_database_backend() != DatabaseBackend::Postgres {
        return Ok(());
    }
    let mut keys = keys.to_vec();
    keys.sort();
    keys.dedup();
    for key in keys {
        db.query_one_raw(Statement::from_sql_and_values(
            DatabaseBackend::Postgres,
            "SELECT pg_advisory_xact_lock(hashtextextended($1, 0))",
            [key.into()],
        ))
        .await?;
    }
    Ok(())
}

/// How many failures for `key` count since `since`, and when the oldest of those
/// that keep the count at `limit` or above happened.
pub async fn failures_since(
    db: &impl ConnectionTrait,
    key: &str,
    since: DateTime<Utc>,
    limit: u64,
) -> Result<(u64, Option<DateTime<Utc>>), DbErr> {
    let failures = login_failure::Entity::find()
        .filter(login_failure::Column::ThrottleKey.eq(key))
        .filter(login_failure::Column::FailedAt.gt(since));
    let count = failures.clone().count(db).await?;
    if count < limit {
        return Ok((count, None));
    }
    let oldest = failures
        .order_by_asc(login_failure::Column::FailedAt)
        .offset(count - limit)
        .one(db)
        .await?;
    Ok((count, oldest.map(|f| f.failed_at)))
}

/// Counts one attempt against `key`; returns its id, to take it back.
pub async fn record_failure(
    db: &impl ConnectionTrait,
    key: &str,
    at: DateTime<Utc>,
) -> Result<i32, DbErr> {
    let saved = login_failure::ActiveModel {
        throttle_key: Set(key.to_string()),
        failed_at: Set(at),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(saved.id)
}

/// Takes counted attempts back (they did not fail).
pub async fn forget_failures(db: &impl ConnectionTrait, ids: &[i32]) -> Result<(), DbErr> {
    login_failure::Entity::delete_many()
        .filter(login_failure::Column::Id.is_in(ids.to_vec()))
        .exec(db)
        .await?;
    Ok(())
}

pub async fn forget_failures_before(
    db: &impl ConnectionTrait,
    before: DateTime<Utc>,
) -> Result<(), DbErr> {
    login_failure::Entity::delete_many()
        .filter(login_failure::Column::FailedAt.lt(before))
        .exec(db)
        .await?;
    Ok(())
}
