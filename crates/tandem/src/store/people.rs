//! Profiles, career plans, the shortlist, and who shares a program with whom.
use super::columns::TextList;
use super::entities::{
    away, coordinator, enrollment, plan, profile, program, shortlist_entry, user,
};
use super::sql::{after_asc, col, model, put, rows, select_prefixed, IN_CHUNK};
use crate::domain::ids::PersonId;
use crate::domain::wire::{LearningStyle, MeetingPreference, Seniority};
use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Alias, Expr, ExprTrait, JoinType, Order, Query};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, IntoActiveModel,
    QueryFilter,
};
use std::collections::HashMap;

pub async fn profile_of(
    db: &impl ConnectionTrait,
    user_id: &str,
) -> Result<Option<profile::Model>, DbErr> {
    profile::Entity::find_by_id(user_id.to_string())
        .one(db)
        .await
}

/// Profiles of many people at once.
pub async fn profiles_of(
    db: &impl ConnectionTrait,
    ids: &[String],
) -> Result<HashMap<String, profile::Model>, DbErr> {
    let mut out = HashMap::with_capacity(ids.len());
    for chunk in ids.chunks(IN_CHUNK) {
        for p in profile::Entity::find()
            .filter(profile::Column::UserId.is_in(chunk.to_vec()))
            .all(db)
            .await?
        {
            out.insert(p.user_id.clone(), p);
        }
    }
    Ok(out)
}

/// Writes the whole profile, creating it the first time.
/// A profile as its use case checked it.
pub struct ProfileFields {
    pub field: String,
    pub headline: String,
    pub bio: String,
    pub known_for: String,
    pub years_experience: Option<i32>,
    pub seniority: Option<Seniority>,
    pub skills: Vec<String>,
    pub interests: Vec<String>,
    pub values: Vec<String>,
    pub education: String,
    pub languages: Vec<String>,
    pub timezone: Option<String>,
    pub location: String,
    pub department: String,
    pub manager_email: Option<String>,
    pub learning_style: Option<LearningStyle>,
    pub meeting_preference: Option<MeetingPreference>,
    pub hours_per_month: Option<i32>,
}

/// Writes a person's whole profile.
pub async fn save_profile(
    db: &impl ConnectionTrait,
    user: PersonId<'_>,
    p: ProfileFields,
    at: DateTime<Utc>,
) -> Result<(), DbErr> {
    let row = profile::Model {
        user_id: user.0.to_string(),
        field: p.field,
        headline: p.headline,
        bio: p.bio,
        known_for: p.known_for,
        years_experience: p.years_experience,
        seniority: p.seniority,
        skills: TextList(p.skills),
        interests: TextList(p.interests),
        values: TextList(p.values),
        education: p.education,
        languages: TextList(p.languages),
        timezone: p.timezone,
        location: p.location,
        department: p.department,
        manager_email: p.manager_email,
        learning_style: p.learning_style,
        meeting_preference: p.meeting_preference,
        hours_per_month: p.hours_per_month,
        updated_at: at,
    };
    let exists = profile_of(db, user.0).await?.is_some();
    put::<profile::Entity>(db, row, exists).await?;
    super::directory::reindex(db, &[user.0.to_string()]).await
}

/// Profile fields a participants import sets; `None` leaves what is stored.
#[derive(Debug, Default, Clone)]
pub struct ProfileUpdate {
    pub field: Option<String>,
    pub seniority: Option<Seniority>,
    pub skills: Option<Vec<String>>,
    pub languages: Option<Vec<String>>,
    pub timezone: Option<String>,
}

impl ProfileUpdate {
    /// What `later` says wins; what it leaves out stays.
    pub fn merge(&mut self, later: ProfileUpdate) {
        if later.field.is_some() {
            self.field = later.field;
        }
        if later.seniority.is_some() {
            self.seniority = later.seniority;
        }
        if later.skills.is_some() {
            self.skills = later.skills;
        }
        if later.languages.is_some() {
            self.languages = later.languages;
        }
        if later.timezone.is_some() {
            self.timezone = later.timezone;
        }
    }
}

/// Writes the given fields over `existing` (or an empty profile); whether
/// anything changed.
pub async fn update_profile(
    db: &impl ConnectionTrait,
    user: PersonId<'_>,
    existing: Option<&profile::Model>,
    u: ProfileUpdate,
    at: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let mut row = existing.cloned().unwrap_or_else(|| empty_profile(user.0));
    let before = row.clone();
    if let Some(v) = u.field {
        row.field = v;
    }
    if let Some(v) = u.seniority {
        row.seniority = Some(v);
    }
    if let Some(v) = u.skills {
        row.skills = TextList(v);
    }
    if let Some(v) = u.languages {
        row.languages = TextList(v);
    }
    if let Some(v) = u.timezone {
        row.timezone = Some(v);
    }
    if existing.is_some() && row == before {
        return Ok(false);
    }
    row.updated_at = at;
    put::<profile::Entity>(db, row, existing.is_some()).await?;
    super::directory::reindex(db, &[user.0.to_string()]).await?;
    Ok(true)
}

