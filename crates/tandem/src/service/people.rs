//! Profiles, career plans, public profiles, the shortlist and the personal export.
use crate::auth::Caller;
use crate::domain::{
    self, in_range, labels, sentences, text, Email, LearningStyle, MeetingPreference, Problems,
    Seniority,
};
use crate::error::{AppError, AppResult};
use crate::service::accounts::UserOut;
use crate::service::{mentorships, programs};
use crate::store::entities::{coordinator, enrollment, plan, profile, shortlist_entry, user};
use crate::store::{list_to_text, text_to_list};
use crate::AppState;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel, QueryFilter,
    QueryOrder, Set,
};
use serde::{Deserialize, Serialize};
use std::collections::HashSet;
use utoipa::ToSchema;

/// The profile of SPEC §2.1, as read and written by its owner.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(default)]
pub struct ProfileData {
    pub field: String,
    pub headline: String,
    pub bio: String,
    pub known_for: String,
    pub years_experience: Option<i64>,
    /// `student|junior|mid|senior|lead|executive`
    pub seniority: Option<String>,
    pub skills: Vec<String>,
    pub interests: Vec<String>,
    pub values: Vec<String>,
    pub education: String,
    pub languages: Vec<String>,
    /// IANA time zone, e.g. `Europe/Berlin`.
    pub timezone: Option<String>,
    pub location: String,
    pub department: String,
    pub manager_email: Option<String>,
    /// `visual|auditory|reading_writing|kinesthetic`
    pub learning_style: Option<String>,
    /// `video|in_person|phone|chat|any`
    pub meeting_preference: Option<String>,
    pub hours_per_month: Option<i64>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(default)]
pub struct PlanData {
    pub strengths: Vec<String>,
    pub improve: Vec<String>,
    pub short_term_goals: Vec<String>,
    pub long_term_goals: Vec<String>,
}

/// What others in a shared program see.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PersonOut {
    pub id: String,
    pub name: String,
    pub field: String,
    pub headline: String,
    pub bio: String,
    pub known_for: String,
    pub years_experience: Option<i64>,
    pub seniority: Option<String>,
    pub skills: Vec<String>,
    pub interests: Vec<String>,
    pub values: Vec<String>,
    pub education: String,
    pub languages: Vec<String>,
    pub timezone: Option<String>,
    pub location: String,
    pub department: String,
    pub learning_style: Option<String>,
    pub meeting_preference: Option<String>,
    pub hours_per_month: Option<i64>,
}

fn optional_enum<T>(
    raw: &Option<String>,
    parse: fn(&str) -> Result<T, String>,
) -> Result<Option<String>, String> {
    match raw.as_deref().map(str::trim) {
        None | Some("") => Ok(None),
        Some(v) => parse(v).map(|_| Some(v.to_string())),
    }
}

impl ProfileData {
    pub(crate) fn from_model(m: &profile::Model) -> ProfileData {
        ProfileData {
            field: m.field.clone(),
            headline: m.headline.clone(),
            bio: m.bio.clone(),
            known_for: m.known_for.clone(),
            years_experience: m.years_experience.map(i64::from),
            seniority: m.seniority.clone(),
            skills: text_to_list(&m.skills),
            interests: text_to_list(&m.interests),
            values: text_to_list(&m.values),
            education: m.education.clone(),
            languages: text_to_list(&m.languages),
            timezone: m.timezone.clone(),
            location: m.location.clone(),
            department: m.department.clone(),
            manager_email: m.manager_email.clone(),
            learning_style: m.learning_style.clone(),
            meeting_preference: m.meeting_preference.clone(),
            hours_per_month: m.hours_per_month.map(i64::from),
        }
    }

