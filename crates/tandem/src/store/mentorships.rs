//! Requests and relationships with their members, agreements and reflections.
//! A request whose time ran out counts as expired in every query here from that
//! moment; the background job writes the status down later.
use super::cache::through;
use super::db::Store;
use super::entities::{
    agreement, agreement_signature, mentorship, mentorship_mentee, program, reflection, user,
};
use super::records::{MentorshipPage, MentorshipRecord, Seat};
use super::sealed::{row_of, Sealed};
use super::sql::{after_desc, col, model, put, rows, select_prefixed, update_changed, IN_CHUNK};
use crate::domain::ids::{MentorshipId, Pairing, PersonId, ProgramId};
use crate::domain::wire::{EndReason, MentorshipStatus as S, Origin};
use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Alias, Expr, ExprTrait, Func, JoinType, Order, Query, SelectStatement};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, IntoActiveModel,
    QueryFilter, QueryOrder, QuerySelect,
};
use std::sync::Arc;

/// `m.status` as of `now`, for conditions: a request past its expiry is not open.
fn status_is(status: S, now: DateTime<Utc>) -> Expr {
    match status {
        S::Expired => col("m", "status").eq(S::Expired).or(col("m", "status")
            .eq(S::Requested)
            .and(col("m", "expires_at").lte(now))),
        S::Requested => col("m", "status").eq(S::Requested).and(
            col("m", "expires_at")
                .is_null()
                .or(col("m", "expires_at").gt(now)),
        ),
        other => col("m", "status").eq(other),
    }
}

/// Open as of `now`: requested (and not yet expired), proposed, active or paused.
fn is_open(now: DateTime<Utc>) -> Expr {
    col("m", "status")
        .is_in([S::Proposed, S::Active, S::Paused])
        .or(status_is(S::Requested, now))
}

/// Ids of the mentorships in which `person` is a mentee.
fn seats_of(person: &str) -> SelectStatement {
    let mut q = Query::select();
    q.column(mentorship_mentee::Column::MentorshipId)
        .from(mentorship_mentee::Entity)
        .and_where(Expr::col(mentorship_mentee::Column::MenteeId).eq(person));
    q
}

/// Ids of the mentorships in which `person` takes part, as mentor or mentee.
pub(super) fn ids_involving(person: &str) -> SelectStatement {
    let mut q = Query::select();
    q.column(mentorship::Column::Id)
        .from(mentorship::Entity)
        .and_where(
            Expr::col(mentorship::Column::MentorId)
                .eq(person)
                .or(Expr::col(mentorship::Column::Id).in_subquery(seats_of(person))),
        );
    q
}

/// Mentorships `m` in which `person` takes part, as mentor or mentee.
fn involving(person: &str) -> Expr {
    col("m", "mentor_id")
        .eq(person)
        .or(col("m", "id").in_subquery(seats_of(person)))
}

/// Mentorships joined with their program's name and kind and their members' names:
/// one row per mentee (or one row when none is left).
pub(super) fn record_query() -> SelectStatement {
    let mut q = Query::select();
    q.from_as(mentorship::Entity, Alias::new("m"))
        .join_as(
            JoinType::InnerJoin,
            program::Entity,
            Alias::new("p"),
            col("p", "id").equals((Alias::new("m"), Alias::new("program_id"))),
        )
        .join_as(
            JoinType::LeftJoin,
            user::Entity,
            Alias::new("mu"),
            col("mu", "id").equals((Alias::new("m"), Alias::new("mentor_id"))),
        )
        .join_as(
            JoinType::LeftJoin,
            mentorship_mentee::Entity,
            Alias::new("mm"),
            col("mm", "mentorship_id").equals((Alias::new("m"), Alias::new("id"))),
        )
        .join_as(
            JoinType::LeftJoin,
            user::Entity,
            Alias::new("eu"),
            col("eu", "id").equals((Alias::new("mm"), Alias::new("mentee_id"))),
        )
        .expr_as(col("p", "name"), Alias::new("program_name"))
        .expr_as(col("p", "kind"), Alias::new("program_kind"))
        .expr_as(col("mu", "name"), Alias::new("mentor_name"))
        .expr_as(col("mm", "id"), Alias::new("seat_id"))
        .expr_as(col("mm", "mentee_id"), Alias::new("seat_mentee_id"))
        .expr_as(col("mm", "accepted"), Alias::new("seat_accepted"))
        .expr_as(col("mm", "joined_at"), Alias::new("seat_joined_at"))
        .expr_as(col("eu", "name"), Alias::new("seat_name"));
    select_prefixed::<mentorship::Entity>(&mut q, "m", "m_");
    q
}

