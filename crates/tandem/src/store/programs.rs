//! Programs, their coordinators, enrolments, the mentor directory, and the places
//! a mentor has taken.
use super::cache::through;
use super::columns::TextList;
use super::db::Store;
use super::directory;
use super::entities::{
    coordinator, enrollment, mentorship, mentorship_mentee, profile, program, user,
};
use super::records::{Named, ProgramRecord};
use super::sql::{after_asc, col, model, rows, select_prefixed, update_changed};
use crate::domain::ids::{PersonId, ProgramId};
use crate::domain::values::Weights;
use crate::domain::wire::{MentorshipStatus as S, ProgramContext, ProgramKind, Role, Seniority};
use crate::domain::words::sort_key;
use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::sea_query::{Alias, Expr, ExprTrait, Func, JoinType, Order, Query, SelectStatement};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, IntoActiveModel,
    QueryFilter, QueryOrder, QuerySelect,
};
use std::sync::Arc;

pub async fn program_by_id(
    db: &impl ConnectionTrait,
    id: &str,
) -> Result<Option<program::Model>, DbErr> {
    program::Entity::find_by_id(id.to_string()).one(db).await
}

/// The program's row, locked until the transaction ends (PostgreSQL).
pub async fn lock_program(
    db: &impl ConnectionTrait,
    id: &str,
) -> Result<Option<program::Model>, DbErr> {
    program::Entity::find_by_id(id.to_string())
        .lock_exclusive()
        .one(db)
        .await
}

/// The program, held against changes (archiving) until the transaction ends,
/// while others may hold it alike (PostgreSQL `FOR SHARE`; SQLite's writer
/// already holds everything).
pub async fn program_held(
    db: &impl ConnectionTrait,
    id: &str,
) -> Result<Option<program::Model>, DbErr> {
    program::Entity::find_by_id(id.to_string())
        .lock_shared()
        .one(db)
        .await
}

/// A new program's row before its settings are applied: the SPEC's defaults
/// (three mentees a mentor, a meeting every 14 days, one mentor a mentee, requests
/// waiting 14 days, any time-zone gap, the default weights).
pub fn new_program(at: DateTime<Utc>) -> program::Model {
    program::Model {
        id: super::db::new_id(),
        name: String::new(),
        description: String::new(),
        kind: ProgramKind::Traditional,
        context: ProgramContext::Corporate,
        starts_on: NaiveDate::MIN,
        ends_on: NaiveDate::MIN,
        mentor_capacity: 3,
        cadence_days: 14,
        max_mentors_per_mentee: 1,
        request_expiry_days: 14,
        max_timezone_gap_hours: 12,
        weights: Weights::default(),
        created_at: at,
        archived: false,
    }
}

pub async fn insert_program(
    db: &impl ConnectionTrait,
    p: program::Model,
) -> Result<program::Model, DbErr> {
    p.into_active_model().reset_all().insert(db).await
}

/// Writes the columns that differ from `before`, and only those.
pub async fn update_program(
    db: &impl ConnectionTrait,
    before: program::Model,
    after: program::Model,
) -> Result<program::Model, DbErr> {
    update_changed::<program::Entity>(db, before, after).await
}

/// Programs, latest start first: `fetch` rows after `(starts_on, id)`.
pub async fn programs_page(
    db: &impl ConnectionTrait,
    after: Option<(NaiveDate, String)>,
    fetch: u64,
    with_archived: bool,
) -> Result<Vec<program::Model>, DbErr> {
    let mut q = program::Entity::find();
    if !with_archived {
        q = q.filter(program::Column::Archived.eq(false));
    }
    if let Some((on, id)) = after {
        q = q.filter(
            Expr::col(program::Column::StartsOn)
                .lt(on)
                .or(Expr::col(program::Column::StartsOn)
                    .eq(on)
                    .and(Expr::col(program::Column::Id).gt(id))),
        );
    }
    q.order_by_desc(program::Column::StartsOn)
        .order_by_asc(program::Column::Id)
        .limit(fetch)
        .all(db)
        .await
}

