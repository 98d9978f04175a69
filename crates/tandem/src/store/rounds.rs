//! Matching rounds and their pairs, and the pool a round or a suggestion is made from.
use super::columns::TextList;
use super::db::new_id;
use super::entities::{
    enrollment, mentorship, mentorship_mentee, profile, round, round_pair, user,
};
use super::sql::{after_desc, col, model, rows, select_prefixed, update_changed, IN_CHUNK};
use crate::domain::ids::{PersonId, ProgramId, RoundId};
use crate::domain::paging::PairOrder;
use crate::domain::wire::{MentorshipStatus as S, Objective, RoundStatus};
use chrono::{DateTime, Utc};
use futures_util::TryStreamExt;
use sea_orm::sea_query::{Alias, Expr, ExprTrait, JoinType, Order, Query};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, IntoActiveModel,
    QueryFilter, QueryOrder, QuerySelect, StreamTrait,
};

/// Someone enrolled in a program, with their account and profile.
pub struct PoolRow {
    pub enrollment: enrollment::Model,
    pub name: String,
    pub email: String,
    pub profile: Option<profile::Model>,
}

/// Everyone enrolled in the program (or only `only` of them), in the order they
/// enrolled: one statement, whose rows are handed to `each` as they stream in, so
/// that a large pool never sits in memory twice (raw rows and what the caller
/// keeps of them).
pub async fn pool(
    db: &(impl ConnectionTrait + StreamTrait),
    program_id: &str,
    only: Option<&[&str]>,
    mut each: impl FnMut(PoolRow),
) -> Result<(), DbErr> {
    let mut q = Query::select();
    q.from_as(enrollment::Entity, Alias::new("e"))
        .join_as(
            JoinType::InnerJoin,
            user::Entity,
            Alias::new("u"),
            col("u", "id").equals((Alias::new("e"), Alias::new("user_id"))),
        )
        .join_as(
            JoinType::LeftJoin,
            profile::Entity,
            Alias::new("p"),
            col("p", "user_id").equals((Alias::new("e"), Alias::new("user_id"))),
        )
        .expr_as(col("u", "name"), Alias::new("name"))
        .expr_as(col("u", "email"), Alias::new("email"))
        .expr_as(col("p", "user_id").is_not_null(), Alias::new("has_profile"))
        .and_where(col("e", "program_id").eq(program_id))
        .apply_if(only, |q, people| {
            q.and_where(col("e", "user_id").is_in(people.iter().copied()));
        })
        .order_by((Alias::new("e"), Alias::new("created_at")), Order::Asc)
        .order_by((Alias::new("e"), Alias::new("id")), Order::Asc);
    select_prefixed::<enrollment::Entity>(&mut q, "e", "e_");
    select_prefixed::<profile::Entity>(&mut q, "p", "p_");
    let mut rows = std::pin::pin!(db.stream(&q).await?);
    while let Some(r) = rows.try_next().await? {
        let has_profile: bool = r.try_get("", "has_profile")?;
        each(PoolRow {
            enrollment: model::<enrollment::Entity>(&r, "e_")?,
            name: r.try_get("", "name")?,
            email: r.try_get("", "email")?,
            profile: if has_profile {
                Some(model::<profile::Entity>(&r, "p_")?)
            } else {
                None
            },
        });
    }
    Ok(())
}

/// A mentor–mentee pair of a relationship the hard rules and capacities look at.
pub struct PairLink {
    pub program_id: String,
    pub mentor_id: String,
    pub mentee_id: String,
    /// The status as of the time asked for.
    pub status: S,
    pub started: bool,
}

