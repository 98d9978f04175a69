//! Asking for mentorship, answering, and the agreement, through the pages.
use super::*;

#[tokio::test]
async fn a_request_is_accepted_and_the_agreement_signed_through_the_pages() {
    let (router, _dir) = app().await;
    let (mut admin, mut mentor, mut mentee, program) = program_with_people(&router).await;
    let directory = mentee.get(&format!("/programs/{program}/mentors")).await;
    let mentor_id = directory
        .body
        .split(r#"id="ask-"#)
        .nth(1)
        .and_then(|s| s.split('"').next())
        .unwrap()
        .to_string();
    let path = format!("/programs/{program}/mentors/{mentor_id}/request");
    assert!(mentee
        .get(&path)
        .await
        .body
        .contains(r#"id="request-form""#));

    let empty = mentee
        .post(&path, &[("intro", " "), ("reasons", "Your Rust talks")])
        .await;
    assert_eq!(empty.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(empty.body.contains(r#"id="intro-error""#) && empty.body.contains("Your Rust talks"));

    let sent = mentee
        .post(
            &path,
            &[
                ("intro", "I build compilers."),
                ("reasons", "Your Rust talks"),
                ("ask", "A first 30-minute call"),
            ],
        )
        .await;
    assert_eq!(sent.status, StatusCode::SEE_OTHER);
    let page = sent.location().to_string();
    let id = page.trim_start_matches("/mentorships/").to_string();

    let again = mentee.post(&path, &[("intro", "Me again")]).await;
    assert_eq!(
        again.status,
        StatusCode::CONFLICT,
        "a second open request is a conflict shown as a banner"
    );
    assert!(again.body.contains("banner-error"));

    let dashboard = mentor.get("/dashboard").await;
    assert!(
        dashboard.body.contains(&format!(r#"id="waiting-{id}""#)),
        "the mentor sees the request waiting"
    );
    assert!(mentor
        .get(&page)
        .await
        .body
        .contains(r#"id="action-accept""#));
    assert_eq!(
        mentor
            .post(&format!("/mentorships/{id}/actions/accept"), &[])
            .await
            .status,
        StatusCode::SEE_OTHER
    );
    let accepted = mentor.get(&page).await;
    assert!(accepted
        .body
        .contains(r#"class="badge badge-active">active<"#));
    assert!(accepted.body.contains(r#"id="agreement-form""#));

    let saved = mentor
        .post(
            &format!("/mentorships/{id}/agreement"),
            &[
                ("goals", "Ship a Rust crate"),
                ("cadence_days", "14"),
                ("meeting_minutes", "45"),
                ("channel", "video"),
            ],
        )
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER);
    for who in [&mut mentor, &mut mentee] {
        assert!(who.get(&page).await.body.contains(r#"id="agreement-sign""#));
        assert_eq!(
            who.post(&format!("/mentorships/{id}/agreement/sign"), &[])
                .await
                .status,
            StatusCode::SEE_OTHER
        );
    }
    let signed = mentee.get(&page).await;
    assert!(
        signed.body.contains("signed by everyone")
            && !signed.body.contains(r#"id="agreement-sign""#)
    );

    // The admin oversees: status and dates, never the request's words.
    let overseen = admin.get(&page).await;
    assert_eq!(overseen.status, StatusCode::OK);
    assert!(
        !overseen.body.contains("I build compilers")
            && !overseen.body.contains("Ship a Rust crate")
    );
    let listing = admin.get(&format!("/programs/{program}/enrollments")).await;
    assert!(
        listing.body.contains(r#"id="enrollments-table""#) && listing.body.contains("Tim Mentee")
    );
    // Someone outside the program does not learn it exists.
    let mut stranger = Browser::new(&router);
    stranger.sign_up("Sam Stranger", "sam@example.org").await;
    assert_eq!(stranger.get(&page).await.status, StatusCode::NOT_FOUND);
}