    /// Checks every field and returns the cleaned profile.
    pub fn validate(&self) -> AppResult<ProfileData> {
        let mut p = Problems::default();
        let opt_num =
            |v: Option<i64>, min, max| v.map(|n| in_range(n, min, max).map(i64::from)).transpose();
        let clean = ProfileData {
            field: p
                .take("field", text(&self.field, 120, false))
                .unwrap_or_default(),
            headline: p
                .take("headline", text(&self.headline, 200, false))
                .unwrap_or_default(),
            bio: p
                .take("bio", text(&self.bio, 5000, false))
                .unwrap_or_default(),
            known_for: p
                .take("known_for", text(&self.known_for, 300, false))
                .unwrap_or_default(),
            years_experience: p
                .take("years_experience", opt_num(self.years_experience, 0, 70))
                .flatten(),
            seniority: p
                .take(
                    "seniority",
                    optional_enum(&self.seniority, Seniority::parse),
                )
                .flatten(),
            skills: p
                .take("skills", labels(&self.skills, 50))
                .unwrap_or_default(),
            interests: p
                .take("interests", labels(&self.interests, 50))
                .unwrap_or_default(),
            values: p
                .take("values", labels(&self.values, 30))
                .unwrap_or_default(),
            education: p
                .take("education", text(&self.education, 300, false))
                .unwrap_or_default(),
            languages: p
                .take("languages", labels(&self.languages, 20))
                .unwrap_or_default(),
            timezone: p
                .take(
                    "timezone",
                    match self.timezone.as_deref().map(str::trim) {
                        None | Some("") => Ok(None),
                        Some(tz) => domain::timezone(tz).map(Some),
                    },
                )
                .flatten(),
            location: p
                .take("location", text(&self.location, 120, false))
                .unwrap_or_default(),
            department: p
                .take("department", text(&self.department, 120, false))
                .unwrap_or_default(),
            manager_email: p
                .take(
                    "manager_email",
                    match self.manager_email.as_deref().map(str::trim) {
                        None | Some("") => Ok(None),
                        Some(e) => Email::parse(e).map(|e| Some(e.into_inner())),
                    },
                )
                .flatten(),
            learning_style: p
                .take(
                    "learning_style",
                    optional_enum(&self.learning_style, LearningStyle::parse),
                )
                .flatten(),
            meeting_preference: p
                .take(
                    "meeting_preference",
                    optional_enum(&self.meeting_preference, MeetingPreference::parse),
                )
                .flatten(),
            hours_per_month: p
                .take("hours_per_month", opt_num(self.hours_per_month, 0, 200))
                .flatten(),
        };
        p.finish()?;
        Ok(clean)
    }
}

pub async fn load_profile(db: &impl ConnectionTrait, user_id: &str) -> AppResult<ProfileData> {
    Ok(profile::Entity::find_by_id(user_id.to_string())
        .one(db)
        .await?
        .map(|m| ProfileData::from_model(&m))
        .unwrap_or_default())
}

pub async fn get_profile(state: &AppState, caller: &Caller) -> AppResult<ProfileData> {
    load_profile(&state.store.db, caller.id()).await
}

pub async fn put_profile(
    state: &AppState,
    caller: &Caller,
    input: &ProfileData,
) -> AppResult<ProfileData> {
    let p = input.validate()?;
    let row = profile::ActiveModel {
        user_id: Set(caller.id().to_string()),
        field: Set(p.field.clone()),
        headline: Set(p.headline.clone()),
        bio: Set(p.bio.clone()),
        known_for: Set(p.known_for.clone()),
        years_experience: Set(p.years_experience.map(|n| n as i32)),
        seniority: Set(p.seniority.clone()),
        skills: Set(list_to_text(&p.skills)),
        interests: Set(list_to_text(&p.interests)),
        values: Set(list_to_text(&p.values)),
        education: Set(p.education.clone()),
        languages: Set(list_to_text(&p.languages)),
        timezone: Set(p.timezone.clone()),
        location: Set(p.location.clone()),
        department: Set(p.department.clone()),
        manager_email: Set(p.manager_email.clone()),
        learning_style: Set(p.learning_style.clone()),
        meeting_preference: Set(p.meeting_preference.clone()),
        hours_per_month: Set(p.hours_per_month.map(|n| n as i32)),
        updated_at: Set(state.clock.now()),
    };
    let tx = state.store.write().await?;
    if profile::Entity::find_by_id(caller.id().to_string())
        .one(&*tx)
        .await?
        .is_some()
    {
        row.update(&*tx).await?;
    } else {
        row.insert(&*tx).await?;
    }
    tx.commit().await?;
    Ok(p)
}

