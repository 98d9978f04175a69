//! Participants from a spreadsheet, as pages: upload a CSV, see what it would
//! create and change (or every wrong line), then confirm. And archiving.
use crate::domain::access::ProgramAct;
use crate::domain::import::COLUMNS;
use crate::error::AppError;
use crate::http::csrf;
use crate::service::programs::import::{self, LineAction, Mode, PreviewLine};
use crate::service::programs::{self, ProgramPatch};
use crate::state::AppState;
use crate::web::{back_with_error, bare_error, done, ok, render, CsrfForm, Member, Page, WebError};
use askama::Template;
use axum::extract::{FromRequest, Multipart, Path, Request, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

/// Lines a preview shows; the counts cover them all.
const PREVIEW_LINES: usize = 200;

#[derive(Template)]
#[template(path = "import.html")]
struct ImportPage {
    page: Page,
    program_id: String,
    program_name: String,
    columns: String,
}

pub async fn import_page(
    State(state): State<AppState>,
    me: Member,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let record = programs::program_for(&state, &me.caller, &id, ProgramAct::EnrolOthers)
        .await
        .map_err(me.fail())?;
    Ok(ok(&ImportPage {
        page: me.page("Import participants", "programs"),
        program_id: id,
        program_name: record.program.name.clone(),
        columns: COLUMNS.join(","),
    }))
}

/// An uploaded file (or pasted text) from a form whose CSRF token holds: a
/// multipart form with `file` or `csv`, or a plain one with `csv`.
pub struct Upload(pub String);

impl FromRequest<AppState> for Upload {
    type Rejection = Response;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, Self::Rejection> {
        let headers = req.headers().clone();
        let multipart = headers
            .get(axum::http::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("multipart/form-data"));
        if !multipart {
            let CsrfForm(form) = CsrfForm::<ConfirmForm>::from_request(req, state).await?;
            return Ok(Upload(form.csv));
        }
        let unreadable = || bare_error(StatusCode::BAD_REQUEST, "The upload could not be read.");
        let mut form = Multipart::from_request(req, state)
            .await
            .map_err(|_| unreadable())?;
        let (mut token, mut file, mut pasted) = (String::new(), String::new(), String::new());
        while let Some(field) = form.next_field().await.map_err(|_| unreadable())? {
            let name = field.name().unwrap_or_default().to_string();
            let bytes = field.bytes().await.map_err(|_| unreadable())?;
            let text = String::from_utf8(bytes.to_vec()).map_err(|_| {
                bare_error(
                    StatusCode::BAD_REQUEST,
                    "The file is not UTF-8 text; save the spreadsheet as “CSV UTF-8” and try again.",
                )
            })?;
            match name.as_str() {
                "csrf" => token = text,
                "file" => file = text,
                "csv" => pasted = text,
                _ => {}
            }
        }
        if !csrf::holds(&headers, &token, &state.config) {
            return Err(bare_error(
                StatusCode::FORBIDDEN,
                "This form expired or did not come from Tandem. Go back, reload the page and try again.",
            ));
        }
        if file.contains('\0') || pasted.contains('\0') {
            return Err(bare_error(
                StatusCode::BAD_REQUEST,
                "The file holds a NUL character, which no text may hold.",
            ));
        }
        Ok(Upload(if file.trim().is_empty() { pasted } else { file }))
    }
}

struct LineView {
    line: u64,
    name: String,
    email: String,
    role: String,
    action: &'static str,
}

impl From<&PreviewLine> for LineView {
    fn from(l: &PreviewLine) -> Self {
        LineView {
            line: l.line,
            name: l.name.clone(),
            email: l.email.clone(),
            role: l.role.as_str().to_string(),
            action: match l.action {
                LineAction::Invite => "new account, invited by e-mail",
                LineAction::Enrol => "enrolled",
                LineAction::Update => "details updated",
                LineAction::Unchanged => "no change",
            },
        }
    }
}

#[derive(Template)]
#[template(path = "import_preview.html")]
struct PreviewPage {
    page: Page,
    program_id: String,
    program_name: String,
    created: u64,
    updated: u64,
    invited: u64,
    total: usize,
    lines: Vec<LineView>,
    errors: Vec<(u64, String)>,
    csv: String,
}

pub async fn preview(
    State(state): State<AppState>,
    me: Member,
    Path(id): Path<String>,
    req: Request,
) -> Result<Response, WebError> {
    // Who may is decided before the upload is read.
    let record = programs::program_for(&state, &me.caller, &id, ProgramAct::EnrolOthers)
        .await
        .map_err(me.fail())?;
    let csv = match Upload::from_request(req, &state).await {
        Ok(Upload(csv)) => csv,
        Err(refused) => return Ok(refused),
    };
    let done = import::import(&state, &me.caller, &id, &csv, Mode::Preview, &|_, _| {})
        .await
        .map_err(me.fail())?;
    let status = if done.out.errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    Ok(render(
        status,
        &PreviewPage {
            page: me.page("Check the import", "programs"),
            program_id: id,
            program_name: record.program.name.clone(),
            created: done.out.created,
            updated: done.out.updated,
            invited: done.invited,
            total: done.lines.len(),
            lines: done
                .lines
                .iter()
                .take(PREVIEW_LINES)
                .map(LineView::from)
                .collect(),
            errors: done
                .out
                .errors
                .into_iter()
                .map(|e| (e.line, e.message))
                .collect(),
            csv,
        },
    ))
}

#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct ConfirmForm {
    csv: String,
}