/// Profiles for people who have none yet (an import's), at once.
pub async fn insert_profiles(
    db: &impl ConnectionTrait,
    profiles: Vec<(String, ProfileUpdate)>,
    at: DateTime<Utc>,
) -> Result<(), DbErr> {
    use sea_orm::IntoActiveModel;
    let people: Vec<String> = profiles.iter().map(|(id, _)| id.clone()).collect();
    let rows: Vec<profile::ActiveModel> = profiles
        .into_iter()
        .map(|(user_id, u)| {
            let mut row = empty_profile(&user_id);
            row.field = u.field.unwrap_or_default();
            row.seniority = u.seniority;
            row.skills = TextList(u.skills.unwrap_or_default());
            row.languages = TextList(u.languages.unwrap_or_default());
            row.timezone = u.timezone;
            row.updated_at = at;
            row.into_active_model()
        })
        .collect();
    for chunk in rows.chunks(500) {
        profile::Entity::insert_many(chunk.to_vec())
            .exec_without_returning(db)
            .await?;
    }
    super::directory::reindex(db, &people).await
}

/// The profile of someone who has not written one yet.
pub fn empty_profile(user_id: &str) -> profile::Model {
    profile::Model::empty(user_id)
}

pub async fn plan_of(
    db: &impl ConnectionTrait,
    user_id: &str,
) -> Result<Option<plan::Model>, DbErr> {
    plan::Entity::find_by_id(user_id.to_string()).one(db).await
}

/// A career plan as its use case checked it.
pub struct PlanFields {
    pub strengths: Vec<String>,
    pub improve: Vec<String>,
    pub short_term_goals: Vec<String>,
    pub long_term_goals: Vec<String>,
}

/// Writes a person's whole plan.
pub async fn save_plan(
    db: &impl ConnectionTrait,
    user: PersonId<'_>,
    p: PlanFields,
    at: DateTime<Utc>,
) -> Result<(), DbErr> {
    let row = plan::Model {
        user_id: user.0.to_string(),
        strengths: TextList(p.strengths),
        improve: TextList(p.improve),
        short_term_goals: TextList(p.short_term_goals),
        long_term_goals: TextList(p.long_term_goals),
        updated_at: at,
    };
    let exists = plan_of(db, user.0).await?.is_some();
    put::<plan::Entity>(db, row, exists).await?;
    Ok(())
}

/// Whether two people take part in (or coordinate) one program together.
pub async fn share_a_program(
    db: &impl ConnectionTrait,
    a: PersonId<'_>,
    b: PersonId<'_>,
) -> Result<bool, DbErr> {
    let in_a_program_of = |person: &str| {
        let mut enrolled = Query::select();
        enrolled
            .column(enrollment::Column::ProgramId)
            .from(enrollment::Entity)
            .and_where(Expr::col(enrollment::Column::UserId).eq(person));
        let mut coordinating = Query::select();
        coordinating
            .column(coordinator::Column::ProgramId)
            .from(coordinator::Entity)
            .and_where(Expr::col(coordinator::Column::UserId).eq(person));
        Expr::col((program::Entity, program::Column::Id))
            .in_subquery(enrolled)
            .or(Expr::col((program::Entity, program::Column::Id)).in_subquery(coordinating))
    };
    let mut q = Query::select();
    q.expr(Expr::val(1))
        .from(program::Entity)
        .and_where(in_a_program_of(a.0))
        .and_where(in_a_program_of(b.0))
        .limit(1);
    Ok(!rows(db, &q).await?.is_empty())
}

// ------------------------------------------------------------------ shortlist

/// A shortlist entry with the person's name and profile.
pub struct ShortlistRow {
    pub entry: shortlist_entry::Model,
    pub name: String,
    pub field: String,
    pub known_for: String,
}

fn shortlist_query() -> sea_orm::sea_query::SelectStatement {
    let mut q = Query::select();
    q.from_as(shortlist_entry::Entity, Alias::new("s"))
        .join_as(
            JoinType::InnerJoin,
            user::Entity,
            Alias::new("u"),
            col("u", "id").equals((Alias::new("s"), Alias::new("person_id"))),
        )
        .join_as(
            JoinType::LeftJoin,
            profile::Entity,
            Alias::new("p"),
            col("p", "user_id").equals((Alias::new("s"), Alias::new("person_id"))),
        )
        .expr_as(col("u", "name"), Alias::new("name"))
        .expr_as(col("p", "field"), Alias::new("field"))
        .expr_as(col("p", "known_for"), Alias::new("known_for"));
    select_prefixed::<shortlist_entry::Entity>(&mut q, "s", "s_");
    q
}

