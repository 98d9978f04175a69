//! What the oversight of programs reads in bulk: each relationship's facts (its
//! dates, meetings held, overdue items, ratings, milestones, signatures), the
//! enrolments, the seats, and meetings per month; each in one statement
//! whatever the number of relationships. Counts, dates and ratings only: never
//! a text anyone wrote.
use super::entities::{
    action_item, agreement, agreement_signature, enrollment, feedback, meeting, mentorship,
    mentorship_mentee, milestone, program, user,
};
use super::sql::{col, rows};
use crate::domain::ids::ProgramId;
use crate::domain::wire::{
    EndReason, MeetingStatus, MentorshipStatus as S, MilestoneStatus, Origin, Role,
};
use chrono::{DateTime, Duration, NaiveDate, Utc};
use sea_orm::sea_query::{Alias, Expr, ExprTrait, JoinType, Order, Query, SelectStatement};
use sea_orm::{ConnectionTrait, DatabaseBackend, DbErr, QueryResult};
use std::collections::HashMap;

/// Which relationships: every active one of every program (the jobs), or all of
/// one program, whatever their status (a report; requests merged into a group
/// included, for their answer times).
#[derive(Debug, Clone, Copy)]
pub enum Scope<'a> {
    Active,
    Program(ProgramId<'a>),
}

/// One relationship's facts.
#[derive(Debug, Clone)]
pub struct FactsRow {
    pub mentorship_id: String,
    pub program_id: String,
    pub mentor_id: Option<String>,
    pub mentor_name: Option<String>,
    /// As stored: a request past its expiry still reads `requested` here.
    pub status: S,
    pub origin: Origin,
    pub created_at: DateTime<Utc>,
    pub expires_at: Option<DateTime<Utc>>,
    pub started_at: Option<DateTime<Utc>>,
    pub ended_at: Option<DateTime<Utc>>,
    pub end_reason: Option<EndReason>,
    /// The agreement's cadence, else the program's.
    pub cadence_days: i32,
    pub held: i64,
    pub first_held_at: Option<DateTime<Utc>>,
    pub last_held_at: Option<DateTime<Utc>>,
    /// Meetings held in the 30 days before `now`.
    pub held_last_30_days: i64,
    pub overdue_action_items: i64,
    pub rating_sum: i64,
    pub ratings: i64,
    pub milestones: i64,
    pub milestones_achieved: i64,
    /// An agreement exists and every participant still in it has signed it.
    pub agreement_signed: bool,
}

/// `SELECT mentorship_id, <aggregates> FROM <table> [of one program] GROUP BY mentorship_id`.
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
        q.and_where(col("x", "mentorship_id").in_subquery(ids_of(program)));
    }
    build(&mut q);
    q
}

fn ids_of(program: ProgramId<'_>) -> SelectStatement {
    let mut ids = Query::select();
    ids.column(mentorship::Column::Id)
        .from(mentorship::Entity)
        .and_where(Expr::col(mentorship::Column::ProgramId).eq(program.as_str()));
    ids
}

/// A count or sum, whatever integer (or decimal) type the database gives it.
pub fn count(r: &QueryResult, name: &str) -> Result<i64, DbErr> {
    Ok(r.try_get::<Option<i64>>("", name)
        .or_else(|_| {
            r.try_get::<Option<rust_decimal::Decimal>>("", name)
                .map(|d| d.and_then(|d| i64::try_from(d).ok()))
        })?
        .unwrap_or(0))
}

/// What each aggregate statement adds to a relationship's facts.
#[derive(Default)]
struct Totals {
    held: i64,
    first_held: Option<DateTime<Utc>>,
    last_held: Option<DateTime<Utc>>,
    recent: i64,
    overdue: i64,
    rating_sum: i64,
    ratings: i64,
    milestones: i64,
    achieved: i64,
    mentees: i64,
    signed: i64,
}

