//! Profiles, career plans, public profiles and the shortlist.
use super::accounts::Caller;
use super::paging::Listing;
use crate::domain::access::{person_access, PersonFacts};
use crate::domain::ids::PersonId;
use crate::domain::paging::{Cursor, PageRequest};
use crate::domain::values::{
    in_range, labels, sentences, text, timezone, Email, FieldErrors, Pick, Problems,
};
use crate::domain::wire::{LearningStyle, MeetingPreference, Seniority, WireEnum};
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use crate::store::entities::profile;
use crate::store::{accounts, people as store};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// A person's profile, as read and written by its owner.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(default)]
pub struct ProfileData {
    #[schema(max_length = 120)]
    pub field: String,
    #[schema(max_length = 200)]
    pub headline: String,
    #[schema(max_length = 5000)]
    pub bio: String,
    #[schema(max_length = 300)]
    pub known_for: String,
    #[schema(minimum = 0, maximum = 70)]
    pub years_experience: Option<i64>,
    #[schema(value_type = Option<Seniority>)]
    pub seniority: Pick<Seniority>,
    #[schema(max_items = 50)]
    pub skills: Vec<String>,
    #[schema(max_items = 50)]
    pub interests: Vec<String>,
    #[schema(max_items = 30)]
    pub values: Vec<String>,
    #[schema(max_length = 300)]
    pub education: String,
    #[schema(max_items = 20)]
    pub languages: Vec<String>,
    /// IANA time zone, e.g. `Europe/Berlin`.
    pub timezone: Option<String>,
    #[schema(max_length = 120)]
    pub location: String,
    #[schema(max_length = 120)]
    pub department: String,
    #[schema(format = Email, max_length = 254)]
    pub manager_email: Option<String>,
    #[schema(value_type = Option<LearningStyle>)]
    pub learning_style: Pick<LearningStyle>,
    #[schema(value_type = Option<MeetingPreference>)]
    pub meeting_preference: Pick<MeetingPreference>,
    #[schema(minimum = 0, maximum = 200)]
    pub hours_per_month: Option<i64>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(default)]
pub struct PlanData {
    #[schema(max_items = 30)]
    pub strengths: Vec<String>,
    #[schema(max_items = 30)]
    pub improve: Vec<String>,
    #[schema(max_items = 30)]
    pub short_term_goals: Vec<String>,
    #[schema(max_items = 30)]
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
    pub seniority: Option<Seniority>,
    pub skills: Vec<String>,
    pub interests: Vec<String>,
    pub values: Vec<String>,
    pub education: String,
    pub languages: Vec<String>,
    pub timezone: Option<String>,
    pub location: String,
    pub department: String,
    pub learning_style: Option<LearningStyle>,
    pub meeting_preference: Option<MeetingPreference>,
    pub hours_per_month: Option<i64>,
    /// The goals of their career plan.
    pub short_term_goals: Vec<String>,
    pub long_term_goals: Vec<String>,
}

impl ProfileData {
    pub fn from_model(m: &profile::Model) -> ProfileData {
        ProfileData {
            field: m.field.clone(),
            headline: m.headline.clone(),
            bio: m.bio.clone(),
            known_for: m.known_for.clone(),
            years_experience: m.years_experience.map(i64::from),
            seniority: pick(m.seniority),
            skills: m.skills.0.clone(),
            interests: m.interests.0.clone(),
            values: m.values.0.clone(),
            education: m.education.clone(),
            languages: m.languages.0.clone(),
            timezone: m.timezone.clone(),
            location: m.location.clone(),
            department: m.department.clone(),
            manager_email: m.manager_email.clone(),
            learning_style: pick(m.learning_style),
            meeting_preference: pick(m.meeting_preference),
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
            seniority: pick(p.take("seniority", self.seniority.optional()).flatten()),
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
                        Some(tz) => timezone(tz).map(Some),
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
                    match self.manager_email.as_deref() {
                        None => Ok(None),
                        Some(e) if e.trim().is_empty() => Ok(None),
                        Some(e) => Email::parse(e).map(|e| Some(e.into_inner())),
                    },
                )
                .flatten(),
            learning_style: pick(
                p.take("learning_style", self.learning_style.optional())
                    .flatten(),
            ),
            meeting_preference: pick(
                p.take("meeting_preference", self.meeting_preference.optional())
                    .flatten(),
            ),
            hours_per_month: p
                .take("hours_per_month", opt_num(self.hours_per_month, 0, 200))
                .flatten(),
        };
        p.finish()?;
        Ok(clean)
    }

    /// What the store writes of a checked profile.
    fn fields(&self) -> store::ProfileFields {
        store::ProfileFields {
            field: self.field.clone(),
            headline: self.headline.clone(),
            bio: self.bio.clone(),
            known_for: self.known_for.clone(),
            years_experience: self.years_experience.map(|n| n as i32),
            seniority: self.seniority.optional().ok().flatten(),
            skills: self.skills.clone(),
            interests: self.interests.clone(),
            values: self.values.clone(),
            education: self.education.clone(),
            languages: self.languages.clone(),
            timezone: self.timezone.clone(),
            location: self.location.clone(),
            department: self.department.clone(),
            manager_email: self.manager_email.clone(),
            learning_style: self.learning_style.optional().ok().flatten(),
            meeting_preference: self.meeting_preference.optional().ok().flatten(),
            hours_per_month: self.hours_per_month.map(|n| n as i32),
        }
    }
}

