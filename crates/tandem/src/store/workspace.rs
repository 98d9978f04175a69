//! A relationship's workspace: goals and milestones, meetings with their private
//! notes, action items and feedback, kudos, messages, introductions, and the
//! mentors' office hours. Lists come in a fixed order with the id as tie-break.
use super::columns::TextList;
use super::db::new_id;
use super::entities::{
    action_item, availability, feedback, goal, introduction, kudos, meeting, message, milestone,
    private_note,
};
use super::mentorships::ids_involving;
use super::sealed::{row_of, Sealed};
use super::sql::{put, update_versioned, Versioned, IN_CHUNK};
use crate::domain::ids::{MeetingId, PersonId};
use crate::domain::office_hours::Windows;
use crate::domain::wire::{GoalStatus, Horizon, MeetingStatus, MilestoneStatus};
use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, IntoActiveModel,
    QueryFilter, QueryOrder, QuerySelect,
};

/// Inserts a new row of any workspace table.
async fn insert<M, A>(db: &impl ConnectionTrait, model: M) -> Result<M, DbErr>
where
    M: IntoActiveModel<A> + sea_orm::ModelTrait,
    A: ActiveModelTrait + sea_orm::ActiveModelBehavior + Send,
    <A::Entity as EntityTrait>::Model: Into<M> + IntoActiveModel<A>,
{
    Ok(model.into_active_model().insert(db).await?.into())
}

/// Writes the columns of a shared text that changed, raising its version when any did.
pub async fn update<E>(
    db: &impl ConnectionTrait,
    before: E::Model,
    after: E::Model,
) -> Result<E::Model, DbErr>
where
    E: EntityTrait,
    E::Model: IntoActiveModel<E::ActiveModel> + Clone + PartialEq + Versioned,
    E::ActiveModel: ActiveModelTrait<Entity = E> + sea_orm::ActiveModelBehavior + Send,
{
    update_versioned::<E>(db, before, after).await
}

// ------------------------------------------------------------------ what the use cases write

/// A goal set in a relationship.
pub struct NewGoal<'a> {
    pub mentorship_id: &'a str,
    pub title: String,
    pub description: String,
    pub horizon: Horizon,
    pub due_on: Option<NaiveDate>,
    pub by: &'a str,
    pub at: DateTime<Utc>,
}

pub async fn insert_goal(db: &impl ConnectionTrait, g: NewGoal<'_>) -> Result<goal::Model, DbErr> {
    let id = new_id();
    insert(
        db,
        goal::Model {
            id: id.clone(),
            mentorship_id: g.mentorship_id.to_string(),
            title: Sealed::new(&id, g.title),
            description: Sealed::new(&id, g.description),
            horizon: g.horizon,
            due_on: g.due_on,
            status: GoalStatus::Open,
            created_by: Some(g.by.to_string()),
            created_at: g.at,
            achieved_at: None,
            version: 1,
        },
    )
    .await
}

/// A milestone added to a goal.
pub struct NewMilestone<'a> {
    pub goal: &'a goal::Model,
    pub title: String,
    pub description: String,
    pub due_on: Option<NaiveDate>,
    pub by: &'a str,
    pub at: DateTime<Utc>,
}

pub async fn insert_milestone(
    db: &impl ConnectionTrait,
    m: NewMilestone<'_>,
) -> Result<milestone::Model, DbErr> {
    let id = new_id();
    insert(
        db,
        milestone::Model {
            id: id.clone(),
            goal_id: m.goal.id.clone(),
            mentorship_id: m.goal.mentorship_id.clone(),
            title: Sealed::new(&id, m.title),
            description: Sealed::new(&id, m.description),
            due_on: m.due_on,
            status: MilestoneStatus::NotStarted,
            created_at: m.at,
            achieved_at: None,
            created_by: Some(m.by.to_string()),
            version: 1,
        },
    )
    .await
}

/// A meeting scheduled in a relationship.
pub struct NewMeeting<'a> {
    pub mentorship_id: &'a str,
    pub starts_at: DateTime<Utc>,
    pub minutes: i32,
    pub location: String,
    pub agenda: Vec<String>,
    /// Booked from the mentor's office hours.
    pub booked: bool,
    pub by: &'a str,
    pub at: DateTime<Utc>,
}