/// Every pair that has ever been active (any program) or is open as of `now`;
/// with `only`, those that involve one of these people.
pub async fn pair_links(
    db: &impl ConnectionTrait,
    now: DateTime<Utc>,
    only: Option<&[&str]>,
) -> Result<Vec<PairLink>, DbErr> {
    let mut q = Query::select();
    q.from_as(mentorship::Entity, Alias::new("m"))
        .join_as(
            JoinType::InnerJoin,
            mentorship_mentee::Entity,
            Alias::new("mm"),
            col("mm", "mentorship_id").equals((Alias::new("m"), Alias::new("id"))),
        )
        .expr_as(col("m", "program_id"), Alias::new("program_id"))
        .expr_as(col("m", "mentor_id"), Alias::new("mentor_id"))
        .expr_as(col("mm", "mentee_id"), Alias::new("mentee_id"))
        .expr_as(col("m", "status"), Alias::new("status"))
        .expr_as(col("m", "expires_at"), Alias::new("expires_at"))
        .expr_as(col("m", "started_at").is_not_null(), Alias::new("started"))
        .and_where(col("m", "mentor_id").is_not_null())
        .and_where(col("mm", "mentee_id").is_not_null())
        .and_where(
            col("m", "started_at")
                .is_not_null()
                .or(col("m", "status").is_in(S::OPEN.iter().copied())),
        )
        .apply_if(only, |q, people| {
            q.and_where(
                col("m", "mentor_id")
                    .is_in(people.iter().copied())
                    .or(col("mm", "mentee_id").is_in(people.iter().copied())),
            );
        });
    rows(db, &q)
        .await?
        .iter()
        .map(|r| {
            let stored: S = r.try_get("", "status")?;
            let expires_at: Option<DateTime<Utc>> = r.try_get("", "expires_at")?;
            Ok(PairLink {
                program_id: r.try_get("", "program_id")?,
                mentor_id: r.try_get("", "mentor_id")?,
                mentee_id: r.try_get("", "mentee_id")?,
                status: crate::domain::lifecycle::effective_status(stored, expires_at, now),
                started: r.try_get("", "started")?,
            })
        })
        .collect()
}

// ------------------------------------------------------------------ rounds

/// A round the engine has just drafted, with its figures.
pub struct NewRound<'a> {
    pub program: ProgramId<'a>,
    pub objective: Objective,
    /// Hundredths of a point.
    pub min_score: i32,
    pub created_by: PersonId<'a>,
    pub at: DateTime<Utc>,
    pub unmatched_mentee_ids: Vec<String>,
    pub blocking_pairs: i32,
    pub max_pairs: Option<i32>,
    pub best_total: Option<i64>,
    pub certified: bool,
}

/// Stores a new draft round and returns it.
pub async fn insert_round(
    db: &impl ConnectionTrait,
    r: NewRound<'_>,
) -> Result<round::Model, DbErr> {
    round::Model {
        id: new_id(),
        program_id: r.program.to_string(),
        objective: r.objective,
        min_score: r.min_score,
        status: RoundStatus::Draft,
        created_by: Some(r.created_by.to_string()),
        created_at: r.at,
        published_at: None,
        unmatched_mentee_ids: TextList(r.unmatched_mentee_ids),
        blocking_pairs: r.blocking_pairs,
        max_pairs: r.max_pairs,
        best_total: r.best_total,
        certified: r.certified,
    }
    .into_active_model()
    .reset_all()
    .insert(db)
    .await
}

pub async fn round_by_id(
    db: &impl ConnectionTrait,
    id: &str,
) -> Result<Option<round::Model>, DbErr> {
    round::Entity::find_by_id(id.to_string()).one(db).await
}

/// The round's row, locked until the transaction ends (PostgreSQL).
pub async fn lock_round(
    db: &impl ConnectionTrait,
    id: &str,
) -> Result<Option<round::Model>, DbErr> {
    round::Entity::find_by_id(id.to_string())
        .lock_exclusive()
        .one(db)
        .await
}

/// Writes the columns in which `after` differs from `before`.
pub async fn update_round(
    db: &impl ConnectionTrait,
    before: round::Model,
    after: round::Model,
) -> Result<round::Model, DbErr> {
    update_changed::<round::Entity>(db, before, after).await
}

/// A program's rounds, newest first: `fetch` rows after `(created_at, id)`.
pub async fn rounds_page(
    db: &impl ConnectionTrait,
    program_id: &str,
    after: Option<(DateTime<Utc>, String)>,
    fetch: u64,
) -> Result<Vec<round::Model>, DbErr> {
    let mut q = round::Entity::find().filter(round::Column::ProgramId.eq(program_id));
    if let Some((at, id)) = after {
        q = q.filter(after_desc(
            Expr::col(round::Column::CreatedAt),
            Expr::col(round::Column::Id),
            at,
            id,
        ));
    }
    q.order_by_desc(round::Column::CreatedAt)
        .order_by_desc(round::Column::Id)
        .limit(fetch)
        .all(db)
        .await
}