// ------------------------------------------------------------------ coordinators

pub async fn coordinators_of(
    db: &impl ConnectionTrait,
    program_id: &str,
) -> Result<Vec<Named>, DbErr> {
    let mut q = Query::select();
    q.from_as(coordinator::Entity, Alias::new("c"))
        .join_as(
            JoinType::InnerJoin,
            user::Entity,
            Alias::new("u"),
            col("u", "id").equals((Alias::new("c"), Alias::new("user_id"))),
        )
        .expr_as(col("u", "id"), Alias::new("id"))
        .expr_as(col("u", "name"), Alias::new("name"))
        .and_where(col("c", "program_id").eq(program_id))
        .order_by((Alias::new("c"), Alias::new("created_at")), Order::Asc)
        .order_by((Alias::new("u"), Alias::new("id")), Order::Asc);
    rows(db, &q)
        .await?
        .iter()
        .map(|r| {
            Ok(Named {
                id: r.try_get("", "id")?,
                name: r.try_get("", "name")?,
            })
        })
        .collect()
}

pub async fn is_coordinator(
    db: &impl ConnectionTrait,
    program_id: ProgramId<'_>,
    user_id: PersonId<'_>,
) -> Result<bool, DbErr> {
    Ok(
        coordinator::Entity::find_by_id((program_id.0.to_string(), user_id.0.to_string()))
            .one(db)
            .await?
            .is_some(),
    )
}

pub async fn add_coordinator(
    db: &impl ConnectionTrait,
    program_id: ProgramId<'_>,
    user_id: PersonId<'_>,
    now: DateTime<Utc>,
) -> Result<coordinator::Model, DbErr> {
    coordinator::Model {
        program_id: program_id.0.to_string(),
        user_id: user_id.0.to_string(),
        created_at: now,
    }
    .into_active_model()
    .insert(db)
    .await
}

pub async fn programs_coordinated_by(
    db: &impl ConnectionTrait,
    user_id: &str,
) -> Result<Vec<program::Model>, DbErr> {
    let mut mine = Query::select();
    mine.column(coordinator::Column::ProgramId)
        .from(coordinator::Entity)
        .and_where(Expr::col(coordinator::Column::UserId).eq(user_id));
    program::Entity::find()
        .filter(Expr::col(program::Column::Id).in_subquery(mine))
        .order_by_asc(program::Column::Name)
        .order_by_asc(program::Column::Id)
        .all(db)
        .await
}

/// A program with its coordinators: two statements.
pub async fn program_record(
    db: &impl ConnectionTrait,
    id: &str,
) -> Result<Option<ProgramRecord>, DbErr> {
    let Some(program) = program_by_id(db, id).await? else {
        return Ok(None);
    };
    let coordinators = coordinators_of(db, id).await?;
    Ok(Some(ProgramRecord {
        program,
        coordinators,
    }))
}

/// The cached form of [`program_record`].
pub async fn program_cached(store: &Store, id: &str) -> Result<Option<Arc<ProgramRecord>>, DbErr> {
    let shared = store.shared();
    through(
        &shared.caches.programs,
        shared.generation.data(),
        id.to_string(),
        || async { Ok(program_record(store.read(), id).await?.map(Arc::new)) },
    )
    .await
}

/// The names of these programs (unknown ids are left out).
pub async fn names_of(
    db: &impl ConnectionTrait,
    ids: &[String],
) -> Result<Vec<(String, String)>, DbErr> {
    let mut out = Vec::new();
    for chunk in ids.chunks(super::sql::IN_CHUNK) {
        out.extend(
            program::Entity::find()
                .select_only()
                .column(program::Column::Id)
                .column(program::Column::Name)
                .filter(program::Column::Id.is_in(chunk.iter().cloned()))
                .into_tuple::<(String, String)>()
                .all(db)
                .await?,
        );
    }
    Ok(out)
}

// ------------------------------------------------------------------ enrolments