/// The facts of the relationships in `scope`, ordered by id: the relationships
/// in one statement, then one grouped statement per table counted (meetings,
/// action items, feedback, milestones, seats, signatures), whatever their number.
pub async fn relationship_facts(
    db: &impl ConnectionTrait,
    scope: Scope<'_>,
    now: DateTime<Utc>,
) -> Result<Vec<FactsRow>, DbErr> {
    let (main, aggregates) = facts_queries(scope, now);
    let mut totals: HashMap<String, Totals> = HashMap::new();
    for (name, q) in aggregates {
        for r in rows(db, &q).await? {
            let id: String = r.try_get("", "mentorship_id")?;
            let t = totals.entry(id).or_default();
            match name {
                "held" => {
                    t.held = count(&r, "held")?;
                    t.first_held = r.try_get("", "first_held")?;
                    t.last_held = r.try_get("", "last_held")?;
                    t.recent = count(&r, "recent")?;
                }
                "overdue" => t.overdue = count(&r, "overdue")?,
                "ratings" => {
                    t.rating_sum = count(&r, "rating_sum")?;
                    t.ratings = count(&r, "ratings")?;
                }
                "milestones" => {
                    t.milestones = count(&r, "milestones")?;
                    t.achieved = count(&r, "achieved")?;
                }
                "seats" => t.mentees = count(&r, "mentees")?,
                _ => t.signed = count(&r, "signed")?,
            }
        }
    }
    let none = Totals::default();
    rows(db, &main)
        .await?
        .iter()
        .map(|r| {
            let id: String = r.try_get("", "id")?;
            let t = totals.get(&id).unwrap_or(&none);
            let mentor_id: Option<String> = r.try_get("", "mentor_id")?;
            let participants = t.mentees + i64::from(mentor_id.is_some());
            let has_agreement: bool = r.try_get("", "has_agreement")?;
            let agreement_cadence: Option<i32> = r.try_get("", "agreement_cadence")?;
            Ok(FactsRow {
                program_id: r.try_get("", "program_id")?,
                mentor_name: r.try_get("", "mentor_name")?,
                status: r.try_get("", "status")?,
                origin: r.try_get("", "origin")?,
                created_at: r.try_get("", "created_at")?,
                expires_at: r.try_get("", "expires_at")?,
                started_at: r.try_get("", "started_at")?,
                ended_at: r.try_get("", "ended_at")?,
                end_reason: r.try_get("", "end_reason")?,
                cadence_days: agreement_cadence.unwrap_or(r.try_get::<i32>("", "program_cadence")?),
                held: t.held,
                first_held_at: t.first_held,
                last_held_at: t.last_held,
                held_last_30_days: t.recent,
                overdue_action_items: t.overdue,
                rating_sum: t.rating_sum,
                ratings: t.ratings,
                milestones: t.milestones,
                milestones_achieved: t.achieved,
                agreement_signed: has_agreement && participants > 0 && t.signed >= participants,
                mentorship_id: id,
                mentor_id,
            })
        })
        .collect()
}

