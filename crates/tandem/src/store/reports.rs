//! What the oversight of programs reads in bulk: each relationship's facts (its
//! dates, its people, the counts the database keeps of its meetings held,
//! ratings, milestones and signatures, and its overdue action items), the
//! enrolments, and meetings per month; a fixed number of statements whatever
//! the number of relationships. Names, counts, dates and ratings only: never a
//! text anyone wrote.
use super::entities::{
    action_item, agreement, enrollment, mentorship, mentorship_mentee, program, user,
};
use super::sql::{col, rows};
use crate::domain::ids::ProgramId;
use crate::domain::wire::{EndReason, MentorshipStatus as S, Origin, Role};
use chrono::{DateTime, Utc};
use futures_util::StreamExt;
use sea_orm::sea_query::{Alias, Expr, ExprTrait, JoinType, Order, Query, SelectStatement};
use sea_orm::{ConnectionTrait, DbErr, QueryResult, StreamTrait};
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
    pub overdue_action_items: i64,
    pub rating_sum: i64,
    pub ratings: i64,
    pub milestones: i64,
    pub milestones_achieved: i64,
    /// An agreement exists and every participant still in it has signed it.
    pub agreement_signed: bool,
    /// The mentees seated now, in order of joining (an erased account's seat is
    /// empty and left out). Names are the reader's to find: in a program's
    /// enrolments, which hold everyone in its relationships.
    pub mentee_ids: Vec<String>,
}

/// A count or sum, whatever integer (or decimal) type the database gives it.
pub fn count(r: &QueryResult, name: &str) -> Result<i64, DbErr> {
    Ok(r.try_get::<Option<i64>>("", name)
        .or_else(|_| r.try_get::<Option<i32>>("", name).map(|n| n.map(i64::from)))
        .or_else(|_| {
            r.try_get::<Option<rust_decimal::Decimal>>("", name)
                .map(|d| d.and_then(|d| i64::try_from(d).ok()))
        })?
        .unwrap_or(0))
}

/// The counts the database keeps per relationship as its meetings, feedback,
/// milestones, seats and signatures change (migration m0012).
const COUNTS: &str = "relationship_counts";

/// The facts of the relationships in `scope`, ordered by id: the relationships
/// with their kept counts and their mentees in one statement, and their overdue
/// action items (which depend on the day) in one more, whatever their number.
pub async fn relationship_facts(
    db: &(impl ConnectionTrait + StreamTrait),
    scope: Scope<'_>,
    now: DateTime<Utc>,
) -> Result<Vec<FactsRow>, DbErr> {
    let mut out = Vec::new();
    each_relationship_facts(db, scope, now, |f| out.push(f)).await?;
    Ok(out)
}

/// `relationship_facts` one relationship at a time, in order of id, as the rows
/// arrive: only the relationship being read is held, not every row at once.
pub async fn each_relationship_facts(
    db: &(impl ConnectionTrait + StreamTrait),
    scope: Scope<'_>,
    now: DateTime<Utc>,
    mut each: impl FnMut(FactsRow),
) -> Result<(), DbErr> {
    let overdue_of = overdue_of(db, scope, now).await?;
    let main = facts_query(scope);
    // A row per seat (or one, with none): the seats of a relationship follow it.
    let mut current: Option<FactsRow> = None;
    let mut stream = std::pin::pin!(db.stream(&main).await?);
    while let Some(r) = stream.next().await {
        let r = r?;
        let id: String = r.try_get("", "id")?;
        let seat: Option<String> = r.try_get("", "mentee_id")?;
        if let Some(same) = current.as_mut().filter(|f| f.mentorship_id == id) {
            same.mentee_ids.extend(seat);
            continue;
        }
        let mentor_id: Option<String> = r.try_get("", "mentor_id")?;
        let participants = count(&r, "mentees")? + i64::from(mentor_id.is_some());
        let agreement_cadence: Option<i32> = r.try_get("", "agreement_cadence")?;
        let next = FactsRow {
            program_id: r.try_get("", "program_id")?,
            status: r.try_get("", "status")?,
            origin: r.try_get("", "origin")?,
            created_at: r.try_get("", "created_at")?,
            expires_at: r.try_get("", "expires_at")?,
            started_at: r.try_get("", "started_at")?,
            ended_at: r.try_get("", "ended_at")?,
            end_reason: r.try_get("", "end_reason")?,
            cadence_days: agreement_cadence.unwrap_or(r.try_get::<i32>("", "program_cadence")?),
            held: count(&r, "held")?,
            first_held_at: r.try_get("", "first_held_at")?,
            last_held_at: r.try_get("", "last_held_at")?,
            overdue_action_items: overdue_of.get(&id).copied().unwrap_or(0),
            rating_sum: count(&r, "rating_sum")?,
            ratings: count(&r, "ratings")?,
            milestones: count(&r, "milestones")?,
            milestones_achieved: count(&r, "achieved")?,
            // An agreement's cadence is never null: a cadence read means an agreement.
            agreement_signed: agreement_cadence.is_some()
                && participants > 0
                && count(&r, "signed")? >= participants,
            mentee_ids: seat.into_iter().collect(),
            mentorship_id: id,
            mentor_id,
        };
        if let Some(done) = current.replace(next) {
            each(done);
        }
    }
    if let Some(done) = current {
        each(done);
    }
    Ok(())
}