pub async fn insert_meeting(
    db: &impl ConnectionTrait,
    m: NewMeeting<'_>,
) -> Result<meeting::Model, DbErr> {
    let id = new_id();
    insert(
        db,
        meeting::Model {
            id: id.clone(),
            mentorship_id: m.mentorship_id.to_string(),
            starts_at: m.starts_at,
            duration_minutes: m.minutes,
            location: Sealed::new(&id, m.location),
            agenda: Sealed::new(&id, TextList(m.agenda)),
            status: MeetingStatus::Scheduled,
            shared_notes: Sealed::new(&id, String::new()),
            sequence: 0,
            booked: m.booked,
            created_by: Some(m.by.to_string()),
            created_at: m.at,
            updated_at: m.at,
            version: 1,
        },
    )
    .await
}

/// An action item from a meeting.
pub struct NewActionItem<'a> {
    pub meeting: &'a meeting::Model,
    pub title: String,
    pub owner: &'a str,
    pub due_on: Option<NaiveDate>,
    pub by: &'a str,
    pub at: DateTime<Utc>,
}

pub async fn insert_action_item(
    db: &impl ConnectionTrait,
    a: NewActionItem<'_>,
) -> Result<action_item::Model, DbErr> {
    let id = new_id();
    insert(
        db,
        action_item::Model {
            id: id.clone(),
            mentorship_id: a.meeting.mentorship_id.clone(),
            meeting_id: a.meeting.id.clone(),
            title: Sealed::new(&id, a.title),
            owner_id: Some(a.owner.to_string()),
            due_on: a.due_on,
            done: false,
            done_at: None,
            created_at: a.at,
            created_by: Some(a.by.to_string()),
            version: 1,
        },
    )
    .await
}

/// One participant's feedback on a held meeting.
pub struct NewFeedback<'a> {
    pub meeting: &'a meeting::Model,
    pub by: &'a str,
    pub rating: i32,
    pub went_well: String,
    pub to_improve: String,
    pub encouragement: String,
    pub at: DateTime<Utc>,
}

pub async fn insert_feedback(
    db: &impl ConnectionTrait,
    f: NewFeedback<'_>,
) -> Result<feedback::Model, DbErr> {
    let id = new_id();
    insert(
        db,
        feedback::Model {
            id: id.clone(),
            mentorship_id: f.meeting.mentorship_id.clone(),
            meeting_id: f.meeting.id.clone(),
            author_id: f.by.to_string(),
            rating: f.rating,
            went_well: Sealed::new(&id, f.went_well),
            to_improve: Sealed::new(&id, f.to_improve),
            encouragement: Sealed::new(&id, f.encouragement),
            created_at: f.at,
        },
    )
    .await
}

/// Something one participant says in a relationship: kudos or a message.
pub struct Said<'a> {
    pub mentorship_id: &'a str,
    pub by: &'a str,
    pub text: String,
    pub at: DateTime<Utc>,
}

pub async fn insert_kudos(db: &impl ConnectionTrait, k: Said<'_>) -> Result<kudos::Model, DbErr> {
    let id = new_id();
    insert(
        db,
        kudos::Model {
            id: id.clone(),
            mentorship_id: k.mentorship_id.to_string(),
            author_id: k.by.to_string(),
            message: Sealed::new(&id, k.text),
            created_at: k.at,
        },
    )
    .await
}

pub async fn insert_message(
    db: &impl ConnectionTrait,
    m: Said<'_>,
) -> Result<message::Model, DbErr> {
    let id = new_id();
    insert(
        db,
        message::Model {
            id: id.clone(),
            mentorship_id: m.mentorship_id.to_string(),
            author_id: m.by.to_string(),
            body: Sealed::new(&id, m.text),
            created_at: m.at,
        },
    )
    .await
}

/// A mentor's introduction of the mentee(s) to a contact.
pub struct NewIntroduction<'a> {
    pub mentorship_id: &'a str,
    pub by: &'a str,
    pub contact_name: String,
    pub contact_email: String,
    pub note: String,
    pub at: DateTime<Utc>,
}

pub async fn insert_introduction(
    db: &impl ConnectionTrait,
    i: NewIntroduction<'_>,
) -> Result<introduction::Model, DbErr> {
    let id = new_id();
    insert(
        db,
        introduction::Model {
            id: id.clone(),
            mentorship_id: i.mentorship_id.to_string(),
            author_id: i.by.to_string(),
            contact_name: i.contact_name,
            contact_email: i.contact_email,
            note: Sealed::new(&id, i.note),
            created_at: i.at,
        },
    )
    .await
}

// ------------------------------------------------------------------ goals

pub async fn goal(db: &impl ConnectionTrait, id: &str) -> Result<Option<goal::Model>, DbErr> {
    goal::Entity::find_by_id(id.to_string()).one(db).await
}

