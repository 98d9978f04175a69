//! Reminders: to a mentor whose request has waited half its time, to both sides
//! within the 24 hours before a meeting, and to an action item's owner the day
//! before it is due. Each is claimed under a key naming what it reminds of (and
//! when, so a meeting moved or an item given a new date is reminded of again).
use super::BATCH;
use crate::domain::wire::MentorshipStatus as S;
use crate::email::kinds;
use crate::error::AppResult;
use crate::service::mentorships::{others_of, request_reminder};
use crate::service::relationship::status_of;
use crate::service::{notify, outbox};
use crate::state::AppState;
use crate::store::{jobs, jobs as store_jobs, notices};
use chrono::{Duration, SecondsFormat};
use std::collections::HashMap;

/// Mentors whose request has waited half of its time without an answer.
pub async fn requests(state: &AppState) -> AppResult<usize> {
    let now = state.clock.now();
    let waiting = jobs::waiting_requests(state.store.read(), None, now).await?;
    let due: Vec<_> = waiting
        .into_iter()
        .filter(|r| match r.m.expires_at {
            Some(expires) => now >= r.m.created_at + (expires - r.m.created_at) / 2,
            None => false,
        })
        .collect();
    {
        let mut total = 0;
        for chunk in due.chunks(BATCH) {
            total += async {
                let tx = state.store.write().await?;
                let keys: Vec<String> = chunk
                    .iter()
                    .map(|r| format!("request_reminder:{}", r.m.id))
                    .collect();
                let claimed = notices::claim(&tx, &keys, now).await?;
                let mentors: Vec<&str> = chunk
                    .iter()
                    .filter_map(|r| r.m.mentor_id.as_deref())
                    .collect();
                let people = notify::recipients(&tx, &mentors).await?;
                let mut emails = Vec::new();
                for (r, key) in chunk.iter().zip(&keys) {
                    let to = r.m.mentor_id.as_deref().and_then(|m| people.get(m));
                    if let (true, Some(to)) = (claimed.contains(key), to) {
                        emails.push(request_reminder(state, r, to)?);
                    }
                }
                outbox::queue(&tx, emails, now).await?;
                tx.commit().await?;
                AppResult::Ok(claimed.len())
            }
            .await?;
        }
        Ok(total)
    }
}

/// Participants of meetings that start within the next 24 hours.
pub async fn meetings(state: &AppState) -> AppResult<usize> {
    let now = state.clock.now();
    let soon = jobs::meetings_starting(state.store.read(), now, now + Duration::hours(24)).await?;
    {
        let mut total = 0;
        for chunk in soon.chunks(BATCH) {
            total += async {
                let tx = state.store.write().await?;
                let ids: Vec<String> = chunk.iter().map(|m| m.mentorship_id.clone()).collect();
                let records: HashMap<String, _> = store_jobs::with_members_many(&tx, &ids)
                    .await?
                    .into_iter()
                    .map(|r| (r.m.id.clone(), r))
                    .collect();
                // Only meetings of running relationships are reminded of.
                let running: Vec<_> = chunk
                    .iter()
                    .filter(|m| {
                        records
                            .get(&m.mentorship_id)
                            .is_some_and(|r| status_of(r, now) == S::Active)
                    })
                    .collect();
                let keys: Vec<String> = running
                    .iter()
                    .map(|m| {
                        let at = m.starts_at.to_rfc3339_opts(SecondsFormat::Secs, true);
                        format!("meeting_reminder:{}:{at}", m.id)
                    })
                    .collect();
                let claimed = notices::claim(&tx, &keys, now).await?;
                let held: Vec<_> = running
                    .iter()
                    .zip(&keys)
                    .filter(|(_, key)| claimed.contains(*key))
                    .map(|(m, _)| &records[&m.mentorship_id])
                    .collect();
                let people = notify::participants_of_all(&tx, &held).await?;
                let mut emails = Vec::new();
                for (m, key) in running.iter().zip(&keys) {
                    if !claimed.contains(key) {
                        continue;
                    }
                    let r = &records[&m.mentorship_id];
                    let link = notify::link(state, &format!("/meetings/{}", m.id));
                    for to in notify::participants_among(&people, r, None) {
                        let (when, short_when) = to.when(m.starts_at);
                        let id = to.user_id.as_deref().unwrap_or_default();
                        let letter = kinds::MeetingReminder {
                            to: &to.name,
                            other: &others_of(r, id),
                            when,
                            short_when,
                            minutes: m.duration_minutes,
                            place: &m.location,
                            link: &link,
                        };
                        emails.push(kinds::compose(&letter, &to, &state.config.base_url, None)?);
                    }
                }
                outbox::queue(&tx, emails, now).await?;
                tx.commit().await?;
                AppResult::Ok(claimed.len())
            }
            .await?;
        }
        Ok(total)
    }
}

/// Owners of action items due today or tomorrow, told once per due day.
pub async fn action_items(state: &AppState) -> AppResult<usize> {
    let now = state.clock.now();
    let today = now.date_naive();
    let due = jobs::items_due(state.store.read(), today, today + Duration::days(1)).await?;
    {
        let mut total = 0;
        for chunk in due.chunks(BATCH) {
            total += async {
                let tx = state.store.write().await?;
                let ids: Vec<String> = chunk.iter().map(|i| i.mentorship_id.clone()).collect();
                let records: HashMap<String, _> = store_jobs::with_members_many(&tx, &ids)
                    .await?
                    .into_iter()
                    .map(|r| (r.m.id.clone(), r))
                    .collect();
                let running: Vec<_> = chunk
                    .iter()
                    .filter(|i| {
                        records.get(&i.mentorship_id).is_some_and(|r| {
                            status_of(r, now) == S::Active
                                && i.owner_id
                                    .as_deref()
                                    .is_some_and(|o| r.participant_ids().contains(&o))
                        })
                    })
                    .collect();
                let keys: Vec<String> = running
                    .iter()
                    .map(|i| {
                        let day = i.due_on.map(|d| d.to_string()).unwrap_or_default();
                        format!("action_item_due:{}:{day}", i.id)
                    })
                    .collect();
                let claimed = notices::claim(&tx, &keys, now).await?;
                let owners: Vec<&str> = running
                    .iter()
                    .filter_map(|i| i.owner_id.as_deref())
                    .collect();
                let people = notify::recipients(&tx, &owners).await?;
                let mut emails = Vec::new();
                for (item, key) in running.iter().zip(&keys) {
                    let (Some(owner), Some(due_on)) = (item.owner_id.as_deref(), item.due_on)
                    else {
                        continue;
                    };
                    let Some(to) = people.get(owner).filter(|_| claimed.contains(key)) else {
                        continue;
                    };
                    let r = &records[&item.mentorship_id];
                    let local_today = now.with_timezone(&to.zone).date_naive();
                    let when = if due_on <= local_today {
                        "today"
                    } else if due_on == local_today + Duration::days(1) {
                        "tomorrow"
                    } else {
                        "on"
                    };
                    let letter = kinds::ActionItemDue {
                        to: &to.name,
                        other: &others_of(r, owner),
                        day: format!("{when}, {}", to.day(due_on)),
                        link: &notify::link(state, &format!("/meetings/{}", item.meeting_id)),
                    };
                    emails.push(kinds::compose(&letter, to, &state.config.base_url, None)?);
                }
                outbox::queue(&tx, emails, now).await?;
                tx.commit().await?;
                AppResult::Ok(claimed.len())
            }
            .await?;
        }
        Ok(total)
    }
}
