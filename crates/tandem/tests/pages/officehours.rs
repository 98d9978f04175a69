//! Office hours through the pages: a mentor sets weekly windows and sees the
//! coming slots; a mentee confirms a slot with an agenda and a link, then books it.
use super::*;

/// `program_with_people` with the mentee's request accepted: an active pair.
async fn active_pair(router: &Router) -> (Browser, Browser, String) {
    let (_, mut mentor, mut mentee, program) = program_with_people(router).await;
    let directory = mentee.get(&format!("/programs/{program}/mentors")).await;
    let mentor_id = between(&directory.body, r#"id="ask-"#, "\"")
        .unwrap()
        .to_string();
    let sent = mentee
        .post(
            &format!("/programs/{program}/mentors/{mentor_id}/request"),
            &[("intro", "I build compilers."), ("reasons", "Rust")],
        )
        .await;
    assert_eq!(sent.status, StatusCode::SEE_OTHER, "{}", sent.body);
    let id = sent
        .location()
        .trim_start_matches("/mentorships/")
        .to_string();
    let accepted = mentor
        .post(&format!("/mentorships/{id}/actions/accept"), &[])
        .await;
    assert_eq!(accepted.status, StatusCode::SEE_OTHER);
    (mentor, mentee, id)
}

/// A form whose fields are built at run time.
async fn post(b: &mut Browser, path: &str, fields: &[(String, String)]) -> Answer {
    let refs: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    b.post(path, &refs).await
}

#[tokio::test]
async fn a_mentor_sets_office_hours_on_the_page_and_sees_the_coming_slots() {
    let (router, _dir) = app().await;
    let (mut mentor, mut mentee, _) = active_pair(&router).await;
    let dashboard = mentor.get("/dashboard").await;
    assert!(dashboard.body.contains(r#"href="/office-hours""#));
    assert!(
        !mentee
            .get("/dashboard")
            .await
            .body
            .contains(r#"id="office-hours-link""#),
        "the way to office hours is shown to those who mentor"
    );

    let empty = mentor.get("/office-hours").await;
    assert_eq!(empty.status, StatusCode::OK);
    assert!(empty.body.contains(r#"id="no-hours""#), "an empty state");
    assert!(empty.body.contains(r#"<optgroup label="Europe">"#));
    assert!(
        empty.body.contains(r#"id="weekday-2""#),
        "spare rows to fill"
    );

    // A window that ends before it starts: the row says so, and keeps what was typed.
    let bad = mentor
        .post(
            "/office-hours",
            &[
                ("weekday_0", "2"),
                ("start_0", "11:00"),
                ("end_0", "10:15"),
                ("slot_minutes", "30"),
                ("timezone", "Europe/Berlin"),
            ],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.body.contains(r#"id="window-0-error""#), "{}", bad.body);
    assert!(bad.body.contains(r#"value="11:00""#) && bad.body.contains(r#"value="10:15""#));
    assert!(bad
        .body
        .contains(r#"<option value="2" selected>Tuesday</option>"#));
    assert!(bad
        .body
        .contains(r#"<option value="Europe/Berlin" selected>Berlin</option>"#));

    // A slot length out of range is named beside its field.
    let windows: Vec<(String, String, String)> = (1..=7)
        .map(|d| (d.to_string(), "09:00".to_string(), "10:00".to_string()))
        .collect();
    let mut fields: Vec<(String, String)> = Vec::new();
    for (n, (d, s, e)) in windows.iter().enumerate() {
        fields.push((format!("weekday_{n}"), d.clone()));
        fields.push((format!("start_{n}"), s.clone()));
        fields.push((format!("end_{n}"), e.clone()));
    }
    fields.push(("timezone".into(), "Europe/Berlin".into()));
    fields.push((
        "location".into(),
        "https://meet.example.org/margaret".into(),
    ));
    let with = |extra: &[(&str, &str)]| {
        let mut all = fields.clone();
        all.extend(extra.iter().map(|(k, v)| (k.to_string(), v.to_string())));
        all
    };
    let refused = post(
        &mut mentor,
        "/office-hours",
        &with(&[("slot_minutes", "5")]),
    )
    .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused.body.contains(r#"id="slot_minutes-error""#),
        "{}",
        refused.body
    );
    assert!(refused.body.contains(r#"value="5""#));

    // "More rows" shows the form again, as typed, with more empty rows; nothing is saved.
    let more = with(&[("slot_minutes", "30"), ("more", "1")]);
    let more = post(&mut mentor, "/office-hours", &more).await;
    assert_eq!(more.status, StatusCode::OK);
    assert!(more.body.contains(r#"id="weekday-12""#) && more.body.contains(r#"id="no-hours""#));

    let good = with(&[("slot_minutes", "30")]);
    let saved = post(&mut mentor, "/office-hours", &good).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    assert_eq!(saved.location(), "/office-hours");
    let page = mentor.get("/office-hours").await;
    assert!(!page.body.contains(r#"id="no-hours""#));
    assert!(page
        .body
        .contains(r#"<option value="Europe/Berlin" selected>Berlin</option>"#));
    assert!(
        page.body.contains("<li>09:30</li>"),
        "the coming slots, in the mentor's zone"
    );
    assert!(page.body.contains(r#"id="remove-6""#));

    // A ticked window goes when saved.
    let removing = with(&[("slot_minutes", "30"), ("remove_6", "1")]);
    assert_eq!(
        post(&mut mentor, "/office-hours", &removing).await.status,
        StatusCode::SEE_OTHER
    );
    let page = mentor.get("/office-hours").await;
    assert!(page.body.contains(r#"id="remove-5""#) && !page.body.contains(r#"id="remove-6""#));
}

#[tokio::test]
async fn a_mentee_confirms_a_slot_with_an_agenda_and_a_link_and_books_it() {
    let (router, _dir) = app().await;
    let (mut mentor, mut mentee, id) = active_pair(&router).await;
    let mut fields: Vec<(String, String)> = (1..=7)
        .flat_map(|d| {
            let n = d - 1;
            [
                (format!("weekday_{n}"), d.to_string()),
                (format!("start_{n}"), "09:00".to_string()),
                (format!("end_{n}"), "10:00".to_string()),
            ]
        })
        .collect();
    fields.push(("slot_minutes".into(), "30".into()));
    fields.push(("timezone".into(), "UTC".into()));
    assert_eq!(
        post(&mut mentor, "/office-hours", &fields).await.status,
        StatusCode::SEE_OTHER
    );

    let workspace = mentee.get(&format!("/mentorships/{id}/meetings")).await;
    let prefix = format!(r#"href="/mentorships/{id}/book?starts_at="#);
    let starts_at = between(&workspace.body, &prefix, "\"")
        .expect("a slot links to its confirmation")
        .to_string();
    let confirm = format!("/mentorships/{id}/book?starts_at={starts_at}");
    let page = mentee.get(&confirm).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(page.body.contains("Margaret Mentor") && page.body.contains(r#"id="book-submit""#));
    assert!(page.body.contains("No place or link given yet"));

    let mut outsider = Browser::new(&router);
    outsider.sign_up("Olga Outsider", "olga@example.org").await;
    assert_eq!(outsider.get(&confirm).await.status, StatusCode::NOT_FOUND);
    assert_eq!(
        mentee
            .get(&format!("/mentorships/{id}/book"))
            .await
            .location(),
        format!("/mentorships/{id}/meetings#office-hours"),
        "no slot named: back to the list"
    );

    // A link too long: the form again, with what was typed.
    let long = format!("https://meet.example.org/{}", "x".repeat(300));
    let refused = mentee
        .post(
            &format!("/mentorships/{id}/bookings"),
            &[
                ("starts_at", &starts_at),
                ("agenda", "Career plan\nCode review"),
                ("location", &long),
            ],
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.body.contains(r#"id="location-error""#));
    assert!(refused.body.contains("Career plan\nCode review"));

    let booked = mentee
        .post(
            &format!("/mentorships/{id}/bookings"),
            &[
                ("starts_at", &starts_at),
                ("agenda", "Career plan\nCode review"),
                ("location", "https://meet.example.org/tim-and-margaret"),
            ],
        )
        .await;
    assert_eq!(booked.status, StatusCode::SEE_OTHER, "{}", booked.body);
    assert!(
        booked.location().starts_with("/meetings/"),
        "the new meeting's page"
    );
    let meeting = mentee.get(booked.location()).await;
    let workspace = mentee.get(&format!("/mentorships/{id}/meetings")).await;
    for page in [&meeting.body, &workspace.body] {
        assert!(
            page.contains(
                r#"href="https://meet.example.org/tim-and-margaret" rel="noopener noreferrer">"#
            ),
            "the meeting's link is a link"
        );
        assert!(page.contains("<li>Career plan</li>") && page.contains("<li>Code review</li>"));
    }
    assert!(
        !workspace.body.contains(&format!("starts_at={starts_at}\"")),
        "the booked slot is no longer offered"
    );

    // A place that is no http(s) address stays text.
    let next = between(&workspace.body, &prefix, "\"").unwrap().to_string();
    let sneaky = mentee
        .post(
            &format!("/mentorships/{id}/bookings"),
            &[("starts_at", &next), ("location", "javascript:alert(1)")],
        )
        .await;
    assert_eq!(sneaky.status, StatusCode::SEE_OTHER, "{}", sneaky.body);
    let workspace = mentee.get(&format!("/mentorships/{id}/meetings")).await;
    assert!(workspace.body.contains("javascript:alert(1)"));
    assert!(!workspace.body.contains(r#"href="javascript:"#));

    // Taken meanwhile: the confirmation sends back to the list with the reason.
    let again = mentee.get(&confirm).await;
    assert_eq!(again.status, StatusCode::SEE_OTHER);
    assert_eq!(
        again.location(),
        format!("/mentorships/{id}/meetings#office-hours")
    );

    let hours = mentor.get("/office-hours").await;
    let bookings = between(&hours.body, r#"id="bookings""#, "</section>").unwrap();
    assert!(bookings.contains("Tim Mentee"), "{bookings}");
    assert!(bookings.contains(&format!(r#"href="/mentorships/{id}/meetings""#)));
    assert!(bookings.contains(r#"href="https://meet.example.org/tim-and-margaret""#));
}
