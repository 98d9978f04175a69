//! Participants from a spreadsheet (SPEC §5, §6): a coordinator's CSV of people
//! and their roles. All or nothing: every line is checked (against the file and
//! against the program as it is) before anything is written, in one transaction.
//! A person is found by e-mail address: a re-import updates, never duplicates.
//! An address without an account gets one, invited by e-mail to choose a password.
use super::*;
use crate::domain::access::ProgramAct;
use crate::domain::audit::AuditAction;
use crate::domain::enrolment::{may_enrol, NotEnrollable};
use crate::domain::import::{self, LineError, Participant};
use crate::domain::wire::Role;
use crate::email::Recipient;
use crate::service::audit::{self, Object};
use crate::service::{outbox, passwords};
use crate::store::people::{self, ProfileUpdate};
use std::collections::HashMap;

/// Line errors reported at most.
const MAX_ERRORS: usize = 1_000;

/// What an import did, or would do.
#[derive(Debug, Serialize, ToSchema)]
pub struct ImportOut {
    /// People newly enrolled in the program.
    pub created: u64,
    /// People already enrolled, whose details the file updated.
    pub updated: u64,
    /// Every line that is wrong; with any, nothing was imported.
    pub errors: Vec<ImportError>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ImportError {
    /// The line in the file; the header is line 1.
    pub line: u64,
    pub message: String,
}

impl From<LineError> for ImportError {
    fn from(e: LineError) -> Self {
        ImportError {
            line: e.line,
            message: e.message,
        }
    }
}

/// What one line does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum LineAction {
    /// A new account, invited, and enrolled.
    Invite,
    /// An existing account, newly enrolled.
    Enrol,
    /// Already enrolled: details updated.
    Update,
    /// Already enrolled, nothing to change.
    Unchanged,
}

/// One line of a preview.
#[derive(Debug, Clone, Serialize)]
pub struct PreviewLine {
    pub line: u64,
    pub email: String,
    pub name: String,
    pub role: Role,
    pub action: LineAction,
}

/// Whether to write or only look.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Import,
    /// Everything an import does, rolled back: what would be created and changed.
    Preview,
}

/// An import's outcome, with what each line did (for a preview).
pub struct Imported {
    pub out: ImportOut,
    pub lines: Vec<PreviewLine>,
    /// Invitations queued.
    pub invited: u64,
}

fn rejected(errors: Vec<LineError>) -> Imported {
    Imported {
        out: ImportOut {
            created: 0,
            updated: 0,
            errors: errors.into_iter().map(ImportError::from).collect(),
        },
        lines: Vec::new(),
        invited: 0,
    }
}

/// Who runs an import: their id for the audit log, their name for the invitations.
struct Importer<'a> {
    actor_id: &'a str,
    name: &'a str,
}

/// Imports (or previews) a participants CSV into a program (its coordinators).
/// `progress` hears how many lines are done of how many.
pub async fn import(
    state: &AppState,
    caller: &Caller,
    program_id: &str,
    csv: &str,
    mode: Mode,
    progress: &(dyn Fn(u64, u64) + Sync),
) -> AppResult<Imported> {
    let tx = state.store.write().await?;
    let program = store::lock_program(&tx, program_id)
        .await?
        .ok_or(AppError::NotFound("program"))?;
    let record = ProgramRecord {
        coordinators: store::coordinators_of(&tx, program_id).await?,
        program: program.clone(),
    };
    require(&tx, caller, &record, ProgramAct::EnrolOthers).await?;
    let who = Importer {
        actor_id: caller.id(),
        name: caller.name(),
    };
    run(state, tx, program, who, csv, mode, progress).await
}

/// The import of `tandem import`: whoever holds the database runs it; the audit
/// log names the command line. Invitations stay queued for the server's jobs.
pub async fn import_from_shell(
    state: &AppState,
    program_id: &str,
    csv: &str,
    progress: &(dyn Fn(u64, u64) + Sync),
) -> AppResult<Imported> {
    let tx = state.store.write().await?;
    let program = store::lock_program(&tx, program_id)
        .await?
        .ok_or(AppError::NotFound("program"))?;
    let who = Importer {
        actor_id: "cli",
        name: "The program's coordinators",
    };
    run(state, tx, program, who, csv, Mode::Import, progress).await
}