pub async fn confirm(
    State(state): State<AppState>,
    me: Member,
    Path(id): Path<String>,
    CsrfForm(form): CsrfForm<ConfirmForm>,
) -> Result<Response, WebError> {
    let back = format!("/programs/{id}/import");
    let done_ =
        match import::import(&state, &me.caller, &id, &form.csv, Mode::Import, &|_, _| {}).await {
            Ok(d) => d,
            Err(err) => return Ok(back_with_error(&state, &back, err, me.fail())),
        };
    if let Some(first) = done_.out.errors.first() {
        // The program changed since the preview.
        return Ok(back_with_error(
            &state,
            &back,
            AppError::unprocessable(
                "import_failed",
                format!(
                    "nothing was imported: line {}: {} ({} line(s) wrong in all)",
                    first.line,
                    first.message,
                    done_.out.errors.len()
                ),
            ),
            me.fail(),
        ));
    }
    Ok(done(
        &state,
        &format!("/programs/{id}/enrollments"),
        format!(
            "Imported: {} enrolled, {} updated, {} invited by e-mail.",
            done_.out.created, done_.out.updated, done_.invited
        ),
    ))
}

#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct ArchiveForm {
    archived: bool,
    confirm: String,
}

pub async fn archive(
    State(state): State<AppState>,
    me: Member,
    Path(id): Path<String>,
    CsrfForm(form): CsrfForm<ArchiveForm>,
) -> Result<Response, WebError> {
    let back = format!("/programs/{id}");
    // Who may is decided before the form's confirmation is read.
    programs::program_for(&state, &me.caller, &id, ProgramAct::Edit)
        .await
        .map_err(me.fail())?;
    if form.archived && form.confirm != "yes" {
        return Ok(back_with_error(
            &state,
            &back,
            AppError::unprocessable(
                "confirmation_required",
                "nothing changed: tick the box to confirm the archiving",
            ),
            me.fail(),
        ));
    }
    let patch = ProgramPatch {
        archived: Some(form.archived),
        ..Default::default()
    };
    Ok(
        match programs::patch(&state, &me.caller, &id, &patch).await {
            Ok(p) if p.archived => done(&state, &back, "The program is archived."),
            Ok(_) => done(&state, &back, "The program is restored."),
            Err(err) => back_with_error(&state, &back, err, me.fail()),
        }
        .into_response(),
    )
}
