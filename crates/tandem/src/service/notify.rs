//! Who e-mails go to, and which e-mails each person gets (`GET|PUT
//! /me/notifications`): every kind a person may turn off, on unless they did.
use crate::domain::wire::Notification;
use crate::email::Recipient;
use crate::error::{AppError, AppResult};
use crate::service::accounts::Caller;
use crate::state::AppState;
use crate::store::db::Connection;
use crate::store::notices as store;
use crate::store::records::MentorshipRecord;
use chrono_tz::Tz;
use std::collections::{BTreeMap, HashMap};

/// The accounts with these ids as their e-mails address them, by id; an id
/// without an account is left out.
pub async fn recipients(
    db: &impl Connection,
    ids: &[&str],
) -> AppResult<HashMap<String, Recipient>> {
    Ok(store::recipients(db, ids)
        .await?
        .into_iter()
        .map(|r| {
            let zone = r
                .timezone
                .as_deref()
                .and_then(|z| z.parse::<Tz>().ok())
                .unwrap_or(Tz::UTC);
            let recipient = Recipient {
                user_id: Some(r.id.clone()),
                name: r.name,
                address: r.email,
                zone,
            };
            (r.id, recipient)
        })
        .collect())
}

/// The participants of a relationship as its e-mails address them, but for
/// `except` (the person whose action the e-mail tells of), in the record's order.
pub async fn participants_but(
    db: &impl Connection,
    r: &MentorshipRecord,
    except: Option<&str>,
) -> AppResult<Vec<Recipient>> {
    let ids: Vec<&str> = r.participant_ids();
    Ok(participants_among(&recipients(db, &ids).await?, r, except))
}

/// Everyone in these relationships as their e-mails address them, read at once
/// (a job's batch), for `participants_among`.
pub async fn participants_of_all(
    db: &impl Connection,
    records: &[&MentorshipRecord],
) -> AppResult<HashMap<String, Recipient>> {
    let ids: Vec<&str> = records.iter().flat_map(|r| r.participant_ids()).collect();
    recipients(db, &ids).await
}

/// `participants_but`, from the recipients already read.
pub fn participants_among(
    people: &HashMap<String, Recipient>,
    r: &MentorshipRecord,
    except: Option<&str>,
) -> Vec<Recipient> {
    r.participant_ids()
        .into_iter()
        .filter(|id| Some(*id) != except)
        .filter_map(|id| people.get(id).cloned())
        .collect()
}

/// An absolute link to a page: `path` starts with `/`.
pub fn link(state: &AppState, path: &str) -> String {
    format!("{}{path}", state.config.base_url.trim_end_matches('/'))
}

/// One account as its e-mails address it.
pub async fn recipient(db: &impl Connection, id: &str) -> AppResult<Option<Recipient>> {
    Ok(recipients(db, &[id]).await?.remove(id))
}

/// Every kind of e-mail a person may turn off, and whether they get it.
pub type Settings = BTreeMap<Notification, bool>;

pub async fn settings(state: &AppState, caller: &Caller) -> AppResult<Settings> {
    let muted = store::muted_of(state.store.read(), caller.person()).await?;
    Ok(Notification::ALL
        .iter()
        .map(|&kind| (kind, !muted.contains(kind.as_str())))
        .collect())
}

/// Changes the kinds named (the others stay as they are); a name that is no kind
/// of e-mail one may turn off is refused, naming it.
pub async fn change_settings(
    state: &AppState,
    caller: &Caller,
    changes: &BTreeMap<String, serde_json::Value>,
) -> AppResult<Settings> {
    let mut problems = BTreeMap::new();
    let mut parsed = Vec::new();
    for (name, value) in changes {
        match (Notification::parse(name), value.as_bool()) {
            (Ok(kind), Some(on)) => parsed.push((kind, on)),
            (Err(_), _) => {
                problems.insert(
                    name.clone(),
                    format!(
                        "is no e-mail you can turn off; these are: {}",
                        Notification::wire_names()
                    ),
                );
            }
            (Ok(_), None) => {
                problems.insert(name.clone(), "must be true or false".into());
            }
        }
    }
    if !problems.is_empty() {
        return Err(AppError::Validation(problems));
    }
    let tx = state.store.write().await?;
    for (kind, on) in parsed {
        store::set_notification(&tx, caller.person(), kind, on).await?;
    }
    tx.commit().await?;
    settings(state, caller).await
}
