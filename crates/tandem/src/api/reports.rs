//! A program's report, its CSVs and charts, its check-ins, and the end survey.
use super::{created, ApiJson, ApiQuery};
use crate::error::AppResult;
use crate::http::error::ErrorBody;
use crate::service::accounts::Caller;
use crate::service::checkins::{
    self, AnsweredOut, AnswersIn, CheckinOut, CheckinPlanIn, CheckinPlanOut, SurveyIn, SurveyOut,
};
use crate::service::paging::Listing;
use crate::service::reports::{self, charts, ProgramReport};
use crate::state::AppState;
use axum::extract::{Path, State};
use axum::http::header;
use axum::response::IntoResponse;
use axum::Json;
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(report))
        .routes(routes!(report_csv))
        .routes(routes!(report_svg))
        .routes(routes!(enrolments_csv))
        .routes(routes!(get_checkins, put_checkins))
        .routes(routes!(my_checkins))
        .routes(routes!(answer_checkin))
        .routes(routes!(survey))
}

/// A report file: never kept by a cache, since the figures move with every change.
fn file(body: String, kind: &'static str, name: String) -> impl IntoResponse {
    (
        [(header::CACHE_CONTROL, "no-store")],
        super::file_response(body, kind, &name),
    )
}

/// The program's report (its coordinators): figures, retention, answer times, what
/// to act on and check-in averages; never a text a pair wrote.
#[utoipa::path(get, path = "/api/v1/programs/{id}/report", tag = "reports", security(("bearer" = [])), params(("id" = String, Path)),
    responses((status = 200, body = ProgramReport), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn report(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> AppResult<Json<ProgramReport>> {
    Ok(Json(reports::report(&state, &caller, &id).await?))
}

/// One row per relationship that reached `proposed` or `active`, with names.
#[utoipa::path(get, path = "/api/v1/programs/{id}/report.csv", tag = "reports", security(("bearer" = [])), params(("id" = String, Path)),
    responses((status = 200, content_type = "text/csv", body = String), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn report_csv(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> AppResult<impl IntoResponse> {
    let body = reports::report_csv(&state, &caller, &id).await?;
    Ok(file(
        body,
        "text/csv; charset=utf-8",
        format!("report-{id}.csv"),
    ))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct ChartQuery {
    /// `funnel` (the default), `meetings_per_month`, `health` or `retention`.
    #[param(value_type = Option<crate::domain::wire::Chart>)]
    chart: Option<String>,
}

/// One of the dashboard's charts, drawn on the server.
#[utoipa::path(get, path = "/api/v1/programs/{id}/report.svg", tag = "reports", security(("bearer" = [])), params(("id" = String, Path), ChartQuery),
    responses((status = 200, content_type = "image/svg+xml", body = String), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn report_svg(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    ApiQuery(q): ApiQuery<ChartQuery>,
) -> AppResult<impl IntoResponse> {
    let kind = q.chart.unwrap_or_else(|| "funnel".into());
    let body = charts::report_svg(&state, &caller, &id, &kind).await?;
    Ok(file(body, "image/svg+xml", format!("{kind}.svg")))
}

/// The enrolment list (its coordinators): who, in which role, since when, matched or not.
#[utoipa::path(get, path = "/api/v1/programs/{id}/enrolments.csv", tag = "reports", security(("bearer" = [])), params(("id" = String, Path)),
    responses((status = 200, content_type = "text/csv", body = String), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn enrolments_csv(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> AppResult<impl IntoResponse> {
    let body = reports::enrolments_csv(&state, &caller, &id).await?;
    Ok(file(
        body,
        "text/csv; charset=utf-8",
        format!("enrolments-{id}.csv"),
    ))
}

/// The program's check-ins (its coordinators): no questions while none are set.
#[utoipa::path(get, path = "/api/v1/programs/{id}/checkins", tag = "checkins", security(("bearer" = [])), params(("id" = String, Path)),
    responses((status = 200, body = CheckinPlanOut), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn get_checkins(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> AppResult<Json<CheckinPlanOut>> {
    Ok(Json(checkins::plan_or_none(&state, &caller, &id).await?))
}

/// Set the program's check-ins: first after `first_after_days` (default 30), then every
/// `every_days`; questions of kind `scale` (1–5) or `text`. Answers with the question ids.
#[utoipa::path(put, path = "/api/v1/programs/{id}/checkins", tag = "checkins", security(("bearer" = [])), params(("id" = String, Path)),
    request_body = CheckinPlanIn,
    responses((status = 200, body = CheckinPlanOut), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn put_checkins(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<CheckinPlanIn>,
) -> AppResult<Json<CheckinPlanOut>> {
    Ok(Json(
        checkins::put_plan(&state, &caller, &id, &input).await?,
    ))
}

/// The check-ins due for you, soonest first.
#[utoipa::path(get, path = "/api/v1/me/checkins", tag = "checkins", security(("bearer" = [])),
    responses((status = 200, body = Listing<CheckinOut>)))]
async fn my_checkins(
    State(state): State<AppState>,
    caller: Caller,
) -> AppResult<Json<Listing<CheckinOut>>> {
    Ok(Json(Listing::whole(checkins::mine(&state, &caller).await?)))
}

/// Answer one of your check-ins (once; a second time: 409). The program's
/// coordinators see averages, and texts only pooled from five answers on, never
/// with your name or your pair.
#[utoipa::path(post, path = "/api/v1/checkins/{id}/answers", tag = "checkins", security(("bearer" = [])), params(("id" = String, Path)),
    request_body = AnswersIn,
    responses((status = 201, body = AnsweredOut), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn answer_checkin(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<AnswersIn>,
) -> AppResult<impl IntoResponse> {
    Ok(created(
        checkins::answer(&state, &caller, &id, &input).await?,
    ))
}

/// The end survey of a completed or ended mentorship (each participant once).
#[utoipa::path(post, path = "/api/v1/mentorships/{id}/survey", tag = "mentorships", security(("bearer" = [])), params(("id" = String, Path)),
    request_body = SurveyIn,
    responses((status = 201, body = SurveyOut), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn survey(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<SurveyIn>,
) -> AppResult<impl IntoResponse> {
    Ok(created(
        checkins::survey(&state, &caller, &id, &input).await?,
    ))
}