/// Folds the joined rows into records, in the order the mentorships first appear.
pub(super) fn records(found: Vec<sea_orm::QueryResult>) -> Result<Vec<MentorshipRecord>, DbErr> {
    let mut out: Vec<MentorshipRecord> = Vec::new();
    for row in found {
        let id: String = row.try_get("", "m_id")?;
        if out.last().map(|r| r.m.id != id).unwrap_or(true) {
            out.push(MentorshipRecord {
                m: model::<mentorship::Entity>(&row, "m_")
                    .map_err(|e| DbErr::Type(format!("mentorship {id}: {e}")))?,
                program_name: row.try_get("", "program_name")?,
                program_kind: row
                    .try_get("", "program_kind")
                    .map_err(|e| DbErr::Type(format!("the program of mentorship {id}: {e}")))?,
                mentor_name: row.try_get("", "mentor_name")?,
                mentees: Vec::new(),
            });
        }
        let seat_id: Option<String> = row.try_get("", "seat_id")?;
        if let (Some(row_id), Some(last)) = (seat_id, out.last_mut()) {
            last.mentees.push(Seat {
                row_id,
                mentee_id: row.try_get("", "seat_mentee_id")?,
                name: row.try_get("", "seat_name")?,
                accepted: row.try_get("", "seat_accepted")?,
                joined_at: row.try_get("", "seat_joined_at")?,
            });
        }
    }
    Ok(out)
}

pub(super) fn order_seats(q: &mut SelectStatement) {
    q.order_by((Alias::new("mm"), Alias::new("joined_at")), Order::Asc)
        .order_by((Alias::new("mm"), Alias::new("id")), Order::Asc);
}

/// One mentorship with its members, in one statement.
pub async fn with_members(
    db: &impl ConnectionTrait,
    id: &str,
) -> Result<Option<MentorshipRecord>, DbErr> {
    let mut q = record_query();
    q.and_where(col("m", "id").eq(id));
    order_seats(&mut q);
    Ok(records(rows(db, &q).await?)?.into_iter().next())
}

/// The cached form of [`with_members`].
pub async fn with_members_cached(
    store: &Store,
    id: &str,
) -> Result<Option<Arc<MentorshipRecord>>, DbErr> {
    let shared = store.shared();
    through(
        &shared.caches.mentorships,
        shared.generation.data(),
        id.to_string(),
        || async { Ok(with_members(store.read(), id).await?.map(Arc::new)) },
    )
    .await
}

/// Locks the mentorship's row until the transaction ends (PostgreSQL); false when there is none.
pub async fn lock(db: &impl ConnectionTrait, id: &str) -> Result<bool, DbErr> {
    Ok(mentorship::Entity::find_by_id(id.to_string())
        .select_only()
        .column(mentorship::Column::Id)
        .lock_exclusive()
        .into_tuple::<String>()
        .one(db)
        .await?
        .is_some())
}

/// A page of mentorships matching `filter`, newest first: the page's ids in a
/// subquery, so page and members come back in one statement.
async fn page_where(
    db: &impl ConnectionTrait,
    filter: Expr,
    after: Option<(DateTime<Utc>, String)>,
    fetch: u64,
) -> Result<Vec<MentorshipRecord>, DbErr> {
    let mut ids = Query::select();
    ids.expr(col("m", "id"))
        .from_as(mentorship::Entity, Alias::new("m"))
        .and_where(filter);
    if let Some((at, id)) = after {
        ids.and_where(after_desc(col("m", "created_at"), col("m", "id"), at, id));
    }
    ids.order_by((Alias::new("m"), Alias::new("created_at")), Order::Desc)
        .order_by((Alias::new("m"), Alias::new("id")), Order::Desc)
        .limit(fetch);
    let mut q = record_query();
    q.and_where(col("m", "id").in_subquery(ids))
        .order_by((Alias::new("m"), Alias::new("created_at")), Order::Desc)
        .order_by((Alias::new("m"), Alias::new("id")), Order::Desc);
    order_seats(&mut q);
    records(rows(db, &q).await?)
}