/// A relationship's goals, oldest first.
pub async fn goals_of(
    db: &impl ConnectionTrait,
    mentorship_id: &str,
) -> Result<Vec<goal::Model>, DbErr> {
    goal::Entity::find()
        .filter(goal::Column::MentorshipId.eq(mentorship_id))
        .order_by_asc(goal::Column::CreatedAt)
        .order_by_asc(goal::Column::Id)
        .all(db)
        .await
}

pub async fn milestone(
    db: &impl ConnectionTrait,
    id: &str,
) -> Result<Option<milestone::Model>, DbErr> {
    milestone::Entity::find_by_id(id.to_string()).one(db).await
}

/// The milestones of a relationship's goals, oldest first.
pub async fn milestones_of(
    db: &impl ConnectionTrait,
    mentorship_id: &str,
) -> Result<Vec<milestone::Model>, DbErr> {
    milestone::Entity::find()
        .filter(milestone::Column::MentorshipId.eq(mentorship_id))
        .order_by_asc(milestone::Column::CreatedAt)
        .order_by_asc(milestone::Column::Id)
        .all(db)
        .await
}

// ------------------------------------------------------------------ meetings

pub async fn meeting(db: &impl ConnectionTrait, id: &str) -> Result<Option<meeting::Model>, DbErr> {
    meeting::Entity::find_by_id(id.to_string()).one(db).await
}

/// A relationship's meetings by start, `fetch` of them after `(starts_at, id)`;
/// with `since`, only those created from then on (what the access model lets a
/// later member read).
pub async fn meetings_page(
    db: &impl ConnectionTrait,
    mentorship_id: &str,
    since: Option<DateTime<Utc>>,
    after: Option<(DateTime<Utc>, String)>,
    fetch: u64,
) -> Result<Vec<meeting::Model>, DbErr> {
    let mut q = meeting::Entity::find().filter(meeting::Column::MentorshipId.eq(mentorship_id));
    if let Some(since) = since {
        q = q.filter(meeting::Column::CreatedAt.gte(since));
    }
    if let Some((at, id)) = after {
        q = q.filter(
            Condition::any().add(meeting::Column::StartsAt.gt(at)).add(
                meeting::Column::StartsAt
                    .eq(at)
                    .and(meeting::Column::Id.gt(id)),
            ),
        );
    }
    q.order_by_asc(meeting::Column::StartsAt)
        .order_by_asc(meeting::Column::Id)
        .limit(fetch)
        .all(db)
        .await
}

/// Every meeting of a relationship, by start.
pub async fn meetings_of(
    db: &impl ConnectionTrait,
    mentorship_id: &str,
) -> Result<Vec<meeting::Model>, DbErr> {
    meetings_page(db, mentorship_id, None, None, u64::MAX >> 1).await
}

/// The meetings of these relationships, by start (a dashboard's, in one statement
/// per 900 relationships).
pub async fn meetings_of_many(
    db: &impl ConnectionTrait,
    mentorship_ids: &[String],
) -> Result<Vec<meeting::Model>, DbErr> {
    let mut out = Vec::new();
    for chunk in mentorship_ids.chunks(IN_CHUNK) {
        out.extend(
            meeting::Entity::find()
                .filter(meeting::Column::MentorshipId.is_in(chunk.to_vec()))
                .order_by_asc(meeting::Column::StartsAt)
                .order_by_asc(meeting::Column::Id)
                .all(db)
                .await?,
        );
    }
    Ok(out)
}

/// The action items of these relationships, oldest first.
pub async fn action_items_of_many(
    db: &impl ConnectionTrait,
    mentorship_ids: &[String],
) -> Result<Vec<action_item::Model>, DbErr> {
    let mut out = Vec::new();
    for chunk in mentorship_ids.chunks(IN_CHUNK) {
        out.extend(
            action_item::Entity::find()
                .filter(action_item::Column::MentorshipId.is_in(chunk.to_vec()))
                .order_by_asc(action_item::Column::CreatedAt)
                .order_by_asc(action_item::Column::Id)
                .all(db)
                .await?,
        );
    }
    Ok(out)
}

/// The feedback `author` gave on the meetings of these relationships.
pub async fn feedback_by(
    db: &impl ConnectionTrait,
    author: &str,
    mentorship_ids: &[String],
) -> Result<Vec<feedback::Model>, DbErr> {
    let mut out = Vec::new();
    for chunk in mentorship_ids.chunks(IN_CHUNK) {
        out.extend(
            feedback::Entity::find()
                .filter(feedback::Column::AuthorId.eq(author))
                .filter(feedback::Column::MentorshipId.is_in(chunk.to_vec()))
                .all(db)
                .await?,
        );
    }
    Ok(out)
}