fn shortlist_row(row: &sea_orm::QueryResult) -> Result<ShortlistRow, DbErr> {
    Ok(ShortlistRow {
        entry: model::<shortlist_entry::Entity>(row, "s_")?,
        name: row.try_get("", "name")?,
        field: row
            .try_get::<Option<String>>("", "field")?
            .unwrap_or_default(),
        known_for: row
            .try_get::<Option<String>>("", "known_for")?
            .unwrap_or_default(),
    })
}

/// The owner's shortlist in the order it was made, `fetch` rows after `(created_at, person)`.
pub async fn shortlist_page(
    db: &impl ConnectionTrait,
    owner: &str,
    after: Option<(DateTime<Utc>, String)>,
    fetch: u64,
) -> Result<Vec<ShortlistRow>, DbErr> {
    let mut q = shortlist_query();
    q.and_where(col("s", "owner_id").eq(owner));
    if let Some((at, id)) = after {
        q.and_where(after_asc(
            col("s", "created_at"),
            col("s", "person_id"),
            at,
            id,
        ));
    }
    q.order_by((Alias::new("s"), Alias::new("created_at")), Order::Asc)
        .order_by((Alias::new("s"), Alias::new("person_id")), Order::Asc)
        .limit(fetch);
    rows(db, &q).await?.iter().map(shortlist_row).collect()
}

pub async fn shortlist_entry(
    db: &impl ConnectionTrait,
    owner: &str,
    person: &str,
) -> Result<Option<ShortlistRow>, DbErr> {
    let mut q = shortlist_query();
    q.and_where(col("s", "owner_id").eq(owner))
        .and_where(col("s", "person_id").eq(person));
    rows(db, &q).await?.first().map(shortlist_row).transpose()
}

/// Adds someone, or changes how they connect to the owner.
pub async fn save_shortlist_entry(
    db: &impl ConnectionTrait,
    owner: &str,
    person: &str,
    connection: String,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    let existing = shortlist_entry::Entity::find_by_id((owner.to_string(), person.to_string()))
        .one(db)
        .await?;
    match existing {
        Some(e) => {
            let mut e = e.into_active_model();
            e.connection = sea_orm::Set(connection);
            e.update(db).await?;
        }
        None => {
            shortlist_entry::Model {
                owner_id: owner.to_string(),
                person_id: person.to_string(),
                connection,
                created_at: now,
            }
            .into_active_model()
            .insert(db)
            .await?;
        }
    }
    Ok(())
}

/// Removes someone; false when they were not on the list.
pub async fn remove_shortlist_entry(
    db: &impl ConnectionTrait,
    owner: &str,
    person: &str,
) -> Result<bool, DbErr> {
    let gone = shortlist_entry::Entity::delete_by_id((owner.to_string(), person.to_string()))
        .exec(db)
        .await?;
    Ok(gone.rows_affected > 0)
}

// ------------------------------------------------------------------ away

/// Whether the person is away, and since when with which note.
pub async fn away_of(
    db: &impl ConnectionTrait,
    person: PersonId<'_>,
) -> Result<Option<away::Model>, DbErr> {
    away::Entity::find_by_id(person.as_str().to_string())
        .one(db)
        .await
}

/// Everyone away now (few at any time).
pub async fn everyone_away(db: &impl ConnectionTrait) -> Result<Vec<String>, DbErr> {
    Ok(away::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|a| a.user_id)
        .collect())
}

/// Marks the person away (keeping the first `since` of a stay, with the new
/// note), or back.
pub async fn set_away(
    db: &impl ConnectionTrait,
    person: PersonId<'_>,
    away: Option<String>,
    at: DateTime<Utc>,
) -> Result<Option<away::Model>, DbErr> {
    let current = away_of(db, person).await?;
    match (away, current) {
        (None, _) => {
            away::Entity::delete_by_id(person.as_str().to_string())
                .exec(db)
                .await?;
            Ok(None)
        }
        (Some(note), Some(mut row)) => {
            row.note = note;
            let mut active = row.clone().into_active_model();
            active.note = sea_orm::ActiveValue::Set(row.note.clone());
            active.update(db).await.map(Some)
        }
        (Some(note), None) => away::Model {
            user_id: person.as_str().to_string(),
            note,
            since: at,
        }
        .into_active_model()
        .insert(db)
        .await
        .map(Some),
    }
}
