//! Check-ins and the end survey: a program's plan and questions, the check-ins
//! the jobs create, their answers and aggregates, and the survey answers.
use super::entities::{
    checkin, checkin_answer, checkin_plan, checkin_question, mentorship, mentorship_mentee, survey,
};
use super::sealed::{row_of, Sealed};
use super::sql::{col, rows, IN_CHUNK};
use crate::domain::ids::{MentorshipId, PersonId, ProgramId};
use crate::domain::wire::{MentorshipStatus as S, QuestionKind};
use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::sea_query::{Alias, Expr, ExprTrait, JoinType, OnConflict, Order, Query};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, IntoActiveModel,
    QueryFilter, QueryOrder,
};
use std::collections::HashMap;

/// A program's check-in plan with its current questions, in order.
#[derive(Debug, Clone)]
pub struct Plan {
    pub plan: checkin_plan::Model,
    pub questions: Vec<checkin_question::Model>,
}

/// The plan of a program, if it has one.
pub async fn plan_of(
    db: &impl ConnectionTrait,
    program: ProgramId<'_>,
) -> Result<Option<Plan>, DbErr> {
    let Some(plan) = checkin_plan::Entity::find_by_id(program.as_str().to_string())
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    let questions = checkin_question::Entity::find()
        .filter(checkin_question::Column::ProgramId.eq(program.as_str()))
        .filter(checkin_question::Column::Retired.eq(false))
        .order_by_asc(checkin_question::Column::Position)
        .all(db)
        .await?;
    Ok(Some(Plan { plan, questions }))
}

/// Every question a program ever asked (retired ones too), for the aggregates.
pub async fn questions_ever(
    db: &impl ConnectionTrait,
    program: ProgramId<'_>,
) -> Result<Vec<checkin_question::Model>, DbErr> {
    checkin_question::Entity::find()
        .filter(checkin_question::Column::ProgramId.eq(program.as_str()))
        .order_by_asc(checkin_question::Column::Retired)
        .order_by_asc(checkin_question::Column::Position)
        .all(db)
        .await
}

/// Sets a program's plan: the questions given, in order, keep their ids where a
/// question of the same text and kind was asked before (so that their answers
/// still count); the others are retired.
pub async fn set_plan(
    db: &impl ConnectionTrait,
    program: ProgramId<'_>,
    first_after_days: i32,
    every_days: i32,
    questions: &[(String, QuestionKind)],
    at: DateTime<Utc>,
) -> Result<Plan, DbErr> {
    let row = checkin_plan::Model {
        program_id: program.as_str().to_string(),
        first_after_days,
        every_days,
        updated_at: at,
    };
    checkin_plan::Entity::insert(row.clone().into_active_model())
        .on_conflict(
            OnConflict::column(checkin_plan::Column::ProgramId)
                .update_columns([
                    checkin_plan::Column::FirstAfterDays,
                    checkin_plan::Column::EveryDays,
                    checkin_plan::Column::UpdatedAt,
                ])
                .to_owned(),
        )
        .exec_without_returning(db)
        .await?;
    let before = questions_ever(db, program).await?;
    checkin_question::Entity::update_many()
        .col_expr(checkin_question::Column::Retired, Expr::value(true))
        .filter(checkin_question::Column::ProgramId.eq(program.as_str()))
        .exec(db)
        .await?;
    let mut kept = Vec::with_capacity(questions.len());
    for (position, (text, kind)) in questions.iter().enumerate() {
        let same = before.iter().find(|q| {
            &q.text == text
                && q.kind == *kind
                && !kept.iter().any(|k: &checkin_question::Model| k.id == q.id)
        });
        let model = match same {
            Some(q) => {
                let mut active = q.clone().into_active_model();
                active.retired = sea_orm::ActiveValue::Set(false);
                active.position = sea_orm::ActiveValue::Set(position as i32);
                active.update(db).await?
            }
            None => {
                checkin_question::Model {
                    id: uuid::Uuid::new_v4().to_string(),
                    program_id: program.as_str().to_string(),
                    position: position as i32,
                    text: text.clone(),
                    kind: *kind,
                    retired: false,
                }
                .into_active_model()
                .insert(db)
                .await?
            }
        };
        kept.push(model);
    }
    Ok(Plan {
        plan: row,
        questions: kept,
    })
}

/// One check-in.
pub async fn checkin_by_id(
    db: &impl ConnectionTrait,
    id: &str,
) -> Result<Option<checkin::Model>, DbErr> {
    checkin::Entity::find_by_id(id.to_string()).one(db).await
}