pub async fn roles_in(
    db: &impl ConnectionTrait,
    program_id: ProgramId<'_>,
    user_id: PersonId<'_>,
) -> Result<Vec<Role>, DbErr> {
    enrollment::Entity::find()
        .select_only()
        .column(enrollment::Column::Role)
        .filter(enrollment::Column::ProgramId.eq(program_id))
        .filter(enrollment::Column::UserId.eq(user_id))
        .into_tuple::<Role>()
        .all(db)
        .await
}

pub async fn enrollment_as(
    db: &impl ConnectionTrait,
    program_id: ProgramId<'_>,
    user_id: PersonId<'_>,
    role: Role,
) -> Result<Option<enrollment::Model>, DbErr> {
    enrollment::Entity::find()
        .filter(enrollment::Column::ProgramId.eq(program_id))
        .filter(enrollment::Column::UserId.eq(user_id))
        .filter(enrollment::Column::Role.eq(role))
        .one(db)
        .await
}

/// A person enrolled in a program in one role.
pub struct NewEnrollment<'a> {
    pub program: ProgramId<'a>,
    pub person: PersonId<'a>,
    /// The person's name, which the directory lists them by.
    pub name: &'a str,
    pub role: Role,
    /// A mentor's own capacity (None: the program's).
    pub capacity: Option<i32>,
    pub wants_skills: Vec<String>,
    pub goals_summary: String,
    pub at: DateTime<Utc>,
}

pub async fn insert_enrollment(
    db: &impl ConnectionTrait,
    e: NewEnrollment<'_>,
) -> Result<enrollment::Model, DbErr> {
    enrollment::Model {
        id: super::db::new_id(),
        program_id: e.program.0.to_string(),
        user_id: e.person.0.to_string(),
        role: e.role,
        capacity: e.capacity,
        wants_skills: TextList(e.wants_skills),
        goals_summary: e.goals_summary,
        created_at: e.at,
        sort_key: sort_key(e.name),
    }
    .into_active_model()
    .reset_all()
    .insert(db)
    .await
}

/// Every enrolment of a program.
pub async fn all_enrollments_in(
    db: &impl ConnectionTrait,
    program: ProgramId<'_>,
) -> Result<Vec<enrollment::Model>, DbErr> {
    enrollment::Entity::find()
        .filter(enrollment::Column::ProgramId.eq(program.0))
        .all(db)
        .await
}

/// Many enrolments at once (an import).
pub async fn insert_enrollments(
    db: &impl ConnectionTrait,
    new: Vec<NewEnrollment<'_>>,
) -> Result<(), DbErr> {
    let rows: Vec<enrollment::ActiveModel> = new
        .into_iter()
        .map(|e| {
            enrollment::Model {
                id: super::db::new_id(),
                program_id: e.program.0.to_string(),
                user_id: e.person.0.to_string(),
                role: e.role,
                capacity: e.capacity,
                wants_skills: TextList(e.wants_skills),
                goals_summary: e.goals_summary,
                created_at: e.at,
                sort_key: sort_key(e.name),
            }
            .into_active_model()
        })
        .collect();
    for chunk in rows.chunks(500) {
        enrollment::Entity::insert_many(chunk.to_vec())
            .exec_without_returning(db)
            .await?;
    }
    Ok(())
}

/// Sets what an import says of an enrolment; whether anything changed.
pub async fn update_enrollment(
    db: &impl ConnectionTrait,
    before: &enrollment::Model,
    capacity: Option<i32>,
    wants_skills: Option<Vec<String>>,
) -> Result<bool, DbErr> {
    let mut after = before.clone();
    if capacity.is_some() {
        after.capacity = capacity;
    }
    if let Some(w) = wants_skills {
        after.wants_skills = TextList(w);
    }
    if &after == before {
        return Ok(false);
    }
    update_changed::<enrollment::Entity>(db, before.clone(), after).await?;
    Ok(true)
}

