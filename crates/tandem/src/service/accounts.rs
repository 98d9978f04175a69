//! Registration, sign-in and sign-out.
use crate::auth::{self, Caller, Throttle};
use crate::domain::{text, Email, Password, Problems};
use crate::error::{AppError, AppResult};
use crate::store::entities::user;
use crate::store::new_id;
use crate::AppState;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseBackend, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, Set,
};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct UserOut {
    pub id: String,
    pub email: String,
    pub name: String,
    pub is_admin: bool,
}

impl From<&user::Model> for UserOut {
    fn from(u: &user::Model) -> Self {
        UserOut {
            id: u.id.clone(),
            email: u.email.clone(),
            name: u.name.clone(),
            is_admin: u.is_admin,
        }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct RegisterIn {
    pub email: String,
    /// At least 10 characters.
    pub password: String,
    pub name: String,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct LoginIn {
    pub email: String,
    pub password: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct LoginOut {
    pub token: String,
    pub user: UserOut,
}

/// Creates an account; the first one on an empty instance is its admin.
pub async fn register(state: &AppState, input: &RegisterIn) -> AppResult<UserOut> {
    create_user(state, input, false).await
}

/// `force_admin` is for `tandem user create --admin`.
pub async fn create_user(
    state: &AppState,
    input: &RegisterIn,
    force_admin: bool,
) -> AppResult<UserOut> {
    let mut problems = Problems::default();
    let email = problems.take("email", Email::parse(&input.email));
    let password = problems.take("password", Password::parse(&input.password));
    let name = problems.take("name", text(&input.name, 120, true));
    problems.finish()?;
    let (email, password, name) = (email.unwrap(), password.unwrap(), name.unwrap());

    let password_hash = auth::hash_password(state, password.expose()).await?;
    let tx = state.store.write().await?;
    if tx.get_database_backend() == DatabaseBackend::Postgres {
        // "The first account is the admin" must hold with concurrent sign-ups too;
        // SQLite's single writer already serialises them.
        tx.execute_unprepared("LOCK TABLE users IN EXCLUSIVE MODE")
            .await?;
    }
    if user::Entity::find()
        .filter(user::Column::Email.eq(email.as_str()))
        .one(&*tx)
        .await?
        .is_some()
    {
        return Err(AppError::conflict(
            "email_taken",
            "an account with this e-mail already exists; sign in instead",
        ));
    }
    let first = user::Entity::find().count(&*tx).await? == 0;
    let created = user::ActiveModel {
        id: Set(new_id()),
        email: Set(email.into_inner()),
        name: Set(name),
        password_hash: Set(password_hash),
        is_admin: Set(first || force_admin),
        calendar_token: Set(None),
        created_at: Set(state.clock.now()),
    }
    .insert(&*tx)
    .await
    .map_err(|e| match AppError::from(e) {
        AppError::Conflict { .. } => AppError::conflict(
            "email_taken",
            "an account with this e-mail already exists; sign in instead",
        ),
        other => other,
    })?;
    tx.commit().await?;
    Ok(UserOut::from(&created))
}

/// Checks credentials under the throttle and opens a session.
pub async fn login(state: &AppState, ip: &str, input: &LoginIn) -> AppResult<LoginOut> {
    let throttle = Throttle::new(state, ip, &input.email);
    throttle.check().await?;
    let found = match Email::parse(&input.email) {
        Ok(email) => {
            user::Entity::find()
                .filter(user::Column::Email.eq(email.as_str()))
                .one(&state.store.db)
                .await?
        }
        Err(_) => None,
    };
    let ok = auth::verify_password(
        state,
        &input.password,
        found.as_ref().map(|u| u.password_hash.clone()),
    )
    .await?;
    match found {
        Some(user) if ok => {
            let token = auth::open_session(state, &user.id).await?;
            Ok(LoginOut {
                token,
                user: UserOut::from(&user),
            })
        }
        _ => {
            throttle.record_failure().await?;
            Err(AppError::BadCredentials)
        }
    }
}

pub async fn logout(state: &AppState, caller: &Caller) -> AppResult<()> {
    auth::close_session(state, &caller.token).await
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct EraseIn {
    /// Your current password, to confirm.
    pub password: String,
}

/// Erases the caller's account (SPEC §5): their relationships end with reason
/// `account_erased` and show them as "Former member"; what others wrote stays.
pub async fn erase(state: &AppState, caller: &Caller, input: &EraseIn) -> AppResult<()> {
    if !auth::verify_password(
        state,
        &input.password,
        Some(caller.user.password_hash.clone()),
    )
    .await?
    {
        return Err(AppError::unprocessable(
            "wrong_password",
            "that is not your password; the account was not erased",
        ));
    }
    let now = state.clock.now();
    let tx = state.store.write().await?;
    crate::service::mentorships::end_all_for_erasure(&*tx, caller.id(), now).await?;
    user::Entity::delete_by_id(caller.id().to_string())
        .exec(&*tx)
        .await?;
    tx.commit().await?;
    Ok(())
}

/// Every account, by name; for an instance admin choosing a coordinator.
pub async fn all_accounts(state: &AppState, caller: &Caller) -> AppResult<Vec<UserOut>> {
    crate::service::programs::require_admin(caller)?;
    let users = user::Entity::find()
        .order_by_asc(user::Column::Name)
        .order_by_asc(user::Column::Email)
        .all(&state.store.db)
        .await?;
    Ok(users.iter().map(UserOut::from).collect())
}

/// The account with this e-mail, for an instance admin; a field error when there is none.
pub async fn account_by_email(
    state: &AppState,
    caller: &Caller,
    email: &str,
) -> AppResult<UserOut> {
    crate::service::programs::require_admin(caller)?;
    let email = Email::parse(email).map_err(|e| AppError::field("email", e))?;
    user::Entity::find()
        .filter(user::Column::Email.eq(email.as_str()))
        .one(&state.store.db)
        .await?
        .map(|u| UserOut::from(&u))
        .ok_or_else(|| {
            AppError::field(
                "email",
                "no account with this e-mail; ask them to sign up first",
            )
        })
}
