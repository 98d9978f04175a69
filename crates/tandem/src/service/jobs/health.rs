//! Health alerts and weekly digests. Every active relationship's health is
//! decided from facts read in one statement. Its participants are told when it
//! becomes at risk, or stalls (`store::notices::record_health` is the claim: only
//! the transaction that changes the recorded health sends); a relationship back
//! on track is forgotten, so a new decline alerts again. Each program's
//! coordinators get, once a week (from Monday 08:00 UTC), the list of its
//! relationships that are not on track: names, health and reasons, nothing they
//! wrote.
use super::BATCH;
use crate::domain::progress::{health, reason_words, HealthFacts};
use crate::domain::wire::{Health, HealthReason, MentorshipStatus as S};
use crate::email::kinds::{self, DigestPair};
use crate::error::AppResult;
use crate::service::mentorships::others_of;
use crate::service::{notify, outbox};
use crate::state::AppState;
use crate::store::reports::{each_relationship_facts, FactsRow, Scope};
use crate::store::{jobs as store_jobs, notices, programs};
use chrono::{DateTime, Datelike, Duration, NaiveTime, Utc};
use std::collections::{BTreeMap, HashMap};

/// One relationship not on track.
struct Trouble {
    row: FactsRow,
    health: Health,
    reasons: Vec<HealthReason>,
}

fn decide(row: FactsRow, now: DateTime<Utc>) -> Option<Trouble> {
    let facts = HealthFacts {
        now,
        status: S::Active,
        started_at: row.started_at,
        cadence_days: row.cadence_days,
        last_held_at: row.last_held_at,
        overdue_action_items: row.overdue_action_items.max(0) as u64,
        average_rating: (row.ratings > 0)
            .then(|| (row.rating_sum as f64 / row.ratings as f64 * 100.0).round() / 100.0),
        agreement_signed: row.agreement_signed,
    };
    let (health, reasons) = health(&facts);
    (health != Health::OnTrack).then_some(Trouble {
        row,
        health,
        reasons,
    })
}