/// The overdue action items of the relationships in `scope`, by relationship.
async fn overdue_of(
    db: &impl ConnectionTrait,
    scope: Scope<'_>,
    now: DateTime<Utc>,
) -> Result<HashMap<String, i64>, DbErr> {
    let mut overdue_of: HashMap<String, i64> = HashMap::new();
    for r in rows(db, &overdue_query(scope, now)).await? {
        overdue_of.insert(r.try_get("", "mentorship_id")?, count(&r, "overdue")?);
    }
    Ok(overdue_of)
}

/// The overdue action items of the relationships in `scope`, grouped by relationship.
fn overdue_query(scope: Scope<'_>, now: DateTime<Utc>) -> SelectStatement {
    let mut within = Query::select();
    within
        .column(mentorship::Column::Id)
        .from(mentorship::Entity);
    match scope {
        Scope::Active => within.and_where(Expr::col(mentorship::Column::Status).eq(S::Active)),
        Scope::Program(p) => {
            within.and_where(Expr::col(mentorship::Column::ProgramId).eq(p.as_str()))
        }
    };
    let mut overdue = Query::select();
    overdue
        .from_as(action_item::Entity, Alias::new("x"))
        .expr_as(col("x", "mentorship_id"), Alias::new("mentorship_id"))
        .expr_as(Expr::val(1).count(), Alias::new("overdue"))
        .and_where(col("x", "done").eq(false))
        .and_where(col("x", "due_on").lt(now.date_naive()))
        .and_where(col("x", "mentorship_id").in_subquery(within))
        .group_by_col((Alias::new("x"), Alias::new("mentorship_id")));
    overdue
}

/// The relationships in `scope` with their counts, a row per seat.
fn facts_query(scope: Scope<'_>) -> SelectStatement {
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
            Alias::new(COUNTS),
            Alias::new("c"),
            col("c", "mentorship_id").equals((Alias::new("m"), Alias::new("id"))),
        )
        .join_as(
            JoinType::LeftJoin,
            agreement::Entity,
            Alias::new("a"),
            col("a", "mentorship_id").equals((Alias::new("m"), Alias::new("id"))),
        )
        .join_as(
            JoinType::LeftJoin,
            mentorship_mentee::Entity,
            Alias::new("s"),
            col("s", "mentorship_id")
                .equals((Alias::new("m"), Alias::new("id")))
                .and(col("s", "mentee_id").is_not_null()),
        );
    for (table, column, alias) in [
        ("m", "id", "id"),
        ("m", "program_id", "program_id"),
        ("m", "mentor_id", "mentor_id"),
        ("m", "status", "status"),
        ("m", "origin", "origin"),
        ("m", "created_at", "created_at"),
        ("m", "expires_at", "expires_at"),
        ("m", "started_at", "started_at"),
        ("m", "ended_at", "ended_at"),
        ("m", "end_reason", "end_reason"),
        ("p", "cadence_days", "program_cadence"),
        ("a", "cadence_days", "agreement_cadence"),
        ("c", "held", "held"),
        ("c", "first_held_at", "first_held_at"),
        ("c", "last_held_at", "last_held_at"),
        ("c", "rating_sum", "rating_sum"),
        ("c", "ratings", "ratings"),
        ("c", "milestones", "milestones"),
        ("c", "achieved", "achieved"),
        ("c", "mentees", "mentees"),
        ("c", "signed", "signed"),
        ("s", "mentee_id", "mentee_id"),
    ] {
        q.expr_as(col(table, column), Alias::new(alias));
    }
    q.order_by((Alias::new("m"), Alias::new("id")), Order::Asc)
        .order_by((Alias::new("s"), Alias::new("joined_at")), Order::Asc)
        .order_by((Alias::new("s"), Alias::new("id")), Order::Asc);
    match scope {
        Scope::Active => {
            q.and_where(col("m", "status").eq(S::Active));
        }
        Scope::Program(program) => {
            q.and_where(col("m", "program_id").eq(program.as_str()));
        }
    }
    q
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

/// Meetings held in the program's relationships per month (UTC) from the
/// month `since` ("2027-03") on: ("2027-03", count), oldest first; read from
/// the counts the database keeps (migration m0012), a row a month.
pub async fn held_per_month(
    db: &impl ConnectionTrait,
    program: ProgramId<'_>,
    since: &str,
) -> Result<Vec<(String, i64)>, DbErr> {
    let mut q = Query::select();
    q.from_as(Alias::new("program_month_counts"), Alias::new("x"))
        .expr_as(col("x", "month"), Alias::new("month"))
        .expr_as(col("x", "held"), Alias::new("held"))
        .and_where(col("x", "program_id").eq(program.as_str()))
        .and_where(col("x", "month").gte(since))
        .and_where(col("x", "held").gt(0))
        .order_by((Alias::new("x"), Alias::new("month")), Order::Asc);
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
        let scope = super::Scope::Program(crate::domain::ids::ProgramId("P"));
        let main = super::facts_query(scope);
        let overdue = super::overdue_query(scope, chrono::Utc::now());
        for q in [main, overdue] {
            println!(
                "{}\n{}",
                q.to_string(SqliteQueryBuilder),
                q.to_string(PostgresQueryBuilder)
            );
        }
    }
}
