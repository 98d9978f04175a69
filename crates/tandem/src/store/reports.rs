//! What the oversight of programs reads in bulk: the facts each active
//! relationship's health is decided from, for one program or all of them, in one
//! statement whatever their number. Counts, dates and ratings only: never a text.
use super::entities::{
    action_item, agreement, agreement_signature, feedback, meeting, mentorship, mentorship_mentee,
    program,
};
use super::sql::{col, rows};
use crate::domain::ids::ProgramId;
use crate::domain::wire::{MeetingStatus, MentorshipStatus as S};
use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::sea_query::{Alias, Expr, ExprTrait, JoinType, Order, Query, SelectStatement};
use sea_orm::{ConnectionTrait, DbErr};

/// What one active relationship's health is decided from.
#[derive(Debug, Clone)]
pub struct HealthRow {
    pub mentorship_id: String,
    pub program_id: String,
    pub mentor_id: Option<String>,
    pub started_at: Option<DateTime<Utc>>,
    /// The agreement's cadence, else the program's.
    pub cadence_days: i32,
    pub last_held_at: Option<DateTime<Utc>>,
    pub overdue_action_items: i64,
    pub rating_sum: i64,
    pub ratings: i64,
    /// An agreement exists and every participant still in it has signed it.
    pub agreement_signed: bool,
}

/// `SELECT mentorship_id, <aggregate> FROM <table> [of the program's relationships] GROUP BY mentorship_id`.
fn per_relationship(
    table: impl sea_orm::sea_query::IntoTableRef,
    of: Option<ProgramId<'_>>,
    build: impl FnOnce(&mut SelectStatement),
) -> SelectStatement {
    let mut q = Query::select();
    q.from_as(table, Alias::new("x"))
        .expr_as(col("x", "mentorship_id"), Alias::new("mentorship_id"))
        .group_by_col((Alias::new("x"), Alias::new("mentorship_id")));
    if let Some(program) = of {
        let mut ids = Query::select();
        ids.column(mentorship::Column::Id)
            .from(mentorship::Entity)
            .and_where(Expr::col(mentorship::Column::ProgramId).eq(program.as_str()));
        q.and_where(col("x", "mentorship_id").in_subquery(ids));
    }
    build(&mut q);
    q
}

/// The health facts of every active relationship, of one program or all, in one
/// statement, ordered by id.
pub async fn health_facts(
    db: &impl ConnectionTrait,
    of: Option<ProgramId<'_>>,
    now: DateTime<Utc>,
) -> Result<Vec<HealthRow>, DbErr> {
    let today: NaiveDate = now.date_naive();
    let held = per_relationship(meeting::Entity, of, |q| {
        q.expr_as(col("x", "starts_at").max(), Alias::new("last_held"))
            .and_where(col("x", "status").eq(MeetingStatus::Held));
    });
    let overdue = per_relationship(action_item::Entity, of, |q| {
        q.expr_as(Expr::val(1).count(), Alias::new("overdue"))
            .and_where(col("x", "done").eq(false))
            .and_where(col("x", "due_on").lt(today));
    });
    let ratings = per_relationship(feedback::Entity, of, |q| {
        q.expr_as(col("x", "rating").sum(), Alias::new("rating_sum"))
            .expr_as(col("x", "rating").count(), Alias::new("ratings"));
    });
    let seats = per_relationship(mentorship_mentee::Entity, of, |q| {
        q.expr_as(col("x", "mentee_id").count(), Alias::new("mentees"));
    });
    // Signatures of the people still in the relationship: its mentor, its seated mentees.
    let signed = per_relationship(agreement_signature::Entity, of, |q| {
        q.join_as(
            JoinType::InnerJoin,
            mentorship::Entity,
            Alias::new("sm"),
            col("sm", "id").equals((Alias::new("x"), Alias::new("mentorship_id"))),
        )
        .join_as(
            JoinType::LeftJoin,
            mentorship_mentee::Entity,
            Alias::new("ss"),
            col("ss", "mentorship_id")
                .equals((Alias::new("x"), Alias::new("mentorship_id")))
                .and(col("ss", "mentee_id").equals((Alias::new("x"), Alias::new("user_id")))),
        )
        .expr_as(Expr::val(1).count(), Alias::new("signed"))
        .and_where(
            col("x", "user_id")
                .equals((Alias::new("sm"), Alias::new("mentor_id")))
                .or(col("ss", "id").is_not_null()),
        );
    });
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
            agreement::Entity,
            Alias::new("a"),
            col("a", "mentorship_id").equals((Alias::new("m"), Alias::new("id"))),
        );
    for (sub, alias) in [
        (held, "h"),
        (overdue, "o"),
        (ratings, "r"),
        (seats, "s"),
        (signed, "g"),
    ] {
        q.join_subquery(
            JoinType::LeftJoin,
            sub,
            Alias::new(alias),
            col(alias, "mentorship_id").equals((Alias::new("m"), Alias::new("id"))),
        );
    }
    q.expr_as(col("m", "id"), Alias::new("id"))
        .expr_as(col("m", "program_id"), Alias::new("program_id"))
        .expr_as(col("m", "mentor_id"), Alias::new("mentor_id"))
        .expr_as(col("m", "started_at"), Alias::new("started_at"))
        .expr_as(col("p", "cadence_days"), Alias::new("program_cadence"))
        .expr_as(col("a", "cadence_days"), Alias::new("agreement_cadence"))
        .expr_as(
            col("a", "mentorship_id").is_not_null(),
            Alias::new("has_agreement"),
        )
        .expr_as(col("h", "last_held"), Alias::new("last_held"))
        .expr_as(col("o", "overdue"), Alias::new("overdue"))
        .expr_as(col("r", "rating_sum"), Alias::new("rating_sum"))
        .expr_as(col("r", "ratings"), Alias::new("ratings"))
        .expr_as(col("s", "mentees"), Alias::new("mentees"))
        .expr_as(col("g", "signed"), Alias::new("signed"))
        .and_where(col("m", "status").eq(S::Active))
        .order_by((Alias::new("m"), Alias::new("id")), Order::Asc);
    if let Some(program) = of {
        q.and_where(col("m", "program_id").eq(program.as_str()));
    }
    rows(db, &q)
        .await?
        .iter()
        .map(|r| {
            let mentor_id: Option<String> = r.try_get("", "mentor_id")?;
            let count = |name: &str| -> Result<i64, DbErr> {
                // SUM and COUNT come back as different integer (or decimal) types per database.
                Ok(r.try_get::<Option<i64>>("", name)
                    .or_else(|_| {
                        r.try_get::<Option<rust_decimal::Decimal>>("", name)
                            .map(|d| d.and_then(|d| i64::try_from(d).ok()))
                    })?
                    .unwrap_or(0))
            };
            let participants = count("mentees")? + i64::from(mentor_id.is_some());
            let has_agreement: bool = r.try_get("", "has_agreement")?;
            let agreement_cadence: Option<i32> = r.try_get("", "agreement_cadence")?;
            Ok(HealthRow {
                mentorship_id: r.try_get("", "id")?,
                program_id: r.try_get("", "program_id")?,
                started_at: r.try_get("", "started_at")?,
                cadence_days: agreement_cadence.unwrap_or(r.try_get::<i32>("", "program_cadence")?),
                last_held_at: r.try_get("", "last_held")?,
                overdue_action_items: count("overdue")?,
                rating_sum: count("rating_sum")?,
                ratings: count("ratings")?,
                agreement_signed: has_agreement
                    && participants > 0
                    && count("signed")? >= participants,
                mentor_id,
            })
        })
        .collect()
}
