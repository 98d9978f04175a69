//! Accounts and sessions: users, session tokens (stored as hashes), failed sign-ins.
use super::cache::through;
use super::db::Store;
use super::entities::{account_token, login_failure, session, session_seen, user, user_seen};
use super::records::SignedIn;
use super::sealed::{Sealed, UserCalendarToken};
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

/// The accounts with these (already normalised) e-mail addresses, by address.
pub async fn users_by_emails(
    db: &impl ConnectionTrait,
    emails: &[String],
) -> Result<std::collections::HashMap<String, user::Model>, DbErr> {
    let mut out = std::collections::HashMap::with_capacity(emails.len());
    for chunk in emails.chunks(super::sql::IN_CHUNK) {
        for u in user::Entity::find()
            .filter(user::Column::Email.is_in(chunk.to_vec()))
            .all(db)
            .await?
        {
            out.insert(u.email.clone(), u);
        }
    }
    Ok(out)
}

/// The account whose personal calendar feed has this secret.
pub async fn user_by_calendar_token(
    db: &impl ConnectionTrait,
    token: &str,
) -> Result<Option<user::Model>, DbErr> {
    user::Entity::find()
        .filter(user::Column::CalendarTokenHash.eq(crate::secrets::hash_token(token)))
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
            sea_orm::sea_query::Expr::value(Sealed::<UserCalendarToken>::new(id, token)),
        )
        .col_expr(
            user::Column::CalendarTokenHash,
            sea_orm::sea_query::Expr::value(crate::secrets::hash_token(token)),
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

/// Admins who can still sign in.
pub async fn count_active_admins(db: &impl ConnectionTrait) -> Result<u64, DbErr> {
    user::Entity::find()
        .filter(user::Column::IsAdmin.eq(true))
        .filter(user::Column::Disabled.eq(false))
        .count(db)
        .await
}

/// Holds every change of who is an active admin until the transaction ends, so
/// that two admins disabling each other at once never leave none (PostgreSQL;
/// SQLite's single writer already serialises them).
pub async fn serialise_admin_changes(db: &impl ConnectionTrait) -> Result<(), DbErr> {
    if db.get_database_backend() == DatabaseBackend::Postgres {
        db.execute_unprepared("SELECT pg_advisory_xact_lock(hashtext('tandem:admins'))")
            .await?;
    }
    Ok(())
}

/// Sets an account's flags.
pub async fn set_flags(
    db: &impl ConnectionTrait,
    id: &str,
    disabled: bool,
    is_admin: bool,
) -> Result<(), DbErr> {
    user::Entity::update_many()
        .col_expr(
            user::Column::Disabled,
            sea_orm::sea_query::Expr::value(disabled),
        )
        .col_expr(
            user::Column::IsAdmin,
            sea_orm::sea_query::Expr::value(is_admin),
        )
        .filter(user::Column::Id.eq(id))
        .exec(db)
        .await?;
    Ok(())
}

pub async fn set_password_hash(
    db: &impl ConnectionTrait,
    id: &str,
    hash: &str,
) -> Result<(), DbErr> {
    user::Entity::update_many()
        .col_expr(
            user::Column::PasswordHash,
            sea_orm::sea_query::Expr::value(hash),
        )
        .filter(user::Column::Id.eq(id))
        .exec(db)
        .await?;
    Ok(())
}

pub async fn set_name(db: &impl ConnectionTrait, id: &str, name: &str) -> Result<(), DbErr> {
    user::Entity::update_many()
        .col_expr(user::Column::Name, sea_orm::sea_query::Expr::value(name))
        .filter(user::Column::Id.eq(id))
        .exec(db)
        .await?;
    super::entities::enrollment::Entity::update_many()
        .col_expr(
            super::entities::enrollment::Column::SortKey,
            sea_orm::sea_query::Expr::value(crate::domain::words::sort_key(name)),
        )
        .filter(super::entities::enrollment::Column::UserId.eq(id))
        .exec(db)
        .await?;
    super::directory::reindex(db, &[id.to_string()]).await
}

/// An account as an admin lists it.
pub struct AccountRow {
    pub user: user::Model,
    pub last_seen_at: Option<DateTime<Utc>>,
}

/// When an account last used the site.
pub async fn last_seen_of(
    db: &impl ConnectionTrait,
    user_id: &str,
) -> Result<Option<DateTime<Utc>>, DbErr> {
    Ok(user_seen::Entity::find_by_id(user_id.to_string())
        .one(db)
        .await?
        .map(|s| s.seen_at))
}

/// Accounts whose name or e-mail contains `q` (any case), by name then id,
/// after `after` (name, id), at most `limit`.
pub async fn search_users(
    db: &impl ConnectionTrait,
    q: &str,
    after: Option<(String, String)>,
    limit: u64,
) -> Result<Vec<AccountRow>, DbErr> {
    use super::sql::{after_asc, contains, lower};
    use sea_orm::sea_query::{Cond, Expr};
    let mut find = user::Entity::find();
    let q = q.trim().to_lowercase();
    if !q.is_empty() {
        find = find.filter(
            Cond::any()
                .add(lower(Expr::col(user::Column::Name)).like(contains(&q)))
                .add(lower(Expr::col(user::Column::Email)).like(contains(&q))),
        );
    }
    if let Some((name, id)) = after {
        find = find.filter(after_asc(
            Expr::col(user::Column::Name),
            Expr::col(user::Column::Id),
            name,
            id,
        ));
    }
    let users = find
        .order_by_asc(user::Column::Name)
        .order_by_asc(user::Column::Id)
        .limit(limit)
        .all(db)
        .await?;
    let ids: Vec<String> = users.iter().map(|u| u.id.clone()).collect();
    let seen: std::collections::HashMap<String, DateTime<Utc>> = user_seen::Entity::find()
        .filter(user_seen::Column::UserId.is_in(ids))
        .all(db)
        .await?
        .into_iter()
        .map(|s| (s.user_id, s.seen_at))
        .collect();
    Ok(users
        .into_iter()
        .map(|user| AccountRow {
            last_seen_at: seen.get(&user.id).copied(),
            user,
        })
        .collect())
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

/// An account to create, its password already hashed (empty: invited, no
/// password yet; nothing signs in with it).
pub struct NewUser {
    pub email: String,
    pub name: String,
    pub password_hash: String,
    pub is_admin: bool,
    /// The secret of the personal calendar feed.
    pub calendar_token: String,
    pub at: DateTime<Utc>,
}

/// A new account's row: its calendar secret sealed, and hashed to be found by.
fn user_row(u: NewUser) -> user::Model {
    let id = super::db::new_id();
    user::Model {
        calendar_token_hash: Some(crate::secrets::hash_token(&u.calendar_token)),
        calendar_token: Some(Sealed::new(&id, u.calendar_token)),
        id,
        email: u.email,
        name: u.name,
        password_hash: u.password_hash,
        is_admin: u.is_admin,
        created_at: u.at,
        disabled: false,
    }
}

pub async fn insert_user(db: &impl ConnectionTrait, u: NewUser) -> Result<user::Model, DbErr> {
    let made = user_row(u).into_active_model().insert(db).await?;
    super::directory::reindex(db, std::slice::from_ref(&made.id)).await?;
    Ok(made)
}

/// Many accounts at once (an import), a few hundred rows a statement.
pub async fn insert_users(
    db: &impl ConnectionTrait,
    users: Vec<NewUser>,
) -> Result<Vec<user::Model>, DbErr> {
    let models: Vec<user::Model> = users.into_iter().map(user_row).collect();
    for chunk in models.chunks(500) {
        user::Entity::insert_many(
            chunk
                .iter()
                .cloned()
                .map(IntoActiveModel::into_active_model),
        )
        .exec_without_returning(db)
        .await?;
    }
    let ids: Vec<String> = models.iter().map(|u| u.id.clone()).collect();
    super::directory::reindex(db, &ids).await?;
    Ok(models)
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
    user_agent: &str,
) -> Result<(), DbErr> {
    session::Model {
        id: super::db::new_id(),
        token_hash,
        user_id: user.0.to_string(),
        created_at: at,
        expires_at,
        user_agent: user_agent.chars().take(200).collect(),
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

/// Ends every session of an account but `keep` (a token hash).
pub async fn delete_sessions_of(
    db: &impl ConnectionTrait,
    user_id: &str,
    keep: Option<&str>,
) -> Result<(), DbErr> {
    let mut q = session::Entity::delete_many().filter(session::Column::UserId.eq(user_id));
    if let Some(keep) = keep {
        q = q.filter(session::Column::TokenHash.ne(keep));
    }
    q.exec(db).await?;
    Ok(())
}

/// Ends one session of an account; whether there was one.
pub async fn delete_session_of(
    db: &impl ConnectionTrait,
    user_id: &str,
    session_id: &str,
) -> Result<bool, DbErr> {
    let done = session::Entity::delete_many()
        .filter(session::Column::UserId.eq(user_id))
        .filter(session::Column::Id.eq(session_id))
        .exec(db)
        .await?;
    Ok(done.rows_affected > 0)
}

/// A session as its owner lists it.
pub struct SessionRow {
    pub session: session::Model,
    pub last_seen_at: Option<DateTime<Utc>>,
}

/// An account's live sessions, newest first.
pub async fn sessions_of(
    db: &impl ConnectionTrait,
    user_id: &str,
    now: DateTime<Utc>,
) -> Result<Vec<SessionRow>, DbErr> {
    let sessions = session::Entity::find()
        .filter(session::Column::UserId.eq(user_id))
        .filter(session::Column::ExpiresAt.gt(now))
        .order_by_desc(session::Column::CreatedAt)
        .order_by_desc(session::Column::Id)
        .limit(500)
        .all(db)
        .await?;
    let ids: Vec<String> = sessions.iter().map(|s| s.id.clone()).collect();
    let seen: std::collections::HashMap<String, DateTime<Utc>> = session_seen::Entity::find()
        .filter(session_seen::Column::SessionId.is_in(ids))
        .all(db)
        .await?
        .into_iter()
        .map(|s| (s.session_id, s.seen_at))
        .collect();
    Ok(sessions
        .into_iter()
        .map(|session| SessionRow {
            last_seen_at: seen.get(&session.id).copied(),
            session,
        })
        .collect())
}

/// Notes that a session, and its account, were used at `at`: a session (or an
/// account) that is gone meanwhile is skipped, and a later time written by
/// another server is kept. These rows are read by no cache, so writing them
/// leaves every cache be. Whether the session was still there.
pub async fn mark_seen(
    db: &impl ConnectionTrait,
    session_id: &str,
    user_id: &str,
    at: DateTime<Utc>,
) -> Result<usize, DbErr> {
    let backend = db.get_database_backend();
    let (p1, p2) = match backend {
        DatabaseBackend::Postgres => ("$1", "$2"),
        _ => ("?1", "?2"),
    };
    let mut written = 0;
    for (table, key, parent) in [
        ("sessions_seen", "session_id", "sessions"),
        ("users_seen", "user_id", "users"),
    ] {
        let id = if table == "sessions_seen" {
            session_id
        } else {
            user_id
        };
        let sql = format!(
            "INSERT INTO {table} ({key}, seen_at) SELECT {p1}, {p2} \
             WHERE EXISTS (SELECT 1 FROM {parent} WHERE id = {p1}) \
             ON CONFLICT ({key}) DO UPDATE SET seen_at = CASE \
             WHEN excluded.seen_at > {table}.seen_at THEN excluded.seen_at ELSE {table}.seen_at END"
        );
        let done = db
            .execute_raw(Statement::from_sql_and_values(
                backend,
                &sql,
                [id.into(), at.into()],
            ))
            .await?;
        if table == "sessions_seen" {
            written = done.rows_affected() as usize;
        }
    }
    Ok(written)
}

// ------------------------------------------------------------------ single-use links

/// What a single-use link is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenPurpose {
    Reset,
    Invite,
}

impl TokenPurpose {
    fn as_str(self) -> &'static str {
        match self {
            TokenPurpose::Reset => "reset",
            TokenPurpose::Invite => "invite",
        }
    }
}

/// Keeps a link's hash; earlier unused links of the same purpose stop working.
pub async fn insert_account_token(
    db: &impl ConnectionTrait,
    user_id: &str,
    purpose: TokenPurpose,
    token_hash: String,
    at: DateTime<Utc>,
    expires_at: DateTime<Utc>,
) -> Result<(), DbErr> {
    account_token::Entity::delete_many()
        .filter(account_token::Column::UserId.eq(user_id))
        .filter(account_token::Column::Purpose.eq(purpose.as_str()))
        .filter(account_token::Column::UsedAt.is_null())
        .exec(db)
        .await?;
    account_token::Model {
        id: super::db::new_id(),
        user_id: user_id.to_string(),
        purpose: purpose.as_str().to_string(),
        token_hash,
        created_at: at,
        expires_at,
        used_at: None,
    }
    .into_active_model()
    .insert(db)
    .await?;
    Ok(())
}

/// Links for accounts that have none yet (an import's new accounts), at once.
pub async fn insert_new_account_tokens(
    db: &impl ConnectionTrait,
    tokens: Vec<(String, String)>,
    purpose: TokenPurpose,
    at: DateTime<Utc>,
    expires_at: DateTime<Utc>,
) -> Result<(), DbErr> {
    let rows: Vec<account_token::ActiveModel> = tokens
        .into_iter()
        .map(|(user_id, token_hash)| {
            account_token::Model {
                id: super::db::new_id(),
                user_id,
                purpose: purpose.as_str().to_string(),
                token_hash,
                created_at: at,
                expires_at,
                used_at: None,
            }
            .into_active_model()
        })
        .collect();
    for chunk in rows.chunks(500) {
        account_token::Entity::insert_many(chunk.to_vec())
            .exec_without_returning(db)
            .await?;
    }
    Ok(())
}

/// Forgets links that can no longer be used (expired), used or not.
pub async fn forget_expired_account_tokens(
    db: &impl ConnectionTrait,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    account_token::Entity::delete_many()
        .filter(account_token::Column::ExpiresAt.lt(now))
        .exec(db)
        .await?;
    Ok(())
}

/// Retires every unused link of an account (its password was set, changed or
/// it was disabled): a forwarded invitation or an older reset link stops working.
pub async fn retire_account_tokens(db: &impl ConnectionTrait, user_id: &str) -> Result<(), DbErr> {
    account_token::Entity::delete_many()
        .filter(account_token::Column::UserId.eq(user_id))
        .filter(account_token::Column::UsedAt.is_null())
        .exec(db)
        .await?;
    Ok(())
}

/// Whether a link could be used at `now` (unused, unexpired), without using it.
pub async fn account_token_usable(
    db: &impl ConnectionTrait,
    token_hash: &str,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    Ok(account_token::Entity::find()
        .filter(account_token::Column::TokenHash.eq(token_hash))
        .filter(account_token::Column::UsedAt.is_null())
        .filter(account_token::Column::ExpiresAt.gt(now))
        .count(db)
        .await?
        > 0)
}

/// Uses a link: marks it used, if it was unused and unexpired at `now`, and
/// answers whose it was. Two uses at once: one wins.
pub async fn use_account_token(
    db: &impl ConnectionTrait,
    token_hash: &str,
    now: DateTime<Utc>,
) -> Result<Option<String>, DbErr> {
    let Some(found) = account_token::Entity::find()
        .filter(account_token::Column::TokenHash.eq(token_hash))
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    let done = account_token::Entity::update_many()
        .col_expr(
            account_token::Column::UsedAt,
            sea_orm::sea_query::Expr::value(now),
        )
        .filter(account_token::Column::Id.eq(found.id.clone()))
        .filter(account_token::Column::UsedAt.is_null())
        .filter(account_token::Column::ExpiresAt.gt(now))
        .exec(db)
        .await?;
    Ok((done.rows_affected == 1).then_some(found.user_id))
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
