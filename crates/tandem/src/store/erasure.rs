//! What an erasure removes besides the account's own rows (which their foreign
//! keys take with the account): the texts the person wrote that live on rows
//! shared with others (SPEC §5, §7).
use super::entities::{action_item, goal, mentorship, mentorship_mentee, milestone};
use crate::domain::wire::Origin;
use sea_orm::sea_query::{Expr, ExprTrait, Query};
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter};

/// What a goal that others' milestones hang on reads once its author is erased.
pub const REMOVED: &str = "removed";

/// Removes every text `person` wrote on shared rows: their requests' messages,
/// the decline reasons they gave as a mentor, the milestones and action items they
/// created, and the goals they set (a goal another person's milestone hangs on
/// stays, its text replaced by "removed"). Run before the account itself goes.
pub async fn remove_texts_of(db: &impl ConnectionTrait, person: &str) -> Result<(), DbErr> {
    let mut asked = Query::select();
    asked
        .column(mentorship_mentee::Column::MentorshipId)
        .from(mentorship_mentee::Entity)
        .and_where(Expr::col(mentorship_mentee::Column::MenteeId).eq(person));
    mentorship::Entity::update_many()
        .col_expr(mentorship::Column::Intro, Expr::value(""))
        .col_expr(mentorship::Column::Reasons, Expr::value(""))
        .col_expr(mentorship::Column::Ask, Expr::value(""))
        .filter(mentorship::Column::Origin.eq(Origin::Request))
        .filter(Expr::col(mentorship::Column::Id).in_subquery(asked))
        .exec(db)
        .await?;
    // Only the mentor answers a request, so its decline reason is theirs.
    mentorship::Entity::update_many()
        .col_expr(
            mentorship::Column::DeclineReason,
            Expr::value(Option::<String>::None),
        )
        .filter(mentorship::Column::Origin.eq(Origin::Request))
        .filter(mentorship::Column::MentorId.eq(person))
        .exec(db)
        .await?;
    milestone::Entity::delete_many()
        .filter(milestone::Column::CreatedBy.eq(person))
        .exec(db)
        .await?;
    action_item::Entity::delete_many()
        .filter(action_item::Column::CreatedBy.eq(person))
        .exec(db)
        .await?;
    // What is left of milestones now is others'.
    let mut hung_on = Query::select();
    hung_on
        .column(milestone::Column::GoalId)
        .from(milestone::Entity);
    // Each title is sealed for its own row.
    let kept = goal::Entity::find()
        .filter(goal::Column::CreatedBy.eq(person))
        .filter(Expr::col(goal::Column::Id).in_subquery(hung_on.clone()))
        .all(db)
        .await?;
    for g in kept {
        goal::Entity::update_many()
            .col_expr(goal::Column::Title, Expr::value(g.title.replaced(REMOVED)))
            .col_expr(goal::Column::Description, Expr::value(""))
            .filter(goal::Column::Id.eq(g.id))
            .exec(db)
            .await?;
    }
    goal::Entity::delete_many()
        .filter(goal::Column::CreatedBy.eq(person))
        .filter(Expr::col(goal::Column::Id).not_in_subquery(hung_on))
        .exec(db)
        .await?;
    Ok(())
}