/// The mentorships in which `person` takes part, newest first, optionally of one
/// status as of a time: `fetch` rows after `(created_at, id)`.
pub async fn involving_page(
    db: &impl ConnectionTrait,
    person: &str,
    status: Option<(S, DateTime<Utc>)>,
    after: Option<(DateTime<Utc>, String)>,
    fetch: u64,
) -> Result<Vec<MentorshipRecord>, DbErr> {
    let mut filter = involving(person);
    if let Some((status, now)) = status {
        filter = filter.and(status_is(status, now));
    }
    page_where(db, filter, after, fetch).await
}

/// The cached form of [`involving_page`] for the unfiltered list (a filtered one
/// changes with the clock, so it is always read afresh).
pub async fn involving_page_cached(
    store: &Store,
    person: &str,
    after: Option<(DateTime<Utc>, String)>,
    fetch: u64,
) -> Result<Arc<MentorshipPage>, DbErr> {
    let shared = store.shared();
    let key = (
        person.to_string(),
        after
            .as_ref()
            .map(|(at, id)| format!("{}|{id}", at.timestamp_micros()))
            .unwrap_or_default(),
        fetch,
    );
    through(
        &shared.caches.involving,
        shared.generation.data(),
        key,
        || async {
            let found = involving_page(store.read(), person, None, after.clone(), fetch).await?;
            Ok(Arc::new(MentorshipPage(
                found.into_iter().map(Arc::new).collect(),
            )))
        },
    )
    .await
}

/// A program's relationships and requests, newest first.
pub async fn of_program_page(
    db: &impl ConnectionTrait,
    program_id: &str,
    after: Option<(DateTime<Utc>, String)>,
    fetch: u64,
) -> Result<Vec<MentorshipRecord>, DbErr> {
    page_where(db, col("m", "program_id").eq(program_id), after, fetch).await
}

/// An open request or relationship between the two people, whoever mentors whom.
pub async fn open_between(
    db: &impl ConnectionTrait,
    a: PersonId<'_>,
    b: PersonId<'_>,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let mut q = Query::select();
    q.expr(Expr::val(1))
        .from_as(mentorship::Entity, Alias::new("m"))
        .and_where(is_open(now))
        .and_where(
            col("m", "mentor_id")
                .eq(a)
                .and(col("m", "id").in_subquery(seats_of(b.0)))
                .or(col("m", "mentor_id")
                    .eq(b)
                    .and(col("m", "id").in_subquery(seats_of(a.0)))),
        )
        .limit(1);
    Ok(!rows(db, &q).await?.is_empty())
}

/// Which of `others` have an open request or relationship with `me`, whoever
/// mentors whom (`open_between` for many people at once).
pub async fn open_with(
    db: &impl ConnectionTrait,
    me: PersonId<'_>,
    others: &[String],
    now: DateTime<Utc>,
) -> Result<std::collections::HashSet<String>, DbErr> {
    let mut out = std::collections::HashSet::new();
    for chunk in others.chunks(super::sql::IN_CHUNK) {
        let mut q = Query::select();
        q.expr_as(col("m", "mentor_id"), Alias::new("mentor_id"))
            .expr_as(col("mm", "mentee_id"), Alias::new("mentee_id"))
            .from_as(mentorship::Entity, Alias::new("m"))
            .join_as(
                JoinType::InnerJoin,
                mentorship_mentee::Entity,
                Alias::new("mm"),
                col("mm", "mentorship_id").equals((Alias::new("m"), Alias::new("id"))),
            )
            .and_where(is_open(now))
            .and_where(
                col("m", "mentor_id")
                    .eq(me)
                    .and(col("mm", "mentee_id").is_in(chunk.iter().cloned()))
                    .or(col("mm", "mentee_id")
                        .eq(me)
                        .and(col("m", "mentor_id").is_in(chunk.iter().cloned()))),
            );
        for r in rows(db, &q).await? {
            let mentor: String = r.try_get("", "mentor_id")?;
            let mentee: Option<String> = r.try_get("", "mentee_id")?;
            out.insert(if mentor == me.0 {
                mentee.unwrap_or_default()
            } else {
                mentor
            });
        }
    }
    Ok(out)
}