fn pick<T: WireEnum>(value: Option<T>) -> Pick<T> {
    value.map(Pick::of).unwrap_or_default()
}

pub async fn get_profile(state: &AppState, caller: &Caller) -> AppResult<ProfileData> {
    Ok(store::profile_of(state.store.read(), caller.id())
        .await?
        .map(|m| ProfileData::from_model(&m))
        .unwrap_or_default())
}

pub async fn put_profile(
    state: &AppState,
    caller: &Caller,
    input: &ProfileData,
) -> AppResult<ProfileData> {
    let clean = input.validate()?;
    let tx = state.store.write().await?;
    store::save_profile(&tx, caller.person(), clean.fields(), state.clock.now()).await?;
    tx.commit().await?;
    Ok(clean)
}

pub async fn get_plan(state: &AppState, caller: &Caller) -> AppResult<PlanData> {
    Ok(store::plan_of(state.store.read(), caller.id())
        .await?
        .map(|m| PlanData {
            strengths: m.strengths.0,
            improve: m.improve.0,
            short_term_goals: m.short_term_goals.0,
            long_term_goals: m.long_term_goals.0,
        })
        .unwrap_or_default())
}

impl PlanData {
    /// Checks every entry and returns the cleaned plan.
    pub fn validate(&self) -> AppResult<PlanData> {
        let mut p = Problems::default();
        let clean = PlanData {
            strengths: p
                .take("strengths", sentences(&self.strengths, 30))
                .unwrap_or_default(),
            improve: p
                .take("improve", sentences(&self.improve, 30))
                .unwrap_or_default(),
            short_term_goals: p
                .take("short_term_goals", sentences(&self.short_term_goals, 30))
                .unwrap_or_default(),
            long_term_goals: p
                .take("long_term_goals", sentences(&self.long_term_goals, 30))
                .unwrap_or_default(),
        };
        p.finish()?;
        Ok(clean)
    }

    /// What the store writes of a checked plan.
    fn fields(&self) -> store::PlanFields {
        store::PlanFields {
            strengths: self.strengths.clone(),
            improve: self.improve.clone(),
            short_term_goals: self.short_term_goals.clone(),
            long_term_goals: self.long_term_goals.clone(),
        }
    }
}

pub async fn put_plan(state: &AppState, caller: &Caller, input: &PlanData) -> AppResult<PlanData> {
    let clean = input.validate()?;
    let tx = state.store.write().await?;
    store::save_plan(&tx, caller.person(), clean.fields(), state.clock.now()).await?;
    tx.commit().await?;
    Ok(clean)
}

/// The profile page's one form: the profile and the plan checked together (every
/// problem of both reported at once) and saved in one transaction, so neither is
/// lost while the other is fixed.
pub async fn put_profile_and_plan(
    state: &AppState,
    caller: &Caller,
    profile: &ProfileData,
    plan: &PlanData,
) -> AppResult<(ProfileData, PlanData)> {
    let (profile, plan) = match (profile.validate(), plan.validate()) {
        (Ok(profile), Ok(plan)) => (profile, plan),
        (profile, plan) => {
            let mut fields = FieldErrors::default();
            for err in [profile.err(), plan.err()].into_iter().flatten() {
                match err {
                    AppError::Validation(problems) => fields.extend(problems),
                    other => return Err(other),
                }
            }
            return Err(AppError::Validation(fields));
        }
    };
    let tx = state.store.write().await?;
    let now = state.clock.now();
    store::save_profile(&tx, caller.person(), profile.fields(), now).await?;
    store::save_plan(&tx, caller.person(), plan.fields(), now).await?;
    tx.commit().await?;
    Ok((profile, plan))
}