pub async fn get_plan(state: &AppState, caller: &Caller) -> AppResult<PlanData> {
    Ok(plan::Entity::find_by_id(caller.id().to_string())
        .one(&state.store.db)
        .await?
        .map(|m| PlanData {
            strengths: text_to_list(&m.strengths),
            improve: text_to_list(&m.improve),
            short_term_goals: text_to_list(&m.short_term_goals),
            long_term_goals: text_to_list(&m.long_term_goals),
        })
        .unwrap_or_default())
}

pub async fn put_plan(state: &AppState, caller: &Caller, input: &PlanData) -> AppResult<PlanData> {
    let mut p = Problems::default();
    let clean = PlanData {
        strengths: p
            .take("strengths", sentences(&input.strengths, 30))
            .unwrap_or_default(),
        improve: p
            .take("improve", sentences(&input.improve, 30))
            .unwrap_or_default(),
        short_term_goals: p
            .take("short_term_goals", sentences(&input.short_term_goals, 30))
            .unwrap_or_default(),
        long_term_goals: p
            .take("long_term_goals", sentences(&input.long_term_goals, 30))
            .unwrap_or_default(),
    };
    p.finish()?;
    let row = plan::ActiveModel {
        user_id: Set(caller.id().to_string()),
        strengths: Set(list_to_text(&clean.strengths)),
        improve: Set(list_to_text(&clean.improve)),
        short_term_goals: Set(list_to_text(&clean.short_term_goals)),
        long_term_goals: Set(list_to_text(&clean.long_term_goals)),
        updated_at: Set(state.clock.now()),
    };
    let tx = state.store.write().await?;
    if plan::Entity::find_by_id(caller.id().to_string())
        .one(&*tx)
        .await?
        .is_some()
    {
        row.update(&*tx).await?;
    } else {
        row.insert(&*tx).await?;
    }
    tx.commit().await?;
    Ok(clean)
}

/// Programs a person takes part in, as participant or coordinator.
async fn program_ids_of(db: &impl ConnectionTrait, user_id: &str) -> AppResult<HashSet<String>> {
    let mut ids: HashSet<String> = enrollment::Entity::find()
        .filter(enrollment::Column::UserId.eq(user_id))
        .all(db)
        .await?
        .into_iter()
        .map(|e| e.program_id)
        .collect();
    ids.extend(
        coordinator::Entity::find()
            .filter(coordinator::Column::UserId.eq(user_id))
            .all(db)
            .await?
            .into_iter()
            .map(|c| c.program_id),
    );
    Ok(ids)
}

/// Whether the caller may know that this person exists: themself, an admin, or
/// someone who shares a program with them.
pub async fn can_see_person(state: &AppState, caller: &Caller, person_id: &str) -> AppResult<bool> {
    if caller.id() == person_id || caller.user.is_admin {
        return Ok(user::Entity::find_by_id(person_id.to_string())
            .one(&state.store.db)
            .await?
            .is_some());
    }
    let mine = program_ids_of(&state.store.db, caller.id()).await?;
    let theirs = program_ids_of(&state.store.db, person_id).await?;
    Ok(!mine.is_disjoint(&theirs))
}

pub async fn person(state: &AppState, caller: &Caller, person_id: &str) -> AppResult<PersonOut> {
    if !can_see_person(state, caller, person_id).await? {
        return Err(AppError::NotFound("person"));
    }
    let u = user::Entity::find_by_id(person_id.to_string())
        .one(&state.store.db)
        .await?
        .ok_or(AppError::NotFound("person"))?;
    let p = load_profile(&state.store.db, person_id).await?;
    Ok(PersonOut {
        id: u.id,
        name: u.name,
        field: p.field,
        headline: p.headline,
        bio: p.bio,
        known_for: p.known_for,
        years_experience: p.years_experience,
        seniority: p.seniority,
        skills: p.skills,
        interests: p.interests,
        values: p.values,
        education: p.education,
        languages: p.languages,
        timezone: p.timezone,
        location: p.location,
        department: p.department,
        learning_style: p.learning_style,
        meeting_preference: p.meeting_preference,
        hours_per_month: p.hours_per_month,
    })
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct ShortlistIn {
    pub person_id: String,
    /// How this person connects to you (shared interest, same team, met at…).
    #[serde(default)]
    pub connection: String,
}

/// A shortlist row: Name, Field, Known for, Connection to you.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ShortlistItem {
    pub person_id: String,
    pub name: String,
    pub field: String,
    pub known_for: String,
    pub connection: String,
}