/// An enrolment with the person's name.
pub struct EnrollmentRow {
    pub enrollment: enrollment::Model,
    pub name: String,
    pub email: String,
}

fn enrollment_query() -> SelectStatement {
    let mut q = Query::select();
    q.from_as(enrollment::Entity, Alias::new("e"))
        .join_as(
            JoinType::InnerJoin,
            user::Entity,
            Alias::new("u"),
            col("u", "id").equals((Alias::new("e"), Alias::new("user_id"))),
        )
        .expr_as(col("u", "name"), Alias::new("name"))
        .expr_as(col("u", "email"), Alias::new("email"));
    select_prefixed::<enrollment::Entity>(&mut q, "e", "e_");
    q
}

fn enrollment_row(r: &sea_orm::QueryResult) -> Result<EnrollmentRow, DbErr> {
    Ok(EnrollmentRow {
        enrollment: model::<enrollment::Entity>(r, "e_")?,
        name: r.try_get("", "name")?,
        email: r.try_get("", "email")?,
    })
}

/// A program's enrolments in the order they came: `fetch` rows after `(created_at, id)`.
pub async fn enrollments_page(
    db: &impl ConnectionTrait,
    program_id: &str,
    after: Option<(DateTime<Utc>, String)>,
    fetch: u64,
) -> Result<Vec<EnrollmentRow>, DbErr> {
    let mut q = enrollment_query();
    q.and_where(col("e", "program_id").eq(program_id));
    if let Some((at, id)) = after {
        q.and_where(after_asc(col("e", "created_at"), col("e", "id"), at, id));
    }
    q.order_by((Alias::new("e"), Alias::new("created_at")), Order::Asc)
        .order_by((Alias::new("e"), Alias::new("id")), Order::Asc)
        .limit(fetch);
    rows(db, &q).await?.iter().map(enrollment_row).collect()
}

/// A person's enrolments, oldest first.
pub async fn enrollments_of(
    db: &impl ConnectionTrait,
    user_id: &str,
) -> Result<Vec<EnrollmentRow>, DbErr> {
    let mut q = enrollment_query();
    q.and_where(col("e", "user_id").eq(user_id))
        .order_by((Alias::new("e"), Alias::new("created_at")), Order::Asc)
        .order_by((Alias::new("e"), Alias::new("id")), Order::Asc);
    rows(db, &q).await?.iter().map(enrollment_row).collect()
}

// ------------------------------------------------------------------ places

/// Mentees a mentor holds in a program: those of their active, paused and proposed
/// relationships, as a subquery on `enrollments e`.
fn used_places_of_enrolled() -> SelectStatement {
    let mut q = Query::select();
    q.expr(Func::count(Expr::col((Alias::new("mm"), Alias::new("id")))))
        .from_as(mentorship_mentee::Entity, Alias::new("mm"))
        .join_as(
            JoinType::InnerJoin,
            mentorship::Entity,
            Alias::new("m"),
            col("m", "id").equals((Alias::new("mm"), Alias::new("mentorship_id"))),
        )
        .and_where(col("m", "program_id").equals((Alias::new("e"), Alias::new("program_id"))))
        .and_where(col("m", "mentor_id").equals((Alias::new("e"), Alias::new("user_id"))))
        .and_where(col("m", "status").is_in(S::USING_CAPACITY.iter().copied()));
    q
}

/// Mentees a mentor holds in a program.
pub async fn used_capacity(
    db: &impl ConnectionTrait,
    program_id: ProgramId<'_>,
    mentor_id: PersonId<'_>,
) -> Result<i64, DbErr> {
    let mut q = Query::select();
    q.expr(Func::count(Expr::col((Alias::new("mm"), Alias::new("id")))))
        .from_as(mentorship_mentee::Entity, Alias::new("mm"))
        .join_as(
            JoinType::InnerJoin,
            mentorship::Entity,
            Alias::new("m"),
            col("m", "id").equals((Alias::new("mm"), Alias::new("mentorship_id"))),
        )
        .and_where(col("m", "program_id").eq(program_id))
        .and_where(col("m", "mentor_id").eq(mentor_id))
        .and_where(col("m", "status").is_in(S::USING_CAPACITY.iter().copied()));
    let row = rows(db, &q).await?.into_iter().next();
    Ok(match row {
        Some(r) => r.try_get_by_index::<i64>(0)?,
        None => 0,
    })
}

