//! Programs, coordinators, enrolments and the mentor directory.
use super::input::{lenient_limit, PageQuery};
use super::{created, ApiJson, ApiQuery, CsvBody};
use crate::domain::paging::PageRequest;
use crate::domain::wire::Seniority;
use crate::error::AppResult;
use crate::http::error::ErrorBody;
use crate::service::accounts::Caller;
use crate::service::mentorships::{self, MentorshipOut};
use crate::service::paging::Listing;
use crate::service::programs::import::{ImportOut, Mode};
use crate::service::programs::{
    self, CoordinatorIn, CoordinatorOut, EnrollmentIn, EnrollmentOut, MentorCard, MentorSearch,
    ProgramIn, ProgramOut, ProgramPatch,
};
use crate::state::AppState;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::Json;
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(create_program, list_programs))
        .routes(routes!(get_program, patch_program))
        .routes(routes!(add_coordinator))
        .routes(routes!(enroll, list_enrollments))
        .routes(routes!(search_mentors))
        .routes(routes!(program_mentorships))
        .routes(routes!(import))
}

/// Import participants from a CSV (coordinators): header
/// `email,name,role,field,seniority,skills,wants_skills,languages,timezone,capacity`,
/// lists `;`-separated, empty cells leave what is stored. All or nothing: with any
/// bad line nothing is imported and the answer is 422 with every line's problem
/// (`line` counts the header as 1). A re-import updates, never duplicates; new
/// accounts are invited by e-mail to choose a password.
#[utoipa::path(post, path = "/api/v1/programs/{id}/import", tag = "programs", security(("bearer" = [])), params(("id" = String, Path)),
    request_body(content = String, content_type = "text/csv"),
    responses((status = 200, body = ImportOut), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, description = "the program is archived", body = ErrorBody), (status = 422, description = "lines are wrong; nothing was imported", body = ImportOut)))]
async fn import(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    CsvBody(csv): CsvBody,
) -> AppResult<impl IntoResponse> {
    let done =
        programs::import::import(&state, &caller, &id, &csv, Mode::Import, &|_, _| {}).await?;
    let status = if done.out.errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    Ok((status, Json(done.out)))
}

/// Create a program (instance admin).
#[utoipa::path(post, path = "/api/v1/programs", tag = "programs", security(("bearer" = [])), request_body = ProgramIn,
    responses((status = 201, body = ProgramOut), (status = 422, body = ErrorBody)))]
async fn create_program(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(input): ApiJson<ProgramIn>,
) -> AppResult<impl IntoResponse> {
    Ok(created(programs::create(&state, &caller, &input).await?))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct ProgramsQuery {
    #[serde(default, deserialize_with = "lenient_limit")]
    #[param(value_type = Option<i64>)]
    limit: Option<i64>,
    cursor: Option<String>,
    /// `true` lists archived programs too.
    archived: Option<bool>,
}

/// All programs, latest start first; archived ones only with `archived=true`.
#[utoipa::path(get, path = "/api/v1/programs", tag = "programs", security(("bearer" = [])), params(ProgramsQuery),
    responses((status = 200, body = Listing<ProgramOut>)))]
async fn list_programs(
    State(state): State<AppState>,
    _caller: Caller,
    ApiQuery(q): ApiQuery<ProgramsQuery>,
) -> AppResult<Json<Listing<ProgramOut>>> {
    let page = PageQuery {
        limit: q.limit,
        cursor: q.cursor,
    }
    .page()?;
    Ok(Json(
        programs::list(&state, &page, q.archived.unwrap_or(false)).await?,
    ))
}

/// One program.
#[utoipa::path(get, path = "/api/v1/programs/{id}", tag = "programs", security(("bearer" = [])), params(("id" = String, Path)),
    responses((status = 200, body = ProgramOut), (status = 404, body = ErrorBody)))]