async fn shortlist_item(
    db: &impl ConnectionTrait,
    e: shortlist_entry::Model,
) -> AppResult<Option<ShortlistItem>> {
    let Some(u) = user::Entity::find_by_id(e.person_id.clone())
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    let p = load_profile(db, &e.person_id).await?;
    Ok(Some(ShortlistItem {
        person_id: u.id,
        name: u.name,
        field: p.field,
        known_for: p.known_for,
        connection: e.connection,
    }))
}

pub async fn add_to_shortlist(
    state: &AppState,
    caller: &Caller,
    input: &ShortlistIn,
) -> AppResult<ShortlistItem> {
    let connection =
        text(&input.connection, 300, false).map_err(|e| AppError::field("connection", e))?;
    if input.person_id == caller.id() {
        return Err(AppError::field(
            "person_id",
            "you cannot shortlist yourself",
        ));
    }
    if !can_see_person(state, caller, &input.person_id).await? {
        return Err(AppError::field(
            "person_id",
            "no such person in your programs",
        ));
    }
    let tx = state.store.write().await?;
    let existing =
        shortlist_entry::Entity::find_by_id((caller.id().to_string(), input.person_id.clone()))
            .one(&*tx)
            .await?;
    let saved = match existing {
        Some(e) => {
            let mut e = e.into_active_model();
            e.connection = Set(connection);
            e.update(&*tx).await?
        }
        None => {
            shortlist_entry::ActiveModel {
                owner_id: Set(caller.id().to_string()),
                person_id: Set(input.person_id.clone()),
                connection: Set(connection),
                created_at: Set(state.clock.now()),
            }
            .insert(&*tx)
            .await?
        }
    };
    let item = shortlist_item(&*tx, saved)
        .await?
        .ok_or(AppError::NotFound("person"))?;
    tx.commit().await?;
    Ok(item)
}

pub async fn shortlist(state: &AppState, caller: &Caller) -> AppResult<Vec<ShortlistItem>> {
    let rows = shortlist_entry::Entity::find()
        .filter(shortlist_entry::Column::OwnerId.eq(caller.id()))
        .order_by_asc(shortlist_entry::Column::CreatedAt)
        .order_by_asc(shortlist_entry::Column::PersonId)
        .all(&state.store.db)
        .await?;
    let mut items = Vec::with_capacity(rows.len());
    for row in rows {
        if let Some(item) = shortlist_item(&state.store.db, row).await? {
            items.push(item);
        }
    }
    Ok(items)
}

pub async fn remove_from_shortlist(
    state: &AppState,
    caller: &Caller,
    person_id: &str,
) -> AppResult<()> {
    let tx = state.store.write().await?;
    let gone =
        shortlist_entry::Entity::delete_by_id((caller.id().to_string(), person_id.to_string()))
            .exec(&*tx)
            .await?;
    tx.commit().await?;
    if gone.rows_affected == 0 {
        return Err(AppError::NotFound("shortlist entry"));
    }
    Ok(())
}

/// Everything linked to the caller (SPEC §3).
#[derive(Debug, Serialize, ToSchema)]
pub struct ExportOut {
    pub exported_at: chrono::DateTime<chrono::Utc>,
    pub account: UserOut,
    pub profile: ProfileData,
    pub plan: PlanData,
    pub enrollments: Vec<programs::EnrollmentOut>,
    pub coordinating: Vec<programs::ProgramOut>,
    pub shortlist: Vec<ShortlistItem>,
    pub mentorships: Vec<mentorships::MentorshipExport>,
}

pub async fn export(state: &AppState, caller: &Caller) -> AppResult<ExportOut> {
    Ok(ExportOut {
        exported_at: state.clock.now(),
        account: UserOut::from(&caller.user),
        profile: get_profile(state, caller).await?,
        plan: get_plan(state, caller).await?,
        enrollments: programs::my_enrollments(state, caller).await?,
        coordinating: programs::coordinated_by(state, caller).await?,
        shortlist: shortlist(state, caller).await?,
        mentorships: mentorships::export_for(state, caller).await?,
    })
}