/// When the program's pool last changed, as its rows tell: its latest enrolment,
/// or the latest time a mentorship of the program was asked for or proposed,
/// started or ended.
pub async fn pool_changed_at(
    db: &impl ConnectionTrait,
    program_id: ProgramId<'_>,
) -> Result<Option<DateTime<Utc>>, DbErr> {
    let enrolled = enrollment::Entity::find()
        .filter(enrollment::Column::ProgramId.eq(program_id))
        .order_by_desc(enrollment::Column::CreatedAt)
        .one(db)
        .await?
        .map(|e| e.created_at);
    let mut latest = enrolled;
    for column in [
        mentorship::Column::CreatedAt,
        mentorship::Column::StartedAt,
        mentorship::Column::EndedAt,
    ] {
        let found = mentorship::Entity::find()
            .filter(mentorship::Column::ProgramId.eq(program_id))
            .filter(column.is_not_null())
            .order_by_desc(column)
            .one(db)
            .await?;
        let at = found.and_then(|m| match column {
            mentorship::Column::StartedAt => m.started_at,
            mentorship::Column::EndedAt => m.ended_at,
            _ => Some(m.created_at),
        });
        latest = std::cmp::Ord::max(latest, at);
    }
    Ok(latest)
}

/// When a round of the program was last published.
pub async fn last_published_at(
    db: &impl ConnectionTrait,
    program_id: ProgramId<'_>,
) -> Result<Option<DateTime<Utc>>, DbErr> {
    Ok(round::Entity::find()
        .filter(round::Column::ProgramId.eq(program_id))
        .filter(round::Column::PublishedAt.is_not_null())
        .order_by_desc(round::Column::PublishedAt)
        .one(db)
        .await?
        .and_then(|r| r.published_at))
}

/// Every other draft of the program becomes `discarded`.
pub async fn discard_other_drafts(
    db: &impl ConnectionTrait,
    program_id: ProgramId<'_>,
    keep: RoundId<'_>,
) -> Result<(), DbErr> {
    round::Entity::update_many()
        .col_expr(round::Column::Status, Expr::value(RoundStatus::Discarded))
        .filter(round::Column::ProgramId.eq(program_id))
        .filter(round::Column::Status.eq(RoundStatus::Draft))
        .filter(round::Column::Id.ne(keep))
        .exec(db)
        .await?;
    Ok(())
}

/// A drafted pair with both names ("Former member" is the caller's to supply).
pub struct PairRow {
    pub pair: round_pair::Model,
    pub mentor_name: Option<String>,
    pub mentee_name: Option<String>,
}

/// The pairs of rounds with both names, `rp_`-prefixed, from `round_pairs rp`.
fn pairs_query() -> sea_orm::sea_query::SelectStatement {
    let mut q = Query::select();
    q.from_as(round_pair::Entity, Alias::new("rp"))
        .join_as(
            JoinType::LeftJoin,
            user::Entity,
            Alias::new("mu"),
            col("mu", "id").equals((Alias::new("rp"), Alias::new("mentor_id"))),
        )
        .join_as(
            JoinType::LeftJoin,
            user::Entity,
            Alias::new("eu"),
            col("eu", "id").equals((Alias::new("rp"), Alias::new("mentee_id"))),
        )
        .expr_as(col("mu", "name"), Alias::new("mentor_name"))
        .expr_as(col("eu", "name"), Alias::new("mentee_name"));
    select_prefixed::<round_pair::Entity>(&mut q, "rp", "rp_");
    q
}

fn pair_row(r: &sea_orm::QueryResult) -> Result<PairRow, DbErr> {
    Ok(PairRow {
        pair: model::<round_pair::Entity>(r, "rp_")?,
        mentor_name: r.try_get("", "mentor_name")?,
        mentee_name: r.try_get("", "mentee_name")?,
    })
}

