//! The mentor directory's filters, and "Ask for mentorship" wherever a mentor
//! appears, shown only where the viewer may ask them.
use super::*;

/// The ids of a page's "Ask for mentorship" links to this mentor's request page.
fn ask_links(body: &str, program: &str, mentor: &str) -> usize {
    body.matches(&format!(
        r#"href="/programs/{program}/mentors/{mentor}/request""#
    ))
    .count()
}

/// The mentor's id, from the directory's shortlist form.
async fn mentor_id(mentee: &mut Browser, program: &str) -> String {
    let directory = mentee.get(&format!("/programs/{program}/mentors")).await;
    directory
        .body
        .split(r#"name="person_id" value=""#)
        .nth(1)
        .and_then(|s| s.split('"').next())
        .expect("a mentor in the directory")
        .to_string()
}

#[tokio::test]
async fn the_directory_filters_by_word_starts_language_seniority_and_room() {
    let (router, _dir) = app().await;
    let (_admin, mut mentor, mut mentee, program) = program_with_people(&router).await;
    let saved = mentor
        .post(
            "/profile",
            &[
                ("field", "Software engineering"),
                ("known_for", "Apollo guidance"),
                ("skills", "Rust, Leadership"),
                ("languages", "English, Spanish"),
                ("seniority", "lead"),
            ],
        )
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);

    let page = mentee.get(&format!("/programs/{program}/mentors")).await;
    for (input, label) in [
        (r#"id="language""#, r#"<label for="language">"#),
        (r#"id="seniority""#, r#"<label for="seniority">"#),
        (
            r#"id="has_room" name="has_room" type="checkbox""#,
            r#"<label for="has_room">"#,
        ),
    ] {
        assert!(page.body.contains(input), "{input}");
        assert!(page.body.contains(label), "{label}");
    }
    for query in [
        "q=soft",
        "q=APOLLO",
        "skill=lead",
        "field=eng",
        "language=spanish",
        "seniority=lead",
        "has_room=true",
        "q=soft&skill=lead&field=eng&language=english&seniority=lead&has_room=true",
    ] {
        let found = mentee
            .get(&format!("/programs/{program}/mentors?{query}"))
            .await;
        assert_eq!(found.status, StatusCode::OK, "{query}");
        assert!(found.body.contains("Margaret Mentor"), "{query}");
    }
    for query in [
        "q=ware",
        "skill=ership",
        "language=german",
        "seniority=junior",
    ] {
        let found = mentee
            .get(&format!("/programs/{program}/mentors?{query}"))
            .await;
        assert!(!found.body.contains("Margaret Mentor"), "{query}");
        assert!(found.body.contains(r#"id="no-mentors""#), "{query}");
    }
    // The filters stay in the form as chosen.
    let kept = mentee
        .get(&format!(
            "/programs/{program}/mentors?language=Spanish&seniority=lead&has_room=true"
        ))
        .await;
    assert!(kept.body.contains(r#"value="Spanish""#));
    assert!(kept.body.contains(r#"<option value="lead" selected>"#));
    assert!(kept.body.contains(r#"value="true" checked>"#));
}

#[tokio::test]
async fn ask_for_mentorship_shows_where_the_mentee_may_ask_and_nowhere_else() {
    let (router, _dir) = app().await;
    let (_admin, mut mentor, mut mentee, program) = program_with_people(&router).await;
    let saved = mentee
        .post(
            "/profile",
            &[
                ("languages", "English"),
                ("skills", "Rust"),
                ("timezone", "Europe/Berlin"),
            ],
        )
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER);
    let saved = mentor
        .post(
            "/profile",
            &[
                ("field", "Software engineering"),
                ("skills", "Rust, SQL"),
                ("languages", "English"),
                ("timezone", "Europe/Berlin"),
                ("seniority", "lead"),
            ],
        )
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER);
    let mentor_id = mentor_id(&mut mentee, &program).await;
    let added = mentee
        .post(
            "/shortlist",
            &[("person_id", &mentor_id), ("connection", "Met at RustConf")],
        )
        .await;
    assert_eq!(added.status, StatusCode::SEE_OTHER);

    let person = format!("/people/{mentor_id}");
    let suggestions = format!("/programs/{program}/suggestions");
    for path in ["/shortlist", person.as_str(), suggestions.as_str()] {
        let page = mentee.get(path).await;
        assert_eq!(page.status, StatusCode::OK, "{path}");
        assert_eq!(
            ask_links(&page.body, &program, &mentor_id),
            1,
            "{path}: {}",
            page.body
        );
        assert!(page.body.contains("Ask for mentorship"), "{path}");
    }
    // The mentor can't ask themself, nor can anyone who is no mentee there.
    let own = mentor.get(&person).await;
    assert_eq!(ask_links(&own.body, &program, &mentor_id), 0);

    // Once asked, the mentee is not offered to ask again.
    let asked = mentee
        .post(
            &format!("/programs/{program}/mentors/{mentor_id}/request"),
            &[("intro", "I would like to learn Rust from you.")],
        )
        .await;
    assert_eq!(asked.status, StatusCode::SEE_OTHER, "{}", asked.body);
    let directory = format!("/programs/{program}/mentors");
    for path in [
        "/shortlist",
        person.as_str(),
        suggestions.as_str(),
        directory.as_str(),
    ] {
        let page = mentee.get(path).await;
        assert_eq!(page.status, StatusCode::OK, "{path}");
        assert_eq!(ask_links(&page.body, &program, &mentor_id), 0, "{path}");
    }
}