/// The check-ins a person has not answered yet in relationships still active,
/// only the latest of each relationship, soonest due first.
pub async fn open_of(
    db: &impl ConnectionTrait,
    person: PersonId<'_>,
) -> Result<Vec<checkin::Model>, DbErr> {
    let mut q = Query::select();
    q.from_as(checkin::Entity, Alias::new("c"))
        .join_as(
            JoinType::InnerJoin,
            mentorship::Entity,
            Alias::new("m"),
            col("m", "id").equals((Alias::new("c"), Alias::new("mentorship_id"))),
        )
        .column((Alias::new("c"), Alias::new("id")))
        .and_where(col("c", "user_id").eq(person.as_str()))
        .and_where(col("c", "answered_at").is_null())
        .and_where(col("m", "status").is_in([S::Active, S::Paused]));
    let ids: Vec<String> = rows(db, &q)
        .await?
        .iter()
        .map(|r| r.try_get("", "id"))
        .collect::<Result<_, _>>()?;
    let mut all = Vec::new();
    for chunk in ids.chunks(IN_CHUNK) {
        all.extend(
            checkin::Entity::find()
                .filter(checkin::Column::Id.is_in(chunk.iter().cloned()))
                .all(db)
                .await?,
        );
    }
    // The latest per relationship: an older one left unanswered has passed.
    let mut latest: HashMap<String, checkin::Model> = HashMap::new();
    for c in all {
        match latest.get(&c.mentorship_id) {
            Some(l) if l.due_on >= c.due_on => {}
            _ => {
                latest.insert(c.mentorship_id.clone(), c);
            }
        }
    }
    let mut out: Vec<checkin::Model> = latest.into_values().collect();
    out.sort_by(|a, b| a.due_on.cmp(&b.due_on).then(a.id.cmp(&b.id)));
    Ok(out)
}

/// Records the answers and marks the check-in answered; `false` when it was
/// answered meanwhile (nothing written then).
pub async fn answer(
    db: &impl ConnectionTrait,
    c: &checkin::Model,
    answers: &[(String, Option<i32>, Option<String>)],
    at: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let done = checkin::Entity::update_many()
        .col_expr(checkin::Column::AnsweredAt, Expr::value(at))
        .filter(checkin::Column::Id.eq(c.id.as_str()))
        .filter(checkin::Column::AnsweredAt.is_null())
        .exec(db)
        .await?;
    if done.rows_affected == 0 {
        return Ok(false);
    }
    let rows: Vec<checkin_answer::ActiveModel> = answers
        .iter()
        .map(|(question, number, text)| {
            checkin_answer::Model {
                checkin_id: c.id.clone(),
                question_id: question.clone(),
                program_id: c.program_id.clone(),
                number: *number,
                text: text
                    .clone()
                    .map(|t| Sealed::new(row_of(&[&c.id, question]), t)),
            }
            .into_active_model()
        })
        .collect();
    if !rows.is_empty() {
        checkin_answer::Entity::insert_many(rows)
            .exec_without_returning(db)
            .await?;
    }
    Ok(true)
}

/// A program's check-in answers: how many check-ins were answered, each scale
/// question's (sum, count), and the text answers.
pub struct Answers {
    pub answered: u64,
    pub scales: HashMap<String, (i64, i64)>,
    pub texts: Vec<(String, String)>,
}

pub async fn answers_of(
    db: &impl ConnectionTrait,
    program: ProgramId<'_>,
    with_texts: bool,
) -> Result<Answers, DbErr> {
    let mut q = Query::select();
    q.from(checkin::Entity)
        .expr_as(Expr::val(1).count(), Alias::new("n"))
        .and_where(Expr::col(checkin::Column::ProgramId).eq(program.as_str()))
        .and_where(Expr::col(checkin::Column::AnsweredAt).is_not_null());
    let answered = match rows(db, &q).await?.first() {
        Some(r) => Ord::max(super::reports::count(r, "n")?, 0) as u64,
        None => 0,
    };
    let mut q = Query::select();
    q.from(checkin_answer::Entity)
        .column(checkin_answer::Column::QuestionId)
        .expr_as(
            Expr::col(checkin_answer::Column::Number).sum(),
            Alias::new("total"),
        )
        .expr_as(
            Expr::col(checkin_answer::Column::Number).count(),
            Alias::new("n"),
        )
        .and_where(Expr::col(checkin_answer::Column::ProgramId).eq(program.as_str()))
        .and_where(Expr::col(checkin_answer::Column::Number).is_not_null())
        .group_by_col(checkin_answer::Column::QuestionId);
    let mut scales = HashMap::new();
    for r in rows(db, &q).await? {
        let total = super::reports::count(&r, "total")?;
        let n = super::reports::count(&r, "n")?;
        scales.insert(r.try_get("", "question_id")?, (total, n));
    }
    let mut texts = Vec::new();
    if with_texts {
        let found = checkin_answer::Entity::find()
            .filter(checkin_answer::Column::ProgramId.eq(program.as_str()))
            .filter(checkin_answer::Column::Text.is_not_null())
            .all(db)
            .await?;
        texts = found
            .into_iter()
            .filter_map(|a| a.text.map(|t| (a.question_id, t.into_value())))
            .filter(|(_, t)| !t.trim().is_empty())
            .collect();
    }
    Ok(Answers {
        answered,
        scales,
        texts,
    })
}

