//! What the oversight of programs reads in bulk: each relationship's facts (its
//! dates, its people, the counts the database keeps of its meetings held,
//! ratings, milestones and signatures, and its overdue action items), the
//! enrolments, and meetings per month; a fixed number of statements whatever
//! the number of relationships. Names, counts, dates and ratings only: never a
//! text anyone wrote.
use super::entities::{
    action_item, agreement, enrollment, mentorship, mentorship_mentee, program, user,
};
use super::sql::{col, json, rows};
use crate::domain::ids::ProgramId;
use crate::domain::wire::{EndReason, MentorshipStatus as S, Origin, Role};
use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Alias, Expr, ExprTrait, JoinType, Order, Query, SelectStatement};
use sea_orm::{ConnectionTrait, DbBackend, DbErr, EntityName, QueryResult, StreamTrait};
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

/// What `facts_query` selects of a relationship, in the order `Facts` reads it;
/// its mentees follow.
const FACT_COLUMNS: [&str; 21] = [
    "m.id",
    "m.program_id",
    "m.mentor_id",
    "m.status",
    "m.origin",
    "m.created_at",
    "m.expires_at",
    "m.started_at",
    "m.ended_at",
    "m.end_reason",
    "p.cadence_days",
    "a.cadence_days",
    "c.held",
    "c.first_held_at",
    "c.last_held_at",
    "c.rating_sum",
    "c.ratings",
    "c.milestones",
    "c.achieved",
    "c.mentees",
    "c.signed",
];

/// A relationship's facts as `facts_query` selects them (a JSON array).
#[derive(serde::Deserialize)]
struct Facts(
    String,
    String,
    Option<String>,
    S,
    Origin,
    #[serde(deserialize_with = "json::time_given")] DateTime<Utc>,
    #[serde(deserialize_with = "json::time")] Option<DateTime<Utc>>,
    #[serde(deserialize_with = "json::time")] Option<DateTime<Utc>>,
    #[serde(deserialize_with = "json::time")] Option<DateTime<Utc>>,
    Option<EndReason>,
    i32,
    Option<i32>,
    Option<i64>,
    #[serde(deserialize_with = "json::time")] Option<DateTime<Utc>>,
    #[serde(deserialize_with = "json::time")] Option<DateTime<Utc>>,
    Option<i64>,
    Option<i64>,
    Option<i64>,
    Option<i64>,
    Option<i64>,
    Option<i64>,
    /// Absent when the seats are read on their own (`seats_query`).
    #[serde(default)]
    Option<Vec<String>>,
);

impl Facts {
    fn row(self, overdue_of: &HashMap<String, i64>) -> FactsRow {
        let Facts(
            id,
            program_id,
            mentor_id,
            status,
            origin,
            created_at,
            expires_at,
            started_at,
            ended_at,
            end_reason,
            program_cadence,
            agreement_cadence,
            held,
            first_held_at,
            last_held_at,
            rating_sum,
            ratings,
            milestones,
            achieved,
            mentees,
            signed,
            mentee_ids,
        ) = self;
        let participants = mentees.unwrap_or(0) + i64::from(mentor_id.is_some());
        FactsRow {
            overdue_action_items: overdue_of.get(&id).copied().unwrap_or(0),
            mentorship_id: id,
            program_id,
            mentor_id,
            status,
            origin,
            created_at,
            expires_at,
            started_at,
            ended_at,
            end_reason,
            cadence_days: agreement_cadence.unwrap_or(program_cadence),
            held: held.unwrap_or(0),
            first_held_at,
            last_held_at,
            rating_sum: rating_sum.unwrap_or(0),
            ratings: ratings.unwrap_or(0),
            milestones: milestones.unwrap_or(0),
            milestones_achieved: achieved.unwrap_or(0),
            // An agreement's cadence is never null: a cadence read means an agreement.
            agreement_signed: agreement_cadence.is_some()
                && participants > 0
                && signed.unwrap_or(0) >= participants,
            mentee_ids: mentee_ids.unwrap_or_default(),
        }
    }
}

/// The facts of the relationships in `scope`, ordered by id: the relationships
/// with their kept counts in one statement and their seats in another (each
/// read as one JSON text), and their overdue action items (which depend on the
/// day) in one more, whatever their number.
pub async fn relationship_facts(
    db: &impl ConnectionTrait,
    scope: Scope<'_>,
    now: DateTime<Utc>,
) -> Result<Vec<FactsRow>, DbErr> {
    let overdue_of = overdue_of(db, scope, now).await?;
    let backend = db.get_database_backend();
    let all: Vec<Facts> = json::all(db, &facts_query(scope, backend, true)).await?;
    let mut out: Vec<FactsRow> = all.into_iter().map(|f| f.row(&overdue_of)).collect();
    out.sort_unstable_by(|a, b| a.mentorship_id.cmp(&b.mentorship_id));
    // The seats in order of relationship, then of joining; the relationships
    // too are in order of id, so each one's seats follow on.
    let mut seats: Vec<Seat> = json::all(db, &seats_query(scope, backend)).await?;
    seats.sort_unstable_by(|a, b| (&a.0, a.2, &a.3).cmp(&(&b.0, b.2, &b.3)));
    let mut seats = seats.into_iter().peekable();
    for f in &mut out {
        while let Some(seat) = seats.next_if(|s| s.0 <= f.mentorship_id) {
            if seat.0 == f.mentorship_id {
                f.mentee_ids.push(seat.1);
            }
        }
    }
    Ok(out)
}

