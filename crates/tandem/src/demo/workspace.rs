//! The first demo pair's workspace: office hours, goals and milestones, a kickoff
//! that took place with notes and feedback, the next meeting, kudos, messages and
//! an introduction.
use crate::domain::versions::Expected;
use crate::error::AppError;
use crate::service::accounts::Caller;
use crate::state::AppState;

/// Amara and Noah's workspace: office hours, goals and milestones, a kickoff
/// meeting that took place (notes, private notes, action items, feedback), the
/// next meeting with its agenda, kudos, messages and an introduction.
pub(super) async fn workspace(
    state: &AppState,
    mentor: &Caller,
    mentee: &Caller,
    id: &str,
) -> Result<(), AppError> {
    use crate::domain::office_hours::Window;
    use crate::service::conversation::{self, IntroductionIn, KudosIn, MessageIn};
    use crate::service::goals::{self, GoalIn, MilestoneIn, MilestonePatch};
    use crate::service::meetings::{
        self, ActionItemIn, ActionItemPatch, FeedbackIn, MeetingIn, MeetingPatch, PrivateNoteIn,
    };
    use crate::service::office_hours::{self, AvailabilityIn};
    let windows = [2, 4]
        .into_iter()
        .map(|weekday| Window {
            weekday,
            start: "17:00".into(),
            end: "19:00".into(),
        })
        .collect();
    office_hours::put(
        state,
        mentor,
        &AvailabilityIn {
            timezone: None,
            slot_minutes: Some(30),
            windows,
            location: "Video call".into(),
        },
    )
    .await?;
    goals::take_from_plan(state, mentee, id).await?;
    let goal = goals::create(
        state,
        mentee,
        id,
        &GoalIn {
            title: "Lead a design review on my own".into(),
            description: "Run the review of the payments service redesign from invite to decision."
                .into(),
            horizon: Some("short".into()),
            due_on: Some(
                (state.clock.now() + chrono::Duration::days(60))
                    .format("%Y-%m-%d")
                    .to_string(),
            ),
        },
    )
    .await?;
    for (title, status) in [
        ("Shadow two reviews and take notes", Some("achieved")),
        ("Co-run one review with Amara", Some("in_progress")),
        ("Run the payments review alone", None),
    ] {
        let m = goals::add_milestone(
            state,
            mentee,
            &goal.id,
            &MilestoneIn {
                title: title.into(),
                description: String::new(),
                due_on: None,
            },
        )
        .await?;
        if let Some(status) = status {
            goals::patch_milestone(
                state,
                mentee,
                &m.id,
                &MilestonePatch {
                    status: Some(status.into()),
                    ..Default::default()
                },
                Expected::default(),
            )
            .await?;
        }
    }
    let now = state.clock.now();
    let kickoff = meetings::schedule(
        state,
        mentee,
        id,
        &MeetingIn {
            starts_at: (now - chrono::Duration::minutes(90)).to_rfc3339(),
            duration_minutes: Some(45),
            location: "Video call".into(),
            agenda: vec![
                "What each of us wants from this".into(),
                "The design-review goal".into(),
            ],
        },
    )
    .await?;
    meetings::patch(
        state,
        mentor,
        &kickoff.id,
        &MeetingPatch {
            status: Some("held".into()),
            shared_notes: Some("Agreed to focus on design reviews first. Noah shadows two reviews before co-running one.".into()),
            ..Default::default()
        },
        Expected::default(),
    )
    .await?;
    meetings::put_private_note(
        state,
        mentor,
        &kickoff.id,
        &PrivateNoteIn {
            body: "Noah undersells his own ideas; ask him to present first next time.".into(),
        },
    )
    .await?;
    meetings::put_private_note(
        state,
        mentee,
        &kickoff.id,
        &PrivateNoteIn {
            body: "Ask Amara how she handles disagreement in reviews.".into(),
        },
    )
    .await?;
    let due = |days: i64| {
        Some(
            (now + chrono::Duration::days(days))
                .format("%Y-%m-%d")
                .to_string(),
        )
    };
    let read = meetings::add_action_item(
        state,
        mentor,
        &kickoff.id,
        &ActionItemIn {
            title: "Read the review checklist Amara shared".into(),
            owner_id: Some(mentee.id().to_string()),
            due_on: due(3),
        },
    )
    .await?;
    meetings::add_action_item(
        state,
        mentor,
        &kickoff.id,
        &ActionItemIn {
            title: "Send Noah two past design docs to study".into(),
            owner_id: None,
            due_on: due(2),
        },
    )
    .await?;
    meetings::patch_action_item(
        state,
        mentee,
        &read.id,
        &ActionItemPatch {
            done: Some(true),
            ..Default::default()
        },
        Expected::default(),
    )
    .await?;
    meetings::give_feedback(
        state,
        mentee,
        &kickoff.id,
        &FeedbackIn {
            rating: 5,
            went_well: "Clear plan and concrete next steps.".into(),
            to_improve: "I would like a bit more time for my questions.".into(),
            encouragement: "Thank you for making it so easy to start.".into(),
        },
    )
    .await?;
    meetings::give_feedback(
        state,
        mentor,
        &kickoff.id,
        &FeedbackIn {
            rating: 4,
            went_well: "Noah came prepared with questions.".into(),
            to_improve: "Bring one real design to the next call.".into(),
            encouragement: "You already think like a reviewer.".into(),
        },
    )
    .await?;
    meetings::schedule(
        state,
        mentee,
        id,
        &MeetingIn {
            starts_at: (now + chrono::Duration::days(5))
                .format("%Y-%m-%dT17:00:00Z")
                .to_string(),
            duration_minutes: None,
            location: "Video call".into(),
            agenda: vec![
                "Walk through the first review I shadowed".into(),
                "Plan the co-run review".into(),
            ],
        },
    )
    .await?;
    conversation::give_kudos(
        state,
        mentee,
        id,
        &KudosIn {
            message: "Thanks for the review checklist, it already helped in today's review!".into(),
        },
    )
    .await?;
    for (who, body) in [
        (
            mentee,
            "I've read the checklist. Could we look at the payments redesign next time?",
        ),
        (
            mentor,
            "Yes, good pick. Bring your questions, and the doc if you can share it.",
        ),
        (
            mentee,
            "Will do. Booked nothing yet, I'll use your office hours if Tuesday moves.",
        ),
    ] {
        conversation::post_message(state, who, id, &MessageIn { body: body.into() }).await?;
    }
    conversation::introduce(
        state,
        mentor,
        id,
        &IntroductionIn {
            contact_name: "Priya Raman".into(),
            contact_email: "priya.raman@example.org".into(),
            note: "Priya runs design reviews for the platform team and loves helping people run their first one.".into(),
        },
    )
    .await?;
    Ok(())
}