/// What the jobs need of each active relationship of a program with a plan:
/// (mentorship, program, started_at, participants).
pub struct Running {
    pub mentorship_id: String,
    pub program_id: String,
    pub started_at: DateTime<Utc>,
    pub participants: Vec<String>,
}

/// Every plan.
pub async fn plans(db: &impl ConnectionTrait) -> Result<Vec<checkin_plan::Model>, DbErr> {
    checkin_plan::Entity::find().all(db).await
}

/// The active relationships of programs with a plan, with their participants.
pub async fn running(db: &impl ConnectionTrait) -> Result<Vec<Running>, DbErr> {
    let planned = {
        let mut p = Query::select();
        p.column(checkin_plan::Column::ProgramId)
            .from(checkin_plan::Entity);
        p
    };
    let mut q = Query::select();
    q.from_as(mentorship::Entity, Alias::new("m"))
        .join_as(
            JoinType::LeftJoin,
            mentorship_mentee::Entity,
            Alias::new("s"),
            col("s", "mentorship_id").equals((Alias::new("m"), Alias::new("id"))),
        )
        .expr_as(col("m", "id"), Alias::new("id"))
        .expr_as(col("m", "program_id"), Alias::new("program_id"))
        .expr_as(col("m", "mentor_id"), Alias::new("mentor_id"))
        .expr_as(col("m", "started_at"), Alias::new("started_at"))
        .expr_as(col("s", "mentee_id"), Alias::new("mentee_id"))
        .and_where(col("m", "status").eq(S::Active))
        .and_where(col("m", "started_at").is_not_null())
        .and_where(col("m", "program_id").in_subquery(planned))
        .order_by((Alias::new("m"), Alias::new("id")), Order::Asc);
    let mut out: Vec<Running> = Vec::new();
    for r in rows(db, &q).await? {
        let id: String = r.try_get("", "id")?;
        let mentee: Option<String> = r.try_get("", "mentee_id")?;
        if out.last().is_none_or(|l| l.mentorship_id != id) {
            let mentor: Option<String> = r.try_get("", "mentor_id")?;
            out.push(Running {
                mentorship_id: id,
                program_id: r.try_get("", "program_id")?,
                started_at: r.try_get("", "started_at")?,
                participants: mentor.into_iter().collect(),
            });
        }
        if let (Some(m), Some(last)) = (mentee, out.last_mut()) {
            last.participants.push(m);
        }
    }
    Ok(out)
}

/// The latest due date of each (relationship, person) check-in created so far.
pub async fn latest_due(
    db: &impl ConnectionTrait,
) -> Result<HashMap<(String, String), NaiveDate>, DbErr> {
    let mut q = Query::select();
    q.from(checkin::Entity)
        .column(checkin::Column::MentorshipId)
        .column(checkin::Column::UserId)
        .expr_as(Expr::col(checkin::Column::DueOn).max(), Alias::new("due"))
        .group_by_col(checkin::Column::MentorshipId)
        .group_by_col(checkin::Column::UserId);
    rows(db, &q)
        .await?
        .iter()
        .map(|r| {
            Ok((
                (r.try_get("", "mentorship_id")?, r.try_get("", "user_id")?),
                r.try_get("", "due")?,
            ))
        })
        .collect()
}

/// A check-in to create.
pub struct NewCheckin {
    pub program_id: String,
    pub mentorship_id: String,
    pub user_id: String,
    pub due_on: NaiveDate,
}

/// Creates these check-ins, leaving any that exists already; returns how many were new.
pub async fn create(
    db: &impl ConnectionTrait,
    due: &[NewCheckin],
    at: DateTime<Utc>,
) -> Result<u64, DbErr> {
    let mut made = 0;
    for chunk in due.chunks(IN_CHUNK / 2) {
        let models = chunk.iter().map(|c| {
            checkin::Model {
                id: uuid::Uuid::new_v4().to_string(),
                program_id: c.program_id.clone(),
                mentorship_id: c.mentorship_id.clone(),
                user_id: c.user_id.clone(),
                due_on: c.due_on,
                created_at: at,
                answered_at: None,
            }
            .into_active_model()
        });
        made += checkin::Entity::insert_many(models)
            .on_conflict(
                OnConflict::columns([
                    checkin::Column::MentorshipId,
                    checkin::Column::UserId,
                    checkin::Column::DueOn,
                ])
                .do_nothing()
                .to_owned(),
            )
            .exec_without_returning(db)
            .await
            .or_else(|e| match e {
                DbErr::RecordNotInserted => Ok(0),
                e => Err(e),
            })?;
    }
    Ok(made)
}