async fn get_program(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> AppResult<Json<ProgramOut>> {
    Ok(Json(programs::get(&state, &caller, &id).await?))
}

/// Change a program (admin or its coordinators); only the given fields change.
#[utoipa::path(patch, path = "/api/v1/programs/{id}", tag = "programs", security(("bearer" = [])), params(("id" = String, Path)),
    request_body = ProgramPatch, responses((status = 200, body = ProgramOut), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn patch_program(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<ProgramPatch>,
) -> AppResult<Json<ProgramOut>> {
    Ok(Json(programs::patch(&state, &caller, &id, &input).await?))
}

/// Appoint a coordinator (instance admin).
#[utoipa::path(post, path = "/api/v1/programs/{id}/coordinators", tag = "programs", security(("bearer" = [])), params(("id" = String, Path)),
    request_body = CoordinatorIn, responses((status = 201, body = CoordinatorOut), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn add_coordinator(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<CoordinatorIn>,
) -> AppResult<impl IntoResponse> {
    Ok(created(
        programs::add_coordinator(&state, &caller, &id, &input).await?,
    ))
}

/// Enrol yourself, or (coordinators) someone else with `person_id`.
#[utoipa::path(post, path = "/api/v1/programs/{id}/enrollments", tag = "programs", security(("bearer" = [])), params(("id" = String, Path)),
    request_body = EnrollmentIn, responses((status = 201, body = EnrollmentOut), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn enroll(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<EnrollmentIn>,
) -> AppResult<impl IntoResponse> {
    Ok(created(
        programs::enroll(&state, &caller, &id, &input).await?,
    ))
}

/// The program's enrolments (coordinators).
#[utoipa::path(get, path = "/api/v1/programs/{id}/enrollments", tag = "programs", security(("bearer" = [])), params(("id" = String, Path), PageQuery),
    responses((status = 200, body = Listing<EnrollmentOut>), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn list_enrollments(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    ApiQuery(page): ApiQuery<PageQuery>,
) -> AppResult<Json<Listing<EnrollmentOut>>> {
    Ok(Json(
        programs::enrollments(&state, &caller, &id, &page.page()?).await?,
    ))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct SearchQuery {
    /// Free text over name, field, headline, known for, bio and skills: each word
    /// must start a word there (case-insensitive; `soft` finds "Software").
    q: Option<String>,
    /// Words that each start a word of one of the mentor's skills (`lead` finds "Leadership").
    skill: Option<String>,
    /// Words that each start a word of the mentor's field (`eng` finds "Software Engineering").
    field: Option<String>,
    /// One of the mentor's languages, whole (case-insensitive).
    language: Option<String>,
    /// The mentor's seniority; another value answers 422.
    #[param(value_type = Option<Seniority>)]
    seniority: Option<String>,
    /// `true`: only mentors with a place left in this program (active, paused and
    /// proposed relationships take places).
    #[param(value_type = Option<bool>)]
    has_room: Option<String>,
    /// Items per page, 1–200 (default 50; larger values are clamped).
    #[serde(default, deserialize_with = "lenient_limit")]
    #[param(value_type = Option<i64>)]
    limit: Option<i64>,
    /// The `next_cursor` of the previous page.
    cursor: Option<String>,
}

/// Search the program's mentors by the start of words in their text, skills and
/// field, by language, seniority and room left; by name.
#[utoipa::path(get, path = "/api/v1/programs/{id}/mentors", tag = "finding", security(("bearer" = [])), params(("id" = String, Path), SearchQuery),
    responses((status = 200, body = Listing<MentorCard>), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn search_mentors(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    ApiQuery(q): ApiQuery<SearchQuery>,
) -> AppResult<Json<Listing<MentorCard>>> {
    let page = PageRequest::new(q.limit, q.cursor.as_deref())?;
    let search = MentorSearch {
        q: q.q,
        skill: q.skill,
        field: q.field,
        language: q.language,
        seniority: q.seniority,
        has_room: q.has_room,
    };
    Ok(Json(
        programs::search_mentors(&state, &caller, &id, &search, &page).await?,
    ))
}

/// The program's relationships (coordinators): who, status and dates, never content.
#[utoipa::path(get, path = "/api/v1/programs/{id}/mentorships", tag = "programs", security(("bearer" = [])), params(("id" = String, Path), PageQuery),
    responses((status = 200, body = Listing<MentorshipOut>), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn program_mentorships(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    ApiQuery(page): ApiQuery<PageQuery>,
) -> AppResult<Json<Listing<MentorshipOut>>> {
    Ok(Json(
        mentorships::of_program(&state, &caller, &id, &page.page()?).await?,
    ))
}