// ------------------------------------------------------------------ the directory

/// What the directory filters on; every part optional, words as
/// `domain::words` cuts them.
#[derive(Debug, Default, Clone)]
pub struct DirectoryFilter {
    /// Words that must each start a word of the name, field, headline, known
    /// for, bio or skills.
    pub words: Vec<String>,
    /// Words that must each start a word of a skill.
    pub skill: Vec<String>,
    /// Words that must each start a word of the field.
    pub field: Vec<String>,
    /// One of the mentor's languages, whole.
    pub language: Option<String>,
    pub seniority: Option<Seniority>,
    /// Only mentors with a place left, counting this capacity for those who set none
    /// (the program's).
    pub with_room: Option<i32>,
}

/// A mentor in the directory: enrolment, account, profile and places taken.
pub struct DirectoryRow {
    pub enrollment: enrollment::Model,
    pub name: String,
    pub profile: Option<profile::Model>,
    pub used: i64,
}

/// A program's mentors matching the filter, by name: `fetch` rows after
/// `(sort_key, person id)`, in one statement whatever the page size. The page's
/// ids are picked by walking the program's mentors in the order of their index
/// (`idx_enrollments_directory`), each filter a membership test (words and
/// languages through their own index), so a page costs the mentors it passes
/// over rather than a sort of them all; only the page's rows are then read
/// whole, with the places they hold.
pub async fn directory_page(
    db: &impl ConnectionTrait,
    program_id: &str,
    filter: &DirectoryFilter,
    after: Option<(String, String)>,
    fetch: u64,
) -> Result<Vec<DirectoryRow>, DbErr> {
    let mut pick = Query::select();
    pick.from_as(enrollment::Entity, Alias::new("e"))
        .expr_as(col("e", "id"), Alias::new("enrollment_id"))
        .expr_as(col("e", "sort_key"), Alias::new("sort_key"))
        .expr_as(col("e", "user_id"), Alias::new("person_id"))
        .and_where(col("e", "program_id").eq(program_id))
        .and_where(col("e", "role").eq(Role::Mentor));
    let person = || col("e", "user_id");
    for (parts, words) in [
        (directory::FREE_TEXT, &filter.words),
        (&[directory::Part::Skill][..], &filter.skill),
        (&[directory::Part::Field][..], &filter.field),
    ] {
        for word in words {
            pick.and_where(person().in_subquery(directory::starting_with(parts, word)));
        }
    }
    if let Some(language) = &filter.language {
        pick.and_where(person().in_subquery(directory::speaking(language)));
    }
    if let Some(seniority) = filter.seniority {
        let mut of_seniority = Query::select();
        of_seniority
            .column(profile::Column::UserId)
            .from(profile::Entity)
            .and_where(Expr::col(profile::Column::Seniority).eq(seniority.as_str()));
        pick.and_where(person().in_subquery(of_seniority));
    }
    if let Some(program_capacity) = filter.with_room {
        pick.and_where(
            Expr::expr(Func::coalesce([
                col("e", "capacity"),
                Expr::val(program_capacity),
            ]))
            .gt(Expr::SubQuery(
                None,
                Box::new(used_places_of_enrolled().into()),
            )),
        );
    }
    if let Some((key, id)) = after {
        pick.and_where(after_asc(
            col("e", "sort_key"),
            col("e", "user_id"),
            key,
            id,
        ));
    }
    pick.order_by((Alias::new("e"), Alias::new("sort_key")), Order::Asc)
        .order_by((Alias::new("e"), Alias::new("user_id")), Order::Asc)
        .limit(fetch);

    let mut q = Query::select();
    q.from_subquery(pick, Alias::new("pg"))
        .join_as(
            JoinType::InnerJoin,
            enrollment::Entity,
            Alias::new("e"),
            col("e", "id").equals((Alias::new("pg"), Alias::new("enrollment_id"))),
        )
        .join_as(
            JoinType::InnerJoin,
            user::Entity,
            Alias::new("u"),
            col("u", "id").equals((Alias::new("pg"), Alias::new("person_id"))),
        )
        .join_as(
            JoinType::LeftJoin,
            profile::Entity,
            Alias::new("p"),
            col("p", "user_id").equals((Alias::new("pg"), Alias::new("person_id"))),
        )
        .expr_as(col("u", "name"), Alias::new("name"))
        .expr_as(col("p", "user_id").is_not_null(), Alias::new("has_profile"))
        .expr_as(
            Expr::SubQuery(None, Box::new(used_places_of_enrolled().into())),
            Alias::new("used"),
        )
        .order_by((Alias::new("pg"), Alias::new("sort_key")), Order::Asc)
        .order_by((Alias::new("pg"), Alias::new("person_id")), Order::Asc);
    select_prefixed::<enrollment::Entity>(&mut q, "e", "e_");
    select_prefixed::<profile::Entity>(&mut q, "p", "p_");
    rows(db, &q)
        .await?
        .iter()
        .map(|r| {
            let has_profile: bool = r.try_get("", "has_profile")?;
            Ok(DirectoryRow {
                enrollment: model::<enrollment::Entity>(r, "e_")?,
                name: r.try_get("", "name")?,
                profile: if has_profile {
                    Some(model::<profile::Entity>(r, "p_")?)
                } else {
                    None
                },
                used: r.try_get("", "used")?,
            })
        })
        .collect()
}