/// Open requests and relationships a mentee has in a program.
pub async fn mentee_load(
    db: &impl ConnectionTrait,
    program_id: ProgramId<'_>,
    mentee: PersonId<'_>,
    now: DateTime<Utc>,
) -> Result<i64, DbErr> {
    let mut q = Query::select();
    q.expr(Func::count(col("m", "id")))
        .from_as(mentorship::Entity, Alias::new("m"))
        .and_where(col("m", "program_id").eq(program_id))
        .and_where(col("m", "id").in_subquery(seats_of(mentee.0)))
        .and_where(is_open(now));
    match rows(db, &q).await?.into_iter().next() {
        Some(r) => r.try_get_by_index::<i64>(0),
        None => Ok(0),
    }
}

/// The mentor's running group in a group program, if there is one.
pub async fn group_of(
    db: &impl ConnectionTrait,
    program_id: ProgramId<'_>,
    mentor_id: PersonId<'_>,
) -> Result<Option<String>, DbErr> {
    mentorship::Entity::find()
        .select_only()
        .column(mentorship::Column::Id)
        .filter(mentorship::Column::ProgramId.eq(program_id))
        .filter(mentorship::Column::MentorId.eq(mentor_id))
        .filter(mentorship::Column::Status.is_in([S::Active, S::Paused]))
        .order_by_asc(mentorship::Column::CreatedAt)
        .order_by_asc(mentorship::Column::Id)
        .into_tuple::<String>()
        .one(db)
        .await
}

async fn insert(db: &impl ConnectionTrait, m: mentorship::Model) -> Result<(), DbErr> {
    m.into_active_model().reset_all().insert(db).await?;
    Ok(())
}

/// A relationship with nothing in it yet, in `status`.
fn fresh(
    program: ProgramId<'_>,
    mentor: PersonId<'_>,
    status: S,
    origin: Origin,
    at: DateTime<Utc>,
) -> mentorship::Model {
    let id = super::db::new_id();
    mentorship::Model {
        program_id: program.0.to_string(),
        mentor_id: Some(mentor.0.to_string()),
        status,
        origin,
        intro: Sealed::new(&id, ""),
        reasons: Sealed::new(&id, ""),
        ask: Sealed::new(&id, ""),
        id,
        decline_reason: None,
        merged_into: None,
        mentor_accepted: false,
        created_at: at,
        expires_at: None,
        started_at: None,
        ended_at: None,
        end_reason: None,
        end_note: None,
    }
}

/// A mentee's request to a mentor, with its three parts.
pub struct NewRequest<'a> {
    pub program: ProgramId<'a>,
    pub pair: Pairing<'a>,
    pub intro: String,
    pub reasons: String,
    pub ask: String,
    pub at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
}

/// Writes a request and seats its mentee; returns its id.
pub async fn insert_request(db: &impl ConnectionTrait, r: NewRequest<'_>) -> Result<String, DbErr> {
    let mut m = fresh(
        r.program,
        r.pair.mentor,
        S::Requested,
        Origin::Request,
        r.at,
    );
    m.intro = m.intro.replaced(r.intro);
    m.reasons = m.reasons.replaced(r.reasons);
    m.ask = m.ask.replaced(r.ask);
    m.expires_at = Some(r.expires_at);
    let id = m.id.clone();
    insert(db, m).await?;
    add_seat(db, MentorshipId(&id), r.pair.mentee, true, r.at).await?;
    Ok(id)
}

/// A match proposed by a round or a coordinator; it starts once both accept.
pub struct NewProposal<'a> {
    pub program: ProgramId<'a>,
    pub pair: Pairing<'a>,
    pub origin: Origin,
    pub at: DateTime<Utc>,
}

/// Writes a proposed match and seats its mentee (not yet accepted); returns its id.
pub async fn insert_proposal(
    db: &impl ConnectionTrait,
    p: NewProposal<'_>,
) -> Result<String, DbErr> {
    let m = fresh(p.program, p.pair.mentor, S::Proposed, p.origin, p.at);
    let id = m.id.clone();
    insert(db, m).await?;
    add_seat(db, MentorshipId(&id), p.pair.mentee, false, p.at).await?;
    Ok(id)
}