/// The statements behind `relationship_facts`: the relationships, and the
/// grouped counts by name.
fn facts_queries(
    scope: Scope<'_>,
    now: DateTime<Utc>,
) -> (SelectStatement, Vec<(&'static str, SelectStatement)>) {
    let only_active = matches!(scope, Scope::Active);
    // Each grouped statement reads the relationships of the scope only.
    let within = move |q: &mut SelectStatement| {
        if only_active {
            let mut ids = Query::select();
            ids.column(mentorship::Column::Id)
                .from(mentorship::Entity)
                .and_where(Expr::col(mentorship::Column::Status).eq(S::Active));
            q.and_where(col("x", "mentorship_id").in_subquery(ids));
        }
    };
    let of = match scope {
        Scope::Active => None,
        Scope::Program(p) => Some(p),
    };
    let today: NaiveDate = now.date_naive();
    // Held meetings: how many, the first and last, and how many in the last 30 days.
    let held = per_relationship(meeting::Entity, of, |q| {
        q.expr_as(Expr::val(1).count(), Alias::new("held"))
            .expr_as(col("x", "starts_at").min(), Alias::new("first_held"))
            .expr_as(col("x", "starts_at").max(), Alias::new("last_held"))
            .expr_as(
                Expr::case(
                    col("x", "starts_at")
                        .gte(now - Duration::days(30))
                        .and(col("x", "starts_at").lte(now)),
                    1,
                )
                .finally(0)
                .sum(),
                Alias::new("recent"),
            )
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
    let milestones = per_relationship(milestone::Entity, of, |q| {
        q.expr_as(Expr::val(1).count(), Alias::new("milestones"))
            .expr_as(
                Expr::case(col("x", "status").eq(MilestoneStatus::Achieved), 1)
                    .finally(0)
                    .sum(),
                Alias::new("achieved"),
            );
    });
    let seats = per_relationship(mentorship_mentee::Entity, of, |q| {
        q.expr_as(col("x", "mentee_id").count(), Alias::new("mentees"));
    });
    // Only participants sign, and a change to the agreement clears every
    // signature, so the signatures counted are those of people in it now.
    let signed = per_relationship(agreement_signature::Entity, of, |q| {
        q.expr_as(Expr::val(1).count(), Alias::new("signed"));
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
            user::Entity,
            Alias::new("mu"),
            col("mu", "id").equals((Alias::new("m"), Alias::new("mentor_id"))),
        )
        .join_as(
            JoinType::LeftJoin,
            agreement::Entity,
            Alias::new("a"),
            col("a", "mentorship_id").equals((Alias::new("m"), Alias::new("id"))),
        );
    for (table, column, alias) in [
        ("m", "id", "id"),
        ("m", "program_id", "program_id"),
        ("m", "mentor_id", "mentor_id"),
        ("mu", "name", "mentor_name"),
        ("m", "status", "status"),
        ("m", "origin", "origin"),
        ("m", "created_at", "created_at"),
        ("m", "expires_at", "expires_at"),
        ("m", "started_at", "started_at"),
        ("m", "ended_at", "ended_at"),
        ("m", "end_reason", "end_reason"),
        ("p", "cadence_days", "program_cadence"),
        ("a", "cadence_days", "agreement_cadence"),
    ] {
        q.expr_as(col(table, column), Alias::new(alias));
    }
    q.expr_as(
        col("a", "mentorship_id").is_not_null(),
        Alias::new("has_agreement"),
    )
    .order_by((Alias::new("m"), Alias::new("id")), Order::Asc);
    match scope {
        Scope::Active => {
            q.and_where(col("m", "status").eq(S::Active));
        }
        Scope::Program(program) => {
            q.and_where(col("m", "program_id").eq(program.as_str()));
        }
    }
    let mut aggregates = vec![
        ("held", held),
        ("overdue", overdue),
        ("ratings", ratings),
        ("milestones", milestones),
        ("seats", seats),
        ("signed", signed),
    ];
    for (_, a) in aggregates.iter_mut() {
        within(a);
    }
    (q, aggregates)
}

/// Someone enrolled in a program.
#[derive(Debug, Clone)]
pub struct EnrolmentRow {
    pub user_id: String,
    pub name: String,
    pub email: String,
    pub role: Role,
    pub enrolled_at: DateTime<Utc>,
}

/// Everyone enrolled in a program, in the order they enrolled.
pub async fn enrolments_of(
    db: &impl ConnectionTrait,
    program: ProgramId<'_>,
) -> Result<Vec<EnrolmentRow>, DbErr> {
    let mut q = Query::select();
    q.from_as(enrollment::Entity, Alias::new("e"))
        .join_as(
            JoinType::InnerJoin,
            user::Entity,
            Alias::new("u"),
            col("u", "id").equals((Alias::new("e"), Alias::new("user_id"))),
        )
        .expr_as(col("e", "user_id"), Alias::new("user_id"))
        .expr_as(col("u", "name"), Alias::new("name"))
        .expr_as(col("u", "email"), Alias::new("email"))
        .expr_as(col("e", "role"), Alias::new("role"))
        .expr_as(col("e", "created_at"), Alias::new("enrolled_at"))
        .and_where(col("e", "program_id").eq(program.as_str()))
        .order_by((Alias::new("e"), Alias::new("created_at")), Order::Asc)
        .order_by((Alias::new("e"), Alias::new("id")), Order::Asc);
    rows(db, &q)
        .await?
        .iter()
        .map(|r| {
            Ok(EnrolmentRow {
                user_id: r.try_get("", "user_id")?,
                name: r.try_get("", "name")?,
                email: r.try_get("", "email")?,
                role: r.try_get("", "role")?,
                enrolled_at: r.try_get("", "enrolled_at")?,
            })
        })
        .collect()
}

/// A mentee's seat in a relationship of the program.
#[derive(Debug, Clone)]
pub struct SeatRow {
    pub mentorship_id: String,
    /// None once they erased their account.
    pub mentee_id: Option<String>,
    pub name: Option<String>,
}

/// The seats of every relationship of a program, in order of joining.
pub async fn seats_of(
    db: &impl ConnectionTrait,
    program: ProgramId<'_>,
) -> Result<Vec<SeatRow>, DbErr> {
    let mut q = Query::select();
    q.from_as(mentorship_mentee::Entity, Alias::new("s"))
        .join_as(
            JoinType::LeftJoin,
            user::Entity,
            Alias::new("u"),
            col("u", "id").equals((Alias::new("s"), Alias::new("mentee_id"))),
        )
        .expr_as(col("s", "mentorship_id"), Alias::new("mentorship_id"))
        .expr_as(col("s", "mentee_id"), Alias::new("mentee_id"))
        .expr_as(col("u", "name"), Alias::new("name"))
        .and_where(col("s", "mentorship_id").in_subquery(ids_of(program)))
        .order_by((Alias::new("s"), Alias::new("joined_at")), Order::Asc)
        .order_by((Alias::new("s"), Alias::new("id")), Order::Asc);
    rows(db, &q)
        .await?
        .iter()
        .map(|r| {
            Ok(SeatRow {
                mentorship_id: r.try_get("", "mentorship_id")?,
                mentee_id: r.try_get("", "mentee_id")?,
                name: r.try_get("", "name")?,
            })
        })
        .collect()
}

/// Meetings held in the program's relationships per month since `since`:
/// ("2027-03", count), oldest first.
pub async fn held_per_month(
    db: &impl ConnectionTrait,
    program: ProgramId<'_>,
    since: DateTime<Utc>,
) -> Result<Vec<(String, i64)>, DbErr> {
    // Grouped first and named after: `to_char` on a dozen groups, not on every row.
    let (month, label) = match db.get_database_backend() {
        DatabaseBackend::Postgres => (
            Expr::cust("date_trunc('month', \"x\".\"starts_at\" AT TIME ZONE 'UTC')"),
            Expr::cust(
                "to_char(date_trunc('month', \"x\".\"starts_at\" AT TIME ZONE 'UTC'), 'YYYY-MM')",
            ),
        ),
        _ => (
            Expr::cust("substr(\"x\".\"starts_at\", 1, 7)"),
            Expr::cust("substr(\"x\".\"starts_at\", 1, 7)"),
        ),
    };
    let mut q = Query::select();
    q.from_as(meeting::Entity, Alias::new("x"))
        .expr_as(label, Alias::new("month"))
        .expr_as(Expr::val(1).count(), Alias::new("held"))
        .and_where(col("x", "status").eq(MeetingStatus::Held))
        .and_where(col("x", "starts_at").gte(since))
        .and_where(col("x", "mentorship_id").in_subquery(ids_of(program)))
        .add_group_by([month.clone()])
        .order_by_expr(month, Order::Asc);
    rows(db, &q)
        .await?
        .iter()
        .map(|r| Ok((r.try_get("", "month")?, count(r, "held")?)))
        .collect()
}

#[cfg(test)]
mod tests {
    #[test]
    #[ignore = "prints the report's statements, to read their plans"]
    fn print_the_facts_statements() {
        use sea_orm::sea_query::{PostgresQueryBuilder, SqliteQueryBuilder};
        let (main, aggregates) = super::facts_queries(
            super::Scope::Program(crate::domain::ids::ProgramId("P")),
            chrono::Utc::now(),
        );
        println!("{}", main.to_string(SqliteQueryBuilder));
        for (name, q) in aggregates {
            println!(
                "-- {name}\n{}\n{}",
                q.to_string(SqliteQueryBuilder),
                q.to_string(PostgresQueryBuilder)
            );
        }
    }
}