/// The pairs of these rounds, best score first.
pub async fn pairs_of(
    db: &impl ConnectionTrait,
    round_ids: &[String],
) -> Result<Vec<PairRow>, DbErr> {
    let mut out = Vec::new();
    for chunk in round_ids.chunks(IN_CHUNK) {
        let mut q = pairs_query();
        q.and_where(col("rp", "round_id").is_in(chunk.iter().cloned()))
            .order_by((Alias::new("rp"), Alias::new("score")), Order::Desc)
            .order_by((Alias::new("rp"), Alias::new("mentee_id")), Order::Asc);
        for r in rows(db, &q).await? {
            out.push(pair_row(&r)?);
        }
    }
    Ok(out)
}

/// One page of a round's pairs with both names: `limit` pairs after the first `offset`.
pub async fn pairs_page(
    db: &impl ConnectionTrait,
    round_id: &str,
    order: PairOrder,
    offset: u64,
    limit: u64,
) -> Result<Vec<PairRow>, DbErr> {
    let mut q = pairs_query();
    q.and_where(col("rp", "round_id").eq(round_id));
    let lower = |a: &str, c: &str| Expr::cust(format!("LOWER({a}.{c})"));
    match order {
        PairOrder::Score => {
            q.order_by((Alias::new("rp"), Alias::new("score")), Order::Desc);
        }
        PairOrder::Mentor => {
            q.order_by_expr(lower("mu", "name"), Order::Asc);
        }
        PairOrder::Mentee => {}
    }
    q.order_by_expr(lower("eu", "name"), Order::Asc)
        .order_by((Alias::new("rp"), Alias::new("mentee_id")), Order::Asc)
        .offset(offset)
        .limit(limit);
    rows(db, &q).await?.iter().map(pair_row).collect()
}

/// How many pairs a round has and the sum of their scores (hundredths).
pub async fn pair_totals(db: &impl ConnectionTrait, round_id: &str) -> Result<(u64, i64), DbErr> {
    let mut q = Query::select();
    q.from(round_pair::Entity)
        .expr_as(Expr::cust("COUNT(*)"), Alias::new("pairs"))
        .expr_as(
            Expr::cust("CAST(COALESCE(SUM(score), 0) AS BIGINT)"),
            Alias::new("total"),
        )
        .and_where(Expr::col(round_pair::Column::RoundId).eq(round_id));
    let found = rows(db, &q).await?;
    let r = found
        .first()
        .ok_or_else(|| DbErr::RecordNotFound("pair totals".into()))?;
    let pairs: i64 = r.try_get("", "pairs")?;
    let total: i64 = r.try_get("", "total")?;
    Ok((u64::try_from(pairs).unwrap_or(0), total))
}

/// A pair the engine or a coordinator proposes, with its scores and the
/// explanation (JSON) its coordinators read.
pub struct NewPair {
    pub mentor_id: String,
    pub mentee_id: String,
    pub score: i32,
    pub mentee_score: i32,
    pub mentor_score: i32,
    pub explanation: String,
}

/// Adds pairs to a draft round, a few hundred rows per statement.
pub async fn insert_pairs(
    db: &impl ConnectionTrait,
    round: RoundId<'_>,
    pairs: Vec<NewPair>,
) -> Result<(), DbErr> {
    let mut pairs = pairs.into_iter().peekable();
    while pairs.peek().is_some() {
        let chunk: Vec<_> = pairs
            .by_ref()
            .take(400)
            .map(|p| {
                round_pair::Model {
                    id: new_id(),
                    round_id: round.to_string(),
                    mentor_id: p.mentor_id,
                    mentee_id: p.mentee_id,
                    score: p.score,
                    mentee_score: p.mentee_score,
                    mentor_score: p.mentor_score,
                    explanation: p.explanation,
                }
                .into_active_model()
                .reset_all()
            })
            .collect();
        round_pair::Entity::insert_many(chunk).exec(db).await?;
    }
    Ok(())
}

pub async fn delete_pair(db: &impl ConnectionTrait, pair_id: &str) -> Result<(), DbErr> {
    round_pair::Entity::delete_by_id(pair_id.to_string())
        .exec(db)
        .await?;
    Ok(())
}