/// Every meeting of every relationship `person` takes part in, by start (the calendar feed).
pub async fn meetings_involving(
    db: &impl ConnectionTrait,
    person: &str,
) -> Result<Vec<meeting::Model>, DbErr> {
    meeting::Entity::find()
        .filter(Expr::col(meeting::Column::MentorshipId).in_subquery(ids_involving(person)))
        .order_by_asc(meeting::Column::StartsAt)
        .order_by_asc(meeting::Column::Id)
        .all(db)
        .await
}

/// Scheduled meetings of `person`'s relationships that end after `from` and start before `to`.
pub async fn scheduled_between(
    db: &impl ConnectionTrait,
    person: &str,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Result<Vec<meeting::Model>, DbErr> {
    // A meeting lasts at most a day, so one starting a day before `from` may still run.
    meeting::Entity::find()
        .filter(Expr::col(meeting::Column::MentorshipId).in_subquery(ids_involving(person)))
        .filter(meeting::Column::Status.eq(MeetingStatus::Scheduled))
        .filter(meeting::Column::StartsAt.gt(from - chrono::Duration::days(1)))
        .filter(meeting::Column::StartsAt.lt(to))
        .order_by_asc(meeting::Column::StartsAt)
        .all(db)
        .await
}

/// Scheduled meetings booked from `mentor`'s office hours that start after `from`,
/// by start: the relationships they mentor, not those they are a mentee in.
pub async fn booked_from_hours(
    db: &impl ConnectionTrait,
    mentor: &str,
    from: DateTime<Utc>,
) -> Result<Vec<meeting::Model>, DbErr> {
    let mut mentored = sea_orm::sea_query::Query::select();
    mentored
        .column(super::entities::mentorship::Column::Id)
        .from(super::entities::mentorship::Entity)
        .and_where(Expr::col(super::entities::mentorship::Column::MentorId).eq(mentor));
    meeting::Entity::find()
        .filter(Expr::col(meeting::Column::MentorshipId).in_subquery(mentored))
        .filter(meeting::Column::Booked.eq(true))
        .filter(meeting::Column::Status.eq(MeetingStatus::Scheduled))
        .filter(meeting::Column::StartsAt.gt(from))
        .order_by_asc(meeting::Column::StartsAt)
        .order_by_asc(meeting::Column::Id)
        .all(db)
        .await
}

/// The private notes `author` wrote on these meetings.
pub async fn notes_by(
    db: &impl ConnectionTrait,
    author: &str,
    meeting_ids: &[String],
) -> Result<Vec<private_note::Model>, DbErr> {
    let mut out = Vec::new();
    for chunk in meeting_ids.chunks(IN_CHUNK) {
        out.extend(
            private_note::Entity::find()
                .filter(private_note::Column::AuthorId.eq(author))
                .filter(private_note::Column::MeetingId.is_in(chunk.to_vec()))
                .all(db)
                .await?,
        );
    }
    Ok(out)
}

/// Writes `author`'s private note on a meeting (an empty body removes it).
pub async fn save_note(
    db: &impl ConnectionTrait,
    meeting_id: MeetingId<'_>,
    author: PersonId<'_>,
    body: String,
    at: DateTime<Utc>,
) -> Result<(), DbErr> {
    let note = private_note::Model {
        meeting_id: meeting_id.0.to_string(),
        author_id: author.0.to_string(),
        body: Sealed::new(row_of(&[meeting_id.0, author.0]), body),
        updated_at: at,
    };
    let exists =
        private_note::Entity::find_by_id((note.meeting_id.clone(), note.author_id.clone()))
            .one(db)
            .await?
            .is_some();
    if note.body.is_empty() {
        private_note::Entity::delete_by_id((note.meeting_id, note.author_id))
            .exec(db)
            .await?;
        return Ok(());
    }
    put::<private_note::Entity>(db, note, exists).await?;
    Ok(())
}

// ------------------------------------------------------------------ action items and feedback

pub async fn action_item(
    db: &impl ConnectionTrait,
    id: &str,
) -> Result<Option<action_item::Model>, DbErr> {
    action_item::Entity::find_by_id(id.to_string())
        .one(db)
        .await
}

/// A relationship's action items, oldest first.
pub async fn action_items_of(
    db: &impl ConnectionTrait,
    mentorship_id: &str,
) -> Result<Vec<action_item::Model>, DbErr> {
    action_item::Entity::find()
        .filter(action_item::Column::MentorshipId.eq(mentorship_id))
        .order_by_asc(action_item::Column::CreatedAt)
        .order_by_asc(action_item::Column::Id)
        .all(db)
        .await
}

/// The feedback given on a relationship's meetings, oldest first.
pub async fn feedback_of(
    db: &impl ConnectionTrait,
    mentorship_id: &str,
) -> Result<Vec<feedback::Model>, DbErr> {
    feedback::Entity::find()
        .filter(feedback::Column::MentorshipId.eq(mentorship_id))
        .order_by_asc(feedback::Column::CreatedAt)
        .order_by_asc(feedback::Column::Id)
        .all(db)
        .await
}

/// Whether `author` gave feedback on the meeting.
pub async fn gave_feedback(
    db: &impl ConnectionTrait,
    meeting_id: MeetingId<'_>,
    author: PersonId<'_>,
) -> Result<bool, DbErr> {
    Ok(feedback::Entity::find()
        .filter(feedback::Column::MeetingId.eq(meeting_id))
        .filter(feedback::Column::AuthorId.eq(author))
        .one(db)
        .await?
        .is_some())
}

// ------------------------------------------------------------------ kudos, messages, introductions

/// A relationship's kudos, newest first, `fetch` after `(created_at, id)`; with
/// `since`, only those written from then on.
pub async fn kudos_page(
    db: &impl ConnectionTrait,
    mentorship_id: &str,
    since: Option<DateTime<Utc>>,
    after: Option<(DateTime<Utc>, String)>,
    fetch: u64,
) -> Result<Vec<kudos::Model>, DbErr> {
    let mut q = kudos::Entity::find().filter(kudos::Column::MentorshipId.eq(mentorship_id));
    if let Some(since) = since {
        q = q.filter(kudos::Column::CreatedAt.gte(since));
    }
    if let Some((at, id)) = after {
        q = q.filter(
            Condition::any().add(kudos::Column::CreatedAt.lt(at)).add(
                kudos::Column::CreatedAt
                    .eq(at)
                    .and(kudos::Column::Id.lt(id)),
            ),
        );
    }
    q.order_by_desc(kudos::Column::CreatedAt)
        .order_by_desc(kudos::Column::Id)
        .limit(fetch)
        .all(db)
        .await
}

/// A relationship's messages, oldest first, `fetch` after `(created_at, id)`; with
/// `since`, only those written from then on.
pub async fn messages_page(
    db: &impl ConnectionTrait,
    mentorship_id: &str,
    since: Option<DateTime<Utc>>,
    after: Option<(DateTime<Utc>, String)>,
    fetch: u64,
) -> Result<Vec<message::Model>, DbErr> {
    let mut q = message::Entity::find().filter(message::Column::MentorshipId.eq(mentorship_id));
    if let Some(since) = since {
        q = q.filter(message::Column::CreatedAt.gte(since));
    }
    if let Some((at, id)) = after {
        q = q.filter(
            Condition::any().add(message::Column::CreatedAt.gt(at)).add(
                message::Column::CreatedAt
                    .eq(at)
                    .and(message::Column::Id.gt(id)),
            ),
        );
    }
    q.order_by_asc(message::Column::CreatedAt)
        .order_by_asc(message::Column::Id)
        .limit(fetch)
        .all(db)
        .await
}

/// A relationship's introductions, newest first.
pub async fn introductions_of(
    db: &impl ConnectionTrait,
    mentorship_id: &str,
) -> Result<Vec<introduction::Model>, DbErr> {
    introduction::Entity::find()
        .filter(introduction::Column::MentorshipId.eq(mentorship_id))
        .order_by_desc(introduction::Column::CreatedAt)
        .order_by_desc(introduction::Column::Id)
        .all(db)
        .await
}

// ------------------------------------------------------------------ office hours

pub async fn availability_of(
    db: &impl ConnectionTrait,
    user_id: &str,
) -> Result<Option<availability::Model>, DbErr> {
    availability::Entity::find_by_id(user_id.to_string())
        .one(db)
        .await
}

/// A mentor's weekly office hours.
pub struct Hours {
    pub timezone: String,
    pub slot_minutes: i32,
    pub location: String,
    pub windows: Windows,
}

/// Writes a mentor's office hours over what they had.
pub async fn save_availability(
    db: &impl ConnectionTrait,
    user: PersonId<'_>,
    hours: Hours,
    at: DateTime<Utc>,
) -> Result<availability::Model, DbErr> {
    let row = availability::Model {
        user_id: user.0.to_string(),
        timezone: hours.timezone,
        slot_minutes: hours.slot_minutes,
        location: hours.location,
        windows: hours.windows,
        updated_at: at,
    };
    let exists = availability_of(db, user.0).await?.is_some();
    put::<availability::Entity>(db, row, exists).await
}