pub async fn alerts_and_digests(state: &AppState) -> AppResult<(usize, usize)> {
    let now = state.clock.now();
    let db = state.store.read();
    // Only those not on track are kept, as the rows arrive.
    let mut troubles: Vec<Trouble> = Vec::new();
    each_relationship_facts(db, Scope::Active, now, |row| {
        troubles.extend(decide(row, now));
    })
    .await?;
    let alerted = notices::alerted_healths(db).await?;
    // Back on track, or no longer running: forget, so that a new decline alerts.
    let current: HashMap<&str, Health> = troubles
        .iter()
        .map(|t| (t.row.mentorship_id.as_str(), t.health))
        .collect();
    let recovered: Vec<String> = alerted
        .keys()
        .filter(|id| !current.contains_key(id.as_str()))
        .cloned()
        .collect();
    if !recovered.is_empty() {
        let tx = state.store.write().await?;
        notices::forget_health(&tx, &recovered).await?;
        tx.commit().await?;
    }
    // New, or changed: at risk → stalled alerts; stalled → at risk is recorded quietly.
    let changed: Vec<&Trouble> = troubles
        .iter()
        .filter(|t| alerted.get(&t.row.mentorship_id) != Some(&t.health))
        .collect();
    let alerts = {
        let mut total = 0;
        for chunk in changed.chunks(BATCH) {
            total += async {
                let tx = state.store.write().await?;
                let healths: Vec<(String, Health)> = chunk
                    .iter()
                    .map(|t| (t.row.mentorship_id.clone(), t.health))
                    .collect();
                let claimed = notices::record_health(&tx, &healths, now).await?;
                let ids: Vec<String> = chunk
                    .iter()
                    .filter(|t| claimed.contains(&t.row.mentorship_id))
                    .filter(|t| {
                        t.health == Health::Stalled || !alerted.contains_key(&t.row.mentorship_id)
                    })
                    .map(|t| t.row.mentorship_id.clone())
                    .collect();
                let records = store_jobs::with_members_many(&tx, &ids).await?;
                let by_id: HashMap<&str, &Trouble> = chunk
                    .iter()
                    .map(|t| (t.row.mentorship_id.as_str(), *t))
                    .collect();
                let people =
                    notify::participants_of_all(&tx, &records.iter().collect::<Vec<_>>()).await?;
                let mut emails = Vec::new();
                for r in &records {
                    let t = by_id[r.m.id.as_str()];
                    let reasons: Vec<String> = t
                        .reasons
                        .iter()
                        .map(|&reason| capitalise(&reason_words(reason, t.row.cadence_days)))
                        .collect();
                    let reasons: Vec<&str> = reasons.iter().map(String::as_str).collect();
                    let link = notify::link(state, &format!("/mentorships/{}", r.m.id));
                    for to in notify::participants_among(&people, r, None) {
                        let id = to.user_id.as_deref().unwrap_or_default();
                        let letter = kinds::HealthAlert {
                            to: &to.name,
                            other: &others_of(r, id),
                            stalled: t.health == Health::Stalled,
                            reasons: reasons.clone(),
                            link: &link,
                        };
                        emails.push(kinds::compose(&letter, &to, &state.config.base_url, None)?);
                    }
                }
                outbox::queue(&tx, emails, now).await?;
                tx.commit().await?;
                AppResult::Ok(records.len())
            }
            .await?;
        }
        total
    };
    let digests = digests(state, &troubles, now).await?;
    Ok((alerts, digests))
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(first) => first.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

/// The ISO week `now` is in, once it is past Monday 08:00 UTC: "2027-W09".
fn digest_week(now: DateTime<Utc>) -> Option<String> {
    let week = now.iso_week();
    let monday = now.date_naive() - Duration::days(i64::from(now.weekday().num_days_from_monday()));
    let opens = monday.and_time(NaiveTime::from_hms_opt(8, 0, 0)?).and_utc();
    (now >= opens).then(|| format!("{}-W{:02}", week.year(), week.week()))
}

/// Each program's coordinators, once a week, the relationships not on track.
async fn digests(state: &AppState, troubles: &[Trouble], now: DateTime<Utc>) -> AppResult<usize> {
    let Some(week) = digest_week(now) else {
        return Ok(0);
    };
    let mut by_program: BTreeMap<&str, Vec<&Trouble>> = BTreeMap::new();
    for t in troubles {
        by_program
            .entry(t.row.program_id.as_str())
            .or_default()
            .push(t);
    }
    let mut sent = 0;
    for (program_id, list) in by_program {
        let tx = state.store.write().await?;
        let Some(program) = programs::program_by_id(&tx, program_id).await? else {
            continue;
        };
        let coordinators = programs::coordinators_of(&tx, program_id).await?;
        let keys: Vec<String> = coordinators
            .iter()
            .map(|c| format!("weekly_digest:{program_id}:{}:{week}", c.id))
            .collect();
        let claimed = notices::claim(&tx, &keys, now).await?;
        if claimed.is_empty() {
            continue;
        }
        let ids: Vec<String> = list.iter().map(|t| t.row.mentorship_id.clone()).collect();
        let records = store_jobs::with_members_many(&tx, &ids).await?;
        let health_of: HashMap<&str, &Trouble> = list
            .iter()
            .map(|t| (t.row.mentorship_id.as_str(), *t))
            .collect();
        let ids: Vec<&str> = coordinators.iter().map(|c| c.id.as_str()).collect();
        let people = notify::recipients(&tx, &ids).await?;
        let link = notify::link(state, &format!("/programs/{program_id}/dashboard"));
        let mut emails = Vec::new();
        for (c, key) in coordinators.iter().zip(&keys) {
            let Some(to) = people.get(&c.id).filter(|_| claimed.contains(key)) else {
                continue;
            };
            let pairs: Vec<DigestPair> = records
                .iter()
                .map(|r| {
                    let t = health_of[r.m.id.as_str()];
                    DigestPair {
                        names: others_of(r, ""),
                        health: if t.health == Health::Stalled {
                            "stalled"
                        } else {
                            "at risk"
                        },
                        reasons: t
                            .reasons
                            .iter()
                            .map(|&reason| reason_words(reason, t.row.cadence_days))
                            .collect::<Vec<_>>()
                            .join("; "),
                    }
                })
                .collect();
            let letter = kinds::WeeklyDigest {
                to: &to.name,
                program: &program.name,
                count: pairs.len(),
                pairs,
                link: &link,
            };
            emails.push(kinds::compose(&letter, to, &state.config.base_url, None)?);
            sent += 1;
        }
        outbox::queue(&tx, emails, now).await?;
        tx.commit().await?;
    }
    Ok(sent)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn the_digest_week_opens_on_monday_at_eight() {
        let sunday = Utc.with_ymd_and_hms(2027, 3, 7, 23, 0, 0).unwrap();
        let monday_early = Utc.with_ymd_and_hms(2027, 3, 8, 7, 59, 59).unwrap();
        let monday = Utc.with_ymd_and_hms(2027, 3, 8, 8, 0, 0).unwrap();
        let friday = Utc.with_ymd_and_hms(2027, 3, 12, 17, 0, 0).unwrap();
        assert_eq!(digest_week(sunday).as_deref(), Some("2027-W09"));
        assert_eq!(digest_week(monday_early), None);
        assert_eq!(digest_week(monday).as_deref(), Some("2027-W10"));
        assert_eq!(digest_week(friday).as_deref(), Some("2027-W10"));
    }
}