/// A seat taken as `seats_query` selects it: relationship, mentee, joined, id.
#[derive(serde::Deserialize)]
struct Seat(
    String,
    String,
    #[serde(deserialize_with = "json::time_given")] DateTime<Utc>,
    String,
);

/// The seats taken now in the relationships in `scope` (an erased account's
/// seat is empty and left out), in one JSON text. Read apart from the
/// relationships: PostgreSQL runs a sub-select per relationship much slower
/// than one join.
fn seats_query(scope: Scope<'_>, backend: DbBackend) -> SelectStatement {
    let mut q = Query::select();
    q.from_as(mentorship_mentee::Entity, Alias::new("s"))
        .join_as(
            JoinType::InnerJoin,
            mentorship::Entity,
            Alias::new("m"),
            col("m", "id").equals((Alias::new("s"), Alias::new("mentorship_id"))),
        )
        .and_where(col("s", "mentee_id").is_not_null());
    scoped(&mut q, scope);
    let row = json::array(
        backend,
        &["s.mentorship_id", "s.mentee_id", "s.joined_at", "s.id"],
    );
    json::select(&mut q, backend, &row, true);
    q
}

/// Only the relationships (`m`) in `scope`.
fn scoped(q: &mut SelectStatement, scope: Scope<'_>) {
    match scope {
        Scope::Active => {
            q.and_where(col("m", "status").eq(S::Active));
        }
        Scope::Program(program) => {
            q.and_where(col("m", "program_id").eq(program.as_str()));
        }
    }
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
    let q = facts_query(scope, ConnectionTrait::get_database_backend(db), false);
    json::each(db, &q, |f: Facts| each(f.row(&overdue_of))).await
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

/// The relationships in `scope` with their counts, each as a JSON array
/// (`Facts`): all in one JSON text when `whole` (their seats read apart, by
/// `seats_query`), else one a row in order of id with their mentees.
fn facts_query(scope: Scope<'_>, backend: DbBackend, whole: bool) -> SelectStatement {
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
        );
    // The mentees seated now, in order of joining (an erased account's seat is
    // empty and left out).
    let seats = format!("{} s", mentorship_mentee::Entity.table_name());
    let mentees = json::list(
        backend,
        "s.mentee_id",
        &seats,
        "s.mentorship_id = m.id AND s.mentee_id IS NOT NULL",
        "s.joined_at, s.id",
    );
    let mut items = FACT_COLUMNS.to_vec();
    if !whole {
        items.push(&mentees);
        q.order_by((Alias::new("m"), Alias::new("id")), Order::Asc);
    }
    json::select(&mut q, backend, &json::array(backend, &items), whole);
    scoped(&mut q, scope);
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

/// An enrolment as `enrolments_of` selects it (a JSON array), its id last.
#[derive(serde::Deserialize)]
struct Enrolment(
    String,
    String,
    String,
    Role,
    #[serde(deserialize_with = "json::time_given")] DateTime<Utc>,
    String,
);

/// Everyone enrolled in a program, in the order they enrolled: one statement,
/// read as one JSON text.
pub async fn enrolments_of(
    db: &impl ConnectionTrait,
    program: ProgramId<'_>,
) -> Result<Vec<EnrolmentRow>, DbErr> {
    let backend = db.get_database_backend();
    let mut q = Query::select();
    q.from_as(enrollment::Entity, Alias::new("e"))
        .join_as(
            JoinType::InnerJoin,
            user::Entity,
            Alias::new("u"),
            col("u", "id").equals((Alias::new("e"), Alias::new("user_id"))),
        )
        .and_where(col("e", "program_id").eq(program.as_str()));
    let row = json::array(
        backend,
        &[
            "e.user_id",
            "u.name",
            "u.email",
            "e.role",
            "e.created_at",
            "e.id",
        ],
    );
    json::select(&mut q, backend, &row, true);
    let mut all: Vec<Enrolment> = json::all(db, &q).await?;
    all.sort_unstable_by(|a, b| (a.4, &a.5).cmp(&(b.4, &b.5)));
    Ok(all
        .into_iter()
        .map(
            |Enrolment(user_id, name, email, role, enrolled_at, _)| EnrolmentRow {
                user_id,
                name,
                email,
                role,
                enrolled_at,
            },
        )
        .collect())
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
        use sea_orm::DbBackend;
        let overdue = super::overdue_query(scope, chrono::Utc::now());
        for whole in [true, false] {
            let sqlite = super::facts_query(scope, DbBackend::Sqlite, whole);
            let postgres = super::facts_query(scope, DbBackend::Postgres, whole);
            println!(
                "{}\n{}",
                sqlite.to_string(SqliteQueryBuilder),
                postgres.to_string(PostgresQueryBuilder)
            );
        }
        println!(
            "{}\n{}",
            overdue.to_string(SqliteQueryBuilder),
            overdue.to_string(PostgresQueryBuilder)
        );
    }
}