/// Starts a mentor's group in a group program (its members join with `add_seat`).
pub async fn insert_group(
    db: &impl ConnectionTrait,
    program: ProgramId<'_>,
    mentor: PersonId<'_>,
    at: DateTime<Utc>,
) -> Result<String, DbErr> {
    let mut m = fresh(program, mentor, S::Active, Origin::Request, at);
    m.mentor_accepted = true;
    m.started_at = Some(at);
    let id = m.id.clone();
    insert(db, m).await?;
    Ok(id)
}

/// Writes the columns an action changed.
pub async fn update(
    db: &impl ConnectionTrait,
    before: mentorship::Model,
    after: mentorship::Model,
) -> Result<(), DbErr> {
    update_changed::<mentorship::Entity>(db, before, after).await?;
    Ok(())
}

/// Seats a mentee in a mentorship.
pub async fn add_seat(
    db: &impl ConnectionTrait,
    mentorship_id: MentorshipId<'_>,
    mentee_id: PersonId<'_>,
    accepted: bool,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    mentorship_mentee::Model {
        id: super::db::new_id(),
        mentorship_id: mentorship_id.0.to_string(),
        mentee_id: Some(mentee_id.0.to_string()),
        accepted,
        joined_at: now,
    }
    .into_active_model()
    .insert(db)
    .await?;
    Ok(())
}

pub async fn accept_seat(db: &impl ConnectionTrait, seat_row_id: &str) -> Result<(), DbErr> {
    mentorship_mentee::Entity::update_many()
        .col_expr(mentorship_mentee::Column::Accepted, Expr::value(true))
        .filter(mentorship_mentee::Column::Id.eq(seat_row_id))
        .exec(db)
        .await?;
    Ok(())
}

/// Ends every open request and relationship of a person who erases their account.
pub async fn end_all_involving(
    db: &impl ConnectionTrait,
    person: &str,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    let mut ids = Query::select();
    ids.expr(col("m", "id"))
        .from_as(mentorship::Entity, Alias::new("m"))
        .and_where(is_open(now))
        .and_where(involving(person));
    mentorship::Entity::update_many()
        .col_expr(mentorship::Column::Status, Expr::value(S::Ended))
        .col_expr(
            mentorship::Column::EndReason,
            Expr::value(EndReason::AccountErased),
        )
        .col_expr(mentorship::Column::EndedAt, Expr::value(now))
        .filter(Expr::col(mentorship::Column::Id).in_subquery(ids))
        .exec(db)
        .await?;
    Ok(())
}

// ------------------------------------------------------------------ agreements

pub async fn agreement_of(
    db: &impl ConnectionTrait,
    id: &str,
) -> Result<Option<agreement::Model>, DbErr> {
    agreement::Entity::find_by_id(id.to_string()).one(db).await
}

pub async fn signatures_of(
    db: &impl ConnectionTrait,
    id: &str,
) -> Result<Vec<agreement_signature::Model>, DbErr> {
    agreement_signature::Entity::find()
        .filter(agreement_signature::Column::MentorshipId.eq(id))
        .order_by_asc(agreement_signature::Column::SignedAt)
        .order_by_asc(agreement_signature::Column::UserId)
        .all(db)
        .await
}

/// What an agreement says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Terms {
    pub goals: String,
    pub cadence_days: i32,
    pub meeting_minutes: i32,
    pub channel: String,
    pub boundaries: String,
    pub confidentiality: String,
}

impl Terms {
    fn of(a: &agreement::Model) -> Terms {
        Terms {
            goals: a.goals.to_string(),
            cadence_days: a.cadence_days,
            meeting_minutes: a.meeting_minutes,
            channel: a.channel.to_string(),
            boundaries: a.boundaries.to_string(),
            confidentiality: a.confidentiality.to_string(),
        }
    }
}