/// Refuses (404) unless the caller may know that this person exists.
async fn require_visible(state: &AppState, caller: &Caller, person_id: &str) -> AppResult<()> {
    let db = state.store.read();
    let is_self = caller.id() == person_id;
    let exists = is_self || accounts::user_by_id(db, person_id).await?.is_some();
    let share_a_program = exists
        && !is_self
        && !caller.is_admin()
        && store::share_a_program(db, caller.person(), PersonId(person_id)).await?;
    let facts = PersonFacts {
        exists,
        is_self,
        share_a_program,
    };
    Ok(person_access(caller.viewer(), &facts)?)
}

pub async fn person(state: &AppState, caller: &Caller, person_id: &str) -> AppResult<PersonOut> {
    require_visible(state, caller, person_id).await?;
    let db = state.store.read();
    let u = accounts::user_by_id(db, person_id)
        .await?
        .ok_or(AppError::NotFound("person"))?;
    let p = store::profile_of(db, person_id)
        .await?
        .map(|m| ProfileData::from_model(&m))
        .unwrap_or_default();
    let plan = store::plan_of(db, person_id).await?;
    let (short_term_goals, long_term_goals) = plan
        .map(|p| (p.short_term_goals.0, p.long_term_goals.0))
        .unwrap_or_default();
    Ok(PersonOut {
        short_term_goals,
        long_term_goals,
        id: u.id,
        name: u.name,
        field: p.field,
        headline: p.headline,
        bio: p.bio,
        known_for: p.known_for,
        years_experience: p.years_experience,
        seniority: p.seniority.optional().ok().flatten(),
        skills: p.skills,
        interests: p.interests,
        values: p.values,
        education: p.education,
        languages: p.languages,
        timezone: p.timezone,
        location: p.location,
        department: p.department,
        learning_style: p.learning_style.optional().ok().flatten(),
        meeting_preference: p.meeting_preference.optional().ok().flatten(),
        hours_per_month: p.hours_per_month,
    })
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct ShortlistIn {
    pub person_id: String,
    /// How this person connects to you (shared interest, same team, met at…).
    #[serde(default)]
    #[schema(max_length = 300)]
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

fn item(row: store::ShortlistRow) -> ShortlistItem {
    ShortlistItem {
        person_id: row.entry.person_id,
        name: row.name,
        field: row.field,
        known_for: row.known_for,
        connection: row.entry.connection,
    }
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
    if require_visible(state, caller, &input.person_id)
        .await
        .is_err()
    {
        return Err(AppError::field(
            "person_id",
            "no such person in your programs",
        ));
    }
    let tx = state.store.write().await?;
    store::save_shortlist_entry(
        &tx,
        caller.id(),
        &input.person_id,
        connection,
        state.clock.now(),
    )
    .await?;
    let saved = store::shortlist_entry(&tx, caller.id(), &input.person_id)
        .await?
        .ok_or(AppError::NotFound("person"))?;
    tx.commit().await?;
    Ok(item(saved))
}

/// The caller's shortlist, in the order it was made.
pub async fn shortlist(
    state: &AppState,
    caller: &Caller,
    page: &PageRequest,
) -> AppResult<Listing<ShortlistItem>> {
    let after = page.after.as_ref().map(Cursor::time_and_id).transpose()?;
    let rows = store::shortlist_page(state.store.read(), caller.id(), after, page.fetch()).await?;
    let (rows, next_cursor) = page.finish(rows, |r| {
        Cursor::of_time_and_id(r.entry.created_at, &r.entry.person_id)
    });
    Ok(Listing {
        items: rows.into_iter().map(item).collect(),
        next_cursor,
    })
}

pub async fn remove_from_shortlist(
    state: &AppState,
    caller: &Caller,
    person_id: &str,
) -> AppResult<()> {
    let tx = state.store.write().await?;
    let gone = store::remove_shortlist_entry(&tx, caller.id(), person_id).await?;
    tx.commit().await?;
    if !gone {
        return Err(AppError::NotFound("shortlist entry"));
    }
    Ok(())
}
