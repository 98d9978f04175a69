//! A pair's workspace through the pages: each side reads the request in its own
//! words, the workspace's sections, and a meeting prepared and moved on its page.
use super::*;

/// The mentee asks the mentor; answers the relationship's id.
async fn request(mentee: &mut Browser, program: &str) -> String {
    let directory = mentee.get(&format!("/programs/{program}/mentors")).await;
    let mentor_id = directory
        .body
        .split(r#"id="ask-"#)
        .nth(1)
        .and_then(|s| s.split('"').next())
        .unwrap()
        .to_string();
    let path = format!("/programs/{program}/mentors/{mentor_id}/request");
    mentee.get(&path).await;
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
    assert_eq!(sent.status, StatusCode::SEE_OTHER, "{}", sent.body);
    sent.location()
        .trim_start_matches("/mentorships/")
        .to_string()
}

fn emails(dir: &std::path::Path) -> Vec<String> {
    std::fs::read_dir(dir.join("outbox"))
        .map(|d| {
            d.filter_map(|e| std::fs::read_to_string(e.ok()?.path()).ok())
                .collect()
        })
        .unwrap_or_default()
}

#[tokio::test]
async fn the_mentor_reads_the_request_about_the_mentee() {
    let (router, _dir) = app().await;
    let (_admin, mut mentor, mut mentee, program) = program_with_people(&router).await;
    let id = request(&mut mentee, &program).await;

    let dashboard = mentor.get("/dashboard").await.body;
    assert!(
        dashboard.contains(r#"id="requests-to-answer""#) && dashboard.contains("Tim Mentee"),
        "the mentor's dashboard lists the request waiting for him"
    );
    assert!(!dashboard.contains("No open requests"));

    let page = mentor.get(&format!("/mentorships/{id}")).await.body;
    assert!(
        page.contains("How Tim Mentee introduces themselves"),
        "{page}"
    );
    assert!(page.contains("What they ask of you"));
    assert!(!page.contains("Introduce yourself"));
    // Why this match, for the mentor: the mentee is "they", never "you".
    assert!(page.contains(r#"id="why-this-match""#));
    assert!(page.contains("They have not given their field"), "{page}");
    assert!(!page.contains("You have not given your field"));
    assert!(!page.contains("You have not listed skills you want to learn"));

    let theirs = mentee.get(&format!("/mentorships/{id}")).await.body;
    assert!(theirs.contains("How you introduced yourself"));
    assert!(theirs.contains("You have not given your field"));
    assert!(theirs.contains(r#"id="requests-sent""#) || !theirs.contains("requests-to-answer"));
    let mine = mentee.get("/dashboard").await.body;
    assert!(mine.contains(r#"id="requests-sent""#));
    assert!(!mine.contains(r#"id="requests-to-answer""#));
}

#[tokio::test]
async fn a_meeting_is_prepared_and_moved_on_its_own_page() {
    let (router, dir) = app().await;
    let (mut admin, mut mentor, mut mentee, program) = program_with_people(&router).await;
    let id = request(&mut mentee, &program).await;
    let page = format!("/mentorships/{id}");
    mentor.get(&page).await;
    let accepted = mentor.post(&format!("{page}/actions/accept"), &[]).await;
    assert_eq!(accepted.status, StatusCode::SEE_OTHER);

    // Each section is a page of its own, reachable from the tabs.
    let overview = mentee.get(&page).await.body;
    for section in ["meetings", "goals", "messages", "notes"] {
        assert!(
            overview.contains(&format!(r#"href="{page}/{section}""#)),
            "{section}"
        );
        let s = mentee.get(&format!("{page}/{section}")).await;
        assert_eq!(s.status, StatusCode::OK, "{section}: {}", s.body);
        assert!(s.body.contains(r#"aria-current="page""#));
    }
    // Those who oversee read status and dates, not what the pair shares.
    assert_eq!(
        admin.get(&format!("{page}/messages")).await.status,
        StatusCode::FORBIDDEN
    );

    let scheduled = mentee
        .post(
            &format!("{page}/meetings"),
            &[
                ("starts_at", "2031-05-01T10:00"),
                ("duration_minutes", "45"),
                ("location", "Room 4"),
                ("agenda", ""),
            ],
        )
        .await;
    assert_eq!(
        scheduled.status,
        StatusCode::SEE_OTHER,
        "{}",
        scheduled.body
    );
    assert!(scheduled
        .location()
        .starts_with(&format!("{page}/meetings")));
    let meetings = mentee.get(&format!("{page}/meetings")).await.body;
    let meeting = meetings
        .split(r#"href="/meetings/"#)
        .nth(1)
        .and_then(|s| s.split('"').next())
        .unwrap()
        .to_string();
    // The list carries no forms of its own: they are on the meeting's page.
    assert!(!meetings.contains("private-note"));
    let meeting_page = format!("/meetings/{meeting}");
    let before = mentor.get(&meeting_page).await.body;
    assert!(before.contains(r#"id="prepare-form""#), "{before}");
    assert!(before.contains(r#"value="2031-05-01T10:00""#));
    let version = |body: &str| {
        body.split(r#"name="version" value=""#)
            .nth(1)
            .and_then(|s| s.split('"').next())
            .unwrap()
            .to_string()
    };
    let v = version(&before);
    let sent_before = emails(dir.path()).len();

    // The mentor adds to the agenda: nothing moves, nobody is mailed.
    let saved = mentor
        .post(
            &meeting_page,
            &[
                ("mentorship_id", &id),
                ("version", &v),
                ("starts_was", "2031-05-01T10:00"),
                ("starts_at", "2031-05-01T10:00"),
                ("duration_minutes", "45"),
                ("location", "Room 4"),
                ("agenda", "Your compiler talk\nReading list"),
                ("intent", "prepare"),
            ],
        )
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    assert_eq!(saved.location(), meeting_page);
    let after = mentee.get(&meeting_page).await.body;
    assert!(
        after.contains("<li>Your compiler talk</li>") && after.contains("<li>Reading list</li>")
    );
    assert_eq!(emails(dir.path()).len(), sent_before);

    // The mentee, from a page loaded before that change, edits the agenda too:
    // refused, and both texts are shown so that nothing typed is lost.
    let stale = mentee
        .post(
            &meeting_page,
            &[
                ("mentorship_id", &id),
                ("version", &v),
                ("starts_was", "2031-05-01T10:00"),
                ("starts_at", "2031-05-01T10:00"),
                ("agenda", "My own list"),
            ],
        )
        .await;
    assert_eq!(stale.status, StatusCode::CONFLICT);
    assert!(stale.body.contains("My own list") && stale.body.contains("Your compiler talk"));

    // The mentee moves it: both are told, with the same calendar UID and a raised SEQUENCE.
    let moved = mentee
        .post(
            &meeting_page,
            &[
                ("mentorship_id", &id),
                ("version", &version(&after)),
                ("starts_was", "2031-05-01T10:00"),
                ("starts_at", "2031-05-02T15:30"),
                ("duration_minutes", "45"),
                ("location", "Room 4"),
                ("agenda", "Your compiler talk\nReading list"),
            ],
        )
        .await;
    assert_eq!(moved.status, StatusCode::SEE_OTHER, "{}", moved.body);
    let now = mentor.get(&meeting_page).await.body;
    assert!(now.contains(r#"value="2031-05-02T15:30""#), "{now}");
    let mail = emails(dir.path());
    let new: Vec<&String> = mail
        .iter()
        .filter(|m| m.contains("SEQUENCE:") && !m.contains("SEQUENCE:0"))
        .collect();
    assert_eq!(new.len(), 2, "both participants get the moved meeting");
    assert!(new.iter().any(|m| m.contains("mentor@example.org")));
    assert!(new.iter().any(|m| m.contains("mentee@example.org")));
    let uid = |m: &str| {
        m.lines()
            .find(|l| l.starts_with("UID:"))
            .map(str::to_string)
            .unwrap()
    };
    let first = mail
        .iter()
        .find(|m| m.contains("SEQUENCE:0"))
        .expect("the first invitation");
    assert_eq!(uid(first), uid(new[0]));

    // An outsider learns nothing of the meeting's page.
    let mut outsider = Browser::new(&router);
    outsider.sign_up("Olga Outsider", "olga@example.org").await;
    assert_eq!(
        outsider.get(&meeting_page).await.status,
        StatusCode::NOT_FOUND
    );
}