/// Writes an agreement's terms over `current` (None: the first text). Terms that
/// change clear every signature and raise the version; the same terms change nothing.
pub async fn write_agreement(
    db: &impl ConnectionTrait,
    mentorship_id: MentorshipId<'_>,
    current: Option<agreement::Model>,
    terms: Terms,
    by: PersonId<'_>,
    at: DateTime<Utc>,
) -> Result<(), DbErr> {
    let version = match &current {
        Some(old) if Terms::of(old) == terms => return Ok(()),
        Some(old) => {
            clear_signatures(db, mentorship_id.0).await?;
            old.version.saturating_add(1)
        }
        None => 1,
    };
    let row_id = mentorship_id.0;
    let row = agreement::Model {
        mentorship_id: mentorship_id.0.to_string(),
        goals: Sealed::new(row_id, terms.goals),
        cadence_days: terms.cadence_days,
        meeting_minutes: terms.meeting_minutes,
        channel: Sealed::new(row_id, terms.channel),
        boundaries: Sealed::new(row_id, terms.boundaries),
        confidentiality: Sealed::new(row_id, terms.confidentiality),
        updated_by: by.0.to_string(),
        updated_at: at,
        version,
    };
    put::<agreement::Entity>(db, row, current.is_some()).await?;
    Ok(())
}

async fn clear_signatures(db: &impl ConnectionTrait, id: &str) -> Result<(), DbErr> {
    agreement_signature::Entity::delete_many()
        .filter(agreement_signature::Column::MentorshipId.eq(id))
        .exec(db)
        .await?;
    Ok(())
}

/// Records a signature once; signing twice changes nothing.
pub async fn sign(
    db: &impl ConnectionTrait,
    id: MentorshipId<'_>,
    user_id: PersonId<'_>,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    let already =
        agreement_signature::Entity::find_by_id((id.0.to_string(), user_id.0.to_string()))
            .one(db)
            .await?;
    if already.is_none() {
        agreement_signature::Model {
            mentorship_id: id.0.to_string(),
            user_id: user_id.0.to_string(),
            signed_at: now,
        }
        .into_active_model()
        .insert(db)
        .await?;
    }
    Ok(())
}

/// Agreements and their signatures of many mentorships at once, for the export.
pub async fn agreements_of(
    db: &impl ConnectionTrait,
    ids: &[String],
) -> Result<(Vec<agreement::Model>, Vec<agreement_signature::Model>), DbErr> {
    let mut agreements = Vec::new();
    let mut signatures = Vec::new();
    for chunk in ids.chunks(IN_CHUNK) {
        agreements.extend(
            agreement::Entity::find()
                .filter(agreement::Column::MentorshipId.is_in(chunk.to_vec()))
                .all(db)
                .await?,
        );
        signatures.extend(
            agreement_signature::Entity::find()
                .filter(agreement_signature::Column::MentorshipId.is_in(chunk.to_vec()))
                .order_by_asc(agreement_signature::Column::SignedAt)
                .order_by_asc(agreement_signature::Column::UserId)
                .all(db)
                .await?,
        );
    }
    Ok((agreements, signatures))
}

// ------------------------------------------------------------------ reflections

/// Writes (or rewrites) one participant's reflection.
pub async fn save_reflection(
    db: &impl ConnectionTrait,
    mentorship_id: MentorshipId<'_>,
    user_id: PersonId<'_>,
    text: String,
    now: DateTime<Utc>,
) -> Result<reflection::Model, DbErr> {
    let exists =
        reflection::Entity::find_by_id((mentorship_id.0.to_string(), user_id.0.to_string()))
            .one(db)
            .await?
            .is_some();
    let row = reflection::Model {
        mentorship_id: mentorship_id.0.to_string(),
        user_id: user_id.0.to_string(),
        text: Sealed::new(row_of(&[mentorship_id.0, user_id.0]), text),
        written_at: now,
    };
    put::<reflection::Entity>(db, row, exists).await
}

/// Reflections of mentorships, oldest first.
pub async fn reflections_of(
    db: &impl ConnectionTrait,
    ids: &[String],
) -> Result<Vec<reflection::Model>, DbErr> {
    let mut out = Vec::new();
    for chunk in ids.chunks(IN_CHUNK) {
        out.extend(
            reflection::Entity::find()
                .filter(reflection::Column::MentorshipId.is_in(chunk.to_vec()))
                .order_by_asc(reflection::Column::WrittenAt)
                .order_by_asc(reflection::Column::UserId)
                .all(db)
                .await?,
        );
    }
    Ok(out)
}