/// The survey answer a person gave for a relationship, if any.
pub async fn survey_of(
    db: &impl ConnectionTrait,
    mentorship: MentorshipId<'_>,
    person: PersonId<'_>,
) -> Result<Option<survey::Model>, DbErr> {
    survey::Entity::find()
        .filter(survey::Column::MentorshipId.eq(mentorship.as_str()))
        .filter(survey::Column::UserId.eq(person.as_str()))
        .one(db)
        .await
}

/// A participant's answer to the end survey.
pub struct NewSurvey {
    pub rating: i32,
    pub recommend: bool,
    pub comment: String,
}

/// Records a survey answer.
pub async fn add_survey(
    db: &impl ConnectionTrait,
    program: ProgramId<'_>,
    mentorship: MentorshipId<'_>,
    person: PersonId<'_>,
    answer: NewSurvey,
    at: DateTime<Utc>,
) -> Result<survey::Model, DbErr> {
    let id = uuid::Uuid::new_v4().to_string();
    survey::Model {
        comment: Sealed::new(&id, answer.comment),
        id,
        program_id: program.as_str().to_string(),
        mentorship_id: mentorship.as_str().to_string(),
        user_id: Some(person.as_str().to_string()),
        rating: answer.rating,
        recommend: answer.recommend,
        created_at: at,
    }
    .into_active_model()
    .insert(db)
    .await
}

/// The relationships of these a person answered the survey for.
pub async fn surveyed_among(
    db: &impl ConnectionTrait,
    person: PersonId<'_>,
    mentorships: &[String],
) -> Result<Vec<String>, DbErr> {
    let mut out = Vec::new();
    for chunk in mentorships.chunks(IN_CHUNK) {
        out.extend(
            survey::Entity::find()
                .filter(survey::Column::UserId.eq(person.as_str()))
                .filter(survey::Column::MentorshipId.is_in(chunk.iter().cloned()))
                .all(db)
                .await?
                .into_iter()
                .map(|s| s.mentorship_id),
        );
    }
    Ok(out)
}

/// A program's survey answers: (count, sum of ratings, would recommend).
pub struct SurveyTotals {
    pub answers: u64,
    pub rating_sum: i64,
    pub recommend: i64,
}

pub async fn survey_totals(
    db: &impl ConnectionTrait,
    program: ProgramId<'_>,
) -> Result<SurveyTotals, DbErr> {
    let mut q = Query::select();
    q.from(survey::Entity)
        .expr_as(Expr::val(1).count(), Alias::new("n"))
        .expr_as(Expr::col(survey::Column::Rating).sum(), Alias::new("total"))
        .expr_as(
            Expr::case(Expr::col(survey::Column::Recommend).eq(true), 1)
                .finally(0)
                .sum(),
            Alias::new("yes"),
        )
        .and_where(Expr::col(survey::Column::ProgramId).eq(program.as_str()));
    let Some(r) = rows(db, &q).await?.into_iter().next() else {
        return Ok(SurveyTotals {
            answers: 0,
            rating_sum: 0,
            recommend: 0,
        });
    };
    Ok(SurveyTotals {
        answers: Ord::max(super::reports::count(&r, "n")?, 0) as u64,
        rating_sum: super::reports::count(&r, "total")?,
        recommend: super::reports::count(&r, "yes")?,
    })
}

/// A program's survey comments (no names, no pairs), for the coordinators' page.
pub async fn survey_comments(
    db: &impl ConnectionTrait,
    program: ProgramId<'_>,
) -> Result<Vec<String>, DbErr> {
    Ok(survey::Entity::find()
        .filter(survey::Column::ProgramId.eq(program.as_str()))
        .all(db)
        .await?
        .into_iter()
        .map(|s| s.comment.into_value())
        .filter(|c| !c.trim().is_empty())
        .collect())
}

/// Erasure: a person's survey comments and check-in text answers.
pub async fn erase_texts_of(db: &impl ConnectionTrait, person: PersonId<'_>) -> Result<(), DbErr> {
    survey::Entity::update_many()
        .col_expr(survey::Column::Comment, Expr::value(""))
        .filter(survey::Column::UserId.eq(person.as_str()))
        .exec(db)
        .await?;
    let theirs = {
        let mut q = Query::select();
        q.column(checkin::Column::Id)
            .from(checkin::Entity)
            .and_where(Expr::col(checkin::Column::UserId).eq(person.as_str()));
        q
    };
    checkin_answer::Entity::delete_many()
        .filter(Expr::col(checkin_answer::Column::CheckinId).in_subquery(theirs))
        .filter(checkin_answer::Column::Text.is_not_null())
        .exec(db)
        .await?;
    Ok(())
}