/// Which of `people` mentor in which of `programs`: `(program_id, person_id)`.
pub async fn mentors_among(
    db: &impl ConnectionTrait,
    programs: &[String],
    people: &[String],
) -> Result<Vec<(String, String)>, DbErr> {
    let mut out = Vec::new();
    if programs.is_empty() {
        return Ok(out);
    }
    for chunk in people.chunks(super::sql::IN_CHUNK) {
        for e in enrollment::Entity::find()
            .filter(enrollment::Column::Role.eq(Role::Mentor))
            .filter(enrollment::Column::ProgramId.is_in(programs.to_vec()))
            .filter(enrollment::Column::UserId.is_in(chunk.to_vec()))
            .all(db)
            .await?
        {
            out.push((e.program_id, e.user_id));
        }
    }
    Ok(out)
}

/// Whether the person is enrolled in this program in any role.
pub async fn is_enrolled(
    db: &impl ConnectionTrait,
    program_id: ProgramId<'_>,
    user_id: PersonId<'_>,
) -> Result<bool, DbErr> {
    Ok(!roles_in(db, program_id, user_id).await?.is_empty())
}

/// Many people at once, each with an account, a profile and an enrolment: for
/// seeding large programs (benchmarks), in chunks both databases accept.
pub async fn insert_enrolled_people(
    db: &impl ConnectionTrait,
    people: Vec<(user::Model, profile::Model, enrollment::Model)>,
) -> Result<(), DbErr> {
    let ids: Vec<String> = people.iter().map(|(u, _, _)| u.id.clone()).collect();
    for chunk in people.chunks(300) {
        user::Entity::insert_many(chunk.iter().map(|(u, _, _)| u.clone().into_active_model()))
            .exec(db)
            .await?;
        profile::Entity::insert_many(chunk.iter().map(|(_, p, _)| p.clone().into_active_model()))
            .exec(db)
            .await?;
        enrollment::Entity::insert_many(chunk.iter().map(|(u, _, e)| {
            enrollment::Model {
                sort_key: sort_key(&u.name),
                ..e.clone()
            }
            .into_active_model()
        }))
        .exec(db)
        .await?;
    }
    super::directory::reindex(db, &ids).await
}