async fn run(
    state: &AppState,
    tx: crate::store::db::WriteTx,
    program: program::Model,
    who: Importer<'_>,
    csv: &str,
    mode: Mode,
    progress: &(dyn Fn(u64, u64) + Sync),
) -> AppResult<Imported> {
    let program_id = program.id.as_str();
    refuse_if_archived(&program)?;
    let (people, mut errors) = import::read(csv, MAX_ERRORS);
    if errors.iter().any(|e| e.line == 1) {
        return Ok(rejected(errors));
    }
    let total = people.len() as u64;
    let emails: Vec<String> = people.iter().map(|p| p.email.clone()).collect();
    let mut users = accounts::users_by_emails(&tx, &emails).await?;
    let enrolments = store::all_enrollments_in(&tx, ProgramId(program_id)).await?;
    let mut roles: HashMap<&str, Vec<Role>> = HashMap::new();
    for e in &enrolments {
        roles.entry(e.user_id.as_str()).or_default().push(e.role);
    }
    // Against the program as it is: a role the program does not allow.
    let mut file_roles: HashMap<&str, Vec<Role>> = HashMap::new();
    for p in &people {
        let mut held: Vec<Role> = users
            .get(&p.email)
            .and_then(|u| roles.get(u.id.as_str()))
            .cloned()
            .unwrap_or_default();
        let in_file = file_roles.entry(p.email.as_str()).or_default();
        held.extend(in_file.iter().copied());
        if !held.contains(&p.role) {
            if let Err(NotEnrollable::OneRoleOnly) = may_enrol(program.kind, &held, p.role) {
                errors.push(LineError {
                    line: p.line,
                    message: format!(
                        "{} is already {} in this program; only peer programs take one person in both roles",
                        p.email,
                        if p.role == Role::Mentor { "a mentee" } else { "a mentor" }
                    ),
                });
            }
        }
        in_file.push(p.role);
        if errors.len() >= MAX_ERRORS {
            break;
        }
    }
    if !errors.is_empty() {
        errors.sort_by_key(|e| e.line);
        errors.truncate(MAX_ERRORS);
        return Ok(rejected(errors));
    }

    let now = state.clock.now();
    let existing_ids: Vec<String> = users.values().map(|u| u.id.clone()).collect();
    let profiles = people::profiles_of(&tx, &existing_ids).await?;
    // New accounts first, all at once (a person twice in the file, in two
    // roles, is one account).
    let mut new_accounts = Vec::new();
    let mut seen_new = std::collections::HashSet::new();
    for p in &people {
        if !users.contains_key(&p.email) && seen_new.insert(p.email.clone()) {
            new_accounts.push(accounts::NewUser {
                email: p.email.clone(),
                name: p.name.clone(),
                password_hash: String::new(),
                is_admin: false,
                calendar_token: crate::secrets::random_token(),
                at: now,
            });
        }
    }
    let made = accounts::insert_users(&tx, new_accounts).await?;
    let invitations: Vec<Recipient> = made
        .iter()
        .map(|u| Recipient {
            user_id: Some(u.id.clone()),
            name: u.name.clone(),
            address: u.email.clone(),
            zone: chrono_tz::Tz::UTC,
        })
        .collect();
    let new_ids: std::collections::HashSet<String> = made.iter().map(|u| u.id.clone()).collect();
    for u in made {
        users.insert(u.email.clone(), u);
    }
    let by_person: HashMap<(&str, Role), &crate::store::entities::enrollment::Model> = enrolments
        .iter()
        .map(|e| ((e.user_id.as_str(), e.role), e))
        .collect();
    let mut lines = Vec::with_capacity(people.len());
    // A file sets the profiles of the accounts it makes and of people already in
    // this program; anyone else's profile is theirs, and stays as they wrote it.
    // A person on two lines (both roles of a peer program) is one update.
    let mut merged: HashMap<String, ProfileUpdate> = HashMap::new();
    for p in &people {
        let user_id = &users[&p.email].id;
        if new_ids.contains(user_id) || roles.contains_key(user_id.as_str()) {
            merged
                .entry(user_id.clone())
                .or_default()
                .merge(profile_update(p));
        }
    }
    let mut profile_changed: HashMap<String, bool> = HashMap::new();
    let mut new_profiles: Vec<(String, ProfileUpdate)> = Vec::new();
    let mut new_enrolments = Vec::new();
    let (mut created, mut updated) = (0u64, 0u64);
    for (done, p) in people.iter().enumerate() {
        let user_id = users[&p.email].id.clone();
        let new_account = new_ids.contains(&user_id);
        let profile_changed = match (profile_changed.get(&user_id), merged.remove(&user_id)) {
            (Some(&changed), _) => changed,
            (None, None) => false,
            (None, Some(update)) => {
                let changed = match profiles.get(&user_id) {
                    Some(existing) => {
                        people::update_profile(&tx, PersonId(&user_id), Some(existing), update, now)
                            .await?
                    }
                    None => {
                        // Written all at once below.
                        new_profiles.push((user_id.clone(), update));
                        !new_account
                    }
                };
                profile_changed.insert(user_id.clone(), changed);
                changed
            }
        };
        let action = match by_person.get(&(user_id.as_str(), p.role)) {
            Some(enrolment) => {
                let changed =
                    store::update_enrollment(&tx, enrolment, p.capacity, p.wants_skills.clone())
                        .await?;
                if changed || profile_changed {
                    updated += 1;
                    LineAction::Update
                } else {
                    LineAction::Unchanged
                }
            }
            None => {
                new_enrolments.push((user_id.clone(), users[&p.email].name.clone(), p));
                created += 1;
                if new_account {
                    LineAction::Invite
                } else {
                    LineAction::Enrol
                }
            }
        };
        lines.push(PreviewLine {
            line: p.line,
            email: p.email.clone(),
            name: p.name.clone(),
            role: p.role,
            action,
        });
        let done = done as u64 + 1;
        if done.is_multiple_of(100) || done == total {
            progress(done, total);
        }
    }
    people::insert_profiles(&tx, new_profiles, now).await?;
    store::insert_enrollments(
        &tx,
        new_enrolments
            .iter()
            .map(|(user_id, name, p)| store::NewEnrollment {
                program: ProgramId(program_id),
                person: PersonId(user_id),
                name,
                role: p.role,
                capacity: p.capacity,
                wants_skills: p.wants_skills.clone().unwrap_or_default(),
                goals_summary: String::new(),
                at: now,
            })
            .collect(),
    )
    .await?;
    let invited = invitations.len() as u64;
    let imported = Imported {
        out: ImportOut {
            created,
            updated,
            errors: Vec::new(),
        },
        lines,
        invited,
    };
    if mode == Mode::Preview {
        // Dropped without a commit: nothing of it is kept.
        return Ok(imported);
    }
    let emails = passwords::invitations(&tx, state, &invitations, who.name, &program.name).await?;
    outbox::queue(&tx, emails, now).await?;
    audit::record(
        &tx,
        state,
        who.actor_id,
        AuditAction::ParticipantsImported,
        Object::Program(program_id),
    )
    .await?;
    tx.commit().await?;
    if created >= REFRESH_STATISTICS_AFTER {
        state
            .store
            .refresh_statistics(&["users", "profiles", "enrollments", "directory_words"])
            .await;
    }
    if invited > 0 {
        // Delivered by the server's background worker beside the answer; what
        // fails stays queued for the jobs.
        state.deliver_soon.notify_one();
    }
    Ok(imported)
}

/// Enrolments an import creates beyond which the database's planner statistics
/// are refreshed at once: a bulk load leaves PostgreSQL planning the directory
/// as if the tables were still small until autovacuum catches up.
const REFRESH_STATISTICS_AFTER: u64 = 1_000;

fn profile_update(p: &Participant) -> ProfileUpdate {
    ProfileUpdate {
        field: p.field.clone(),
        seniority: p.seniority,
        skills: p.skills.clone(),
        languages: p.languages.clone(),
        timezone: p.timezone.clone(),
    }
}
