//! Programs, coordinators, enrolments and the mentor directory.
use super::{created, ApiJson, ApiQuery};
use crate::auth::Caller;
use crate::error::{AppResult, ErrorBody};
use crate::service::mentorships::{self, MentorshipOut};
use crate::service::programs::{
    self, CoordinatorIn, CoordinatorOut, EnrollmentIn, EnrollmentOut, MentorCard, MentorSearch,
    ProgramIn, ProgramOut, ProgramPatch,
};
use crate::service::{Listing, PageQuery};
use crate::AppState;
use axum::extract::{Path, State};
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
}

/// Create a program (instance admin).
#[utoipa::path(post, path = "/api/v1/programs", tag = "programs", security(("bearer" = [])), request_body = ProgramIn,
    responses((status = 201, body = ProgramOut), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn create_program(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(input): ApiJson<ProgramIn>,
) -> AppResult<impl IntoResponse> {
    Ok(created(programs::create(&state, &caller, &input).await?))
}

/// All programs.
#[utoipa::path(get, path = "/api/v1/programs", tag = "programs", security(("bearer" = [])), params(PageQuery),
    responses((status = 200, body = Listing<ProgramOut>)))]
async fn list_programs(
    State(state): State<AppState>,
    _caller: Caller,
    ApiQuery(page): ApiQuery<PageQuery>,
) -> AppResult<Json<Listing<ProgramOut>>> {
    Ok(Json(Listing::paginate(
        programs::list(&state).await?,
        &page.page(),
    )))
}

/// One program.
#[utoipa::path(get, path = "/api/v1/programs/{id}", tag = "programs", security(("bearer" = [])), params(("id" = String, Path)),
    responses((status = 200, body = ProgramOut), (status = 404, body = ErrorBody)))]
async fn get_program(
    State(state): State<AppState>,
    _caller: Caller,
    Path(id): Path<String>,
) -> AppResult<Json<ProgramOut>> {
    Ok(Json(programs::get(&state, &id).await?))
}

/// Change a program (admin or its coordinators); only the given fields change.
#[utoipa::path(patch, path = "/api/v1/programs/{id}", tag = "programs", security(("bearer" = [])), params(("id" = String, Path)),
    request_body = ProgramPatch, responses((status = 200, body = ProgramOut), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
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
    request_body = CoordinatorIn, responses((status = 201, body = CoordinatorOut), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody)))]
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
    request_body = EnrollmentIn, responses((status = 201, body = EnrollmentOut), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
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
    responses((status = 200, body = Listing<EnrollmentOut>), (status = 403, body = ErrorBody)))]
async fn list_enrollments(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    ApiQuery(page): ApiQuery<PageQuery>,
) -> AppResult<Json<Listing<EnrollmentOut>>> {
    Ok(Json(Listing::paginate(
        programs::enrollments(&state, &caller, &id).await?,
        &page.page(),
    )))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct SearchQuery {
    q: Option<String>,
    skill: Option<String>,
    field: Option<String>,
    limit: Option<i64>,
    cursor: Option<String>,
}

/// Search the program's mentors by text, skill and field.
#[utoipa::path(get, path = "/api/v1/programs/{id}/mentors", tag = "finding", security(("bearer" = [])), params(("id" = String, Path), SearchQuery),
    responses((status = 200, body = Listing<MentorCard>), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn search_mentors(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    ApiQuery(q): ApiQuery<SearchQuery>,
) -> AppResult<Json<Listing<MentorCard>>> {
    let search = MentorSearch {
        q: q.q,
        skill: q.skill,
        field: q.field,
    };
    let page = PageQuery {
        limit: q.limit,
        cursor: q.cursor,
    }
    .page();
    Ok(Json(Listing::paginate(
        programs::search_mentors(&state, &caller, &id, &search).await?,
        &page,
    )))
}

/// The program's relationships (coordinators): who, status and dates, never content.
#[utoipa::path(get, path = "/api/v1/programs/{id}/mentorships", tag = "programs", security(("bearer" = [])), params(("id" = String, Path), PageQuery),
    responses((status = 200, body = Listing<MentorshipOut>), (status = 403, body = ErrorBody)))]
async fn program_mentorships(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    ApiQuery(page): ApiQuery<PageQuery>,
) -> AppResult<Json<Listing<MentorshipOut>>> {
    Ok(Json(Listing::paginate(
        mentorships::of_program(&state, &caller, &id).await?,
        &page.page(),
    )))
}
