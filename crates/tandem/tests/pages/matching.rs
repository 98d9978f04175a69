//! Suggestions, rounds, weights and pairs by hand, through the pages.
use super::*;

#[tokio::test]
async fn a_mentee_sees_ranked_suggestions_with_why_this_match() {
    let (router, _dir) = app().await;
    let (_admin, mut margaret, mut tim, program) = program_with_people(&router).await;
    let path = format!("/programs/{program}/suggestions");

    // No language on the profile: no suggestions, and the page says what to add.
    let empty = tim.get(&path).await;
    assert_eq!(empty.status, StatusCode::OK);
    assert!(
        empty.body.contains(r#"id="no-suggestions""#),
        "{}",
        empty.body
    );
    assert!(empty.body.contains("the languages you speak"));
    assert!(empty.body.contains(r#"href="/profile""#));

    set_profile(
        &mut margaret,
        "Software engineering",
        "Apollo guidance",
        "Rust, SQL",
    )
    .await;
    set_profile(&mut tim, "Software engineering", "", "Python").await;
    let mut ken = Browser::new(&router);
    ken.sign_up("Ken Mentor", "ken@example.org").await;
    set_profile(&mut ken, "Marketing", "Brand launches", "Branding").await;
    ken.post(
        &format!("/programs/{program}/enroll"),
        &[("role", "mentor")],
    )
    .await;

    let page = tim.get(&path).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(!page.body.contains(r#"id="no-suggestions""#));
    let margaret_at = page.body.find("Margaret Mentor").expect("Margaret");
    let ken_at = page.body.find("Ken Mentor").expect("Ken");
    assert!(
        margaret_at < ken_at,
        "the mentor with the skill Tim wants ranks first"
    );
    let mentor_id = between(&page.body, r#"id="suggestion-"#, "\"")
        .unwrap()
        .to_string();
    assert!(page.body.contains("Apollo guidance") && page.body.contains("Software engineering"));
    assert!(page.body.contains("<meter") && page.body.contains("out of 100"));
    let why = between(
        &page.body,
        &format!(r#"id="why-{mentor_id}""#),
        "</details>",
    )
    .unwrap();
    assert!(why.contains("Why this match"));
    assert!(
        why.contains(r#"<th scope="row">Skills</th>"#)
            && why.contains(r#"<th scope="row">Field</th>"#),
        "one row per criterion, in plain words: {why}"
    );
    assert!(page.body.contains(&format!(
        r#"href="/programs/{program}/mentors/{mentor_id}/request">Ask for mentorship"#
    )));

    // The program page and the dashboard lead here.
    assert!(tim
        .get(&format!("/programs/{program}"))
        .await
        .body
        .contains(&format!(r#"href="/programs/{program}/suggestions""#)));
    let dashboard = tim.get("/dashboard").await;
    assert!(
        between(&dashboard.body, r#"id="next-steps""#, "</section>")
            .unwrap()
            .contains(&format!(r#"href="/programs/{program}/suggestions""#)),
        "a mentee without a mentor is pointed at the suggestions"
    );
}

#[tokio::test]
async fn a_coordinator_reviews_edits_and_publishes_a_round() {
    let (router, _dir) = app().await;
    let (mut admin, mut tim, _uma, program) = matching_pool(&router).await;

    let rounds = admin.get(&format!("/programs/{program}/rounds")).await;
    assert_eq!(rounds.status, StatusCode::OK);
    assert!(rounds.body.contains(r#"id="no-rounds""#));
    assert!(rounds.body.contains(r#"id="round-form""#));

    let bad = admin
        .post(
            &format!("/programs/{program}/rounds"),
            &[("objective", "optimal"), ("min_score", "150")],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.body.contains(r#"id="min_score-error""#) && bad.body.contains(r#"value="150""#));

    let started = admin
        .post(
            &format!("/programs/{program}/rounds"),
            &[("objective", "optimal"), ("min_score", "")],
        )
        .await;
    assert_eq!(started.status, StatusCode::SEE_OTHER, "{}", started.body);
    let round_path = started.location().to_string();
    assert!(round_path.starts_with("/rounds/"));

    let draft = admin.get(&round_path).await;
    assert_eq!(draft.status, StatusCode::OK);
    assert!(draft
        .body
        .contains("Draft ready: 2 pairs, 0 mentees unmatched"));
    assert!(draft.body.contains(r#"class="badge badge-draft">draft<"#));
    assert_eq!(
        between(&draft.body, r#"id="figure-pairs">"#, "<"),
        Some("2")
    );
    assert!(
        draft.body.contains(r#"aria-sort="descending""#),
        "score first by default"
    );
    assert_eq!(
        draft.body.matches(r#"<details class="why">"#).count(),
        2,
        "a why per pair"
    );

    // Server-side sorting by name.
    let by_mentor = admin.get(&format!("{round_path}?sort=mentor")).await;
    let by_mentee = admin.get(&format!("{round_path}?sort=mentee")).await;
    assert!(by_mentor.body.contains(r#"aria-sort="ascending""#));
    let first_row = |body: &str| {
        between(body, "<tbody>", "</tr>")
            .map(|r| r.contains("Tim Mentee"))
            .unwrap()
    };
    assert!(first_row(&by_mentee.body), "Tim before Uma by mentee");
    assert!(
        !first_row(&by_mentor.body),
        "Ken (with Uma) before Margaret by mentor"
    );

    // Remove Tim's pair: Tim is listed unmatched.
    let tim_row = draft
        .body
        .split("<tr id=\"pair-")
        .skip(1)
        .find(|r| r.split("<details").next().unwrap().contains("Tim Mentee"))
        .expect("Tim is paired");
    let mentor_id = between(tim_row, r#"name="mentor_id" value=""#, "\"")
        .unwrap()
        .to_string();
    let tim_id = between(tim_row, r#"name="mentee_id" value=""#, "\"")
        .unwrap()
        .to_string();
    let removed = admin
        .post(
            &format!("{round_path}/remove"),
            &[("mentor_id", &mentor_id), ("mentee_id", &tim_id)],
        )
        .await;
    assert_eq!(removed.status, StatusCode::SEE_OTHER);
    let after = admin.get(&round_path).await;
    assert_eq!(
        between(&after.body, r#"id="figure-pairs">"#, "<"),
        Some("1")
    );
    assert_eq!(
        between(&after.body, r#"id="figure-unmatched">"#, "<"),
        Some("1")
    );
    assert!(between(&after.body, r#"id="unmatched-list">"#, "</ul>")
        .unwrap()
        .contains("Tim Mentee"));

    // Adding a mentee already paired is refused with the reason on top.
    let uma_id = option_value(&after.body, "Uma Mentee");
    admin
        .post(
            &format!("{round_path}/add"),
            &[("mentor_id", &mentor_id), ("mentee_id", &uma_id)],
        )
        .await;
    let refused = admin.get(&round_path).await;
    assert!(
        between(&refused.body, r#"id="flash""#, "</div>")
            .unwrap()
            .contains("already paired in the draft"),
        "{}",
        refused.body
    );

    // Tim goes back in by hand.
    assert_eq!(
        option_value(
            &after.body,
            "Tim Mentee &#60;mentee@example.org&#62; (unmatched)"
        ),
        tim_id
    );
    let added = admin
        .post(
            &format!("{round_path}/add"),
            &[("mentor_id", &mentor_id), ("mentee_id", &tim_id)],
        )
        .await;
    assert_eq!(added.status, StatusCode::SEE_OTHER);
    let back = admin.get(&round_path).await;
    assert_eq!(between(&back.body, r#"id="figure-pairs">"#, "<"), Some("2"));
    assert!(back.body.contains(r#"id="no-unmatched""#));

    // Publish: read-only afterwards, and the proposals exist.
    let published = admin
        .post(&format!("{round_path}/publish"), &[("confirm", "yes")])
        .await;
    assert_eq!(published.status, StatusCode::SEE_OTHER);
    let done = admin.get(&round_path).await;
    assert!(done.body.contains("Published: 2 proposals sent"));
    assert!(done
        .body
        .contains(r#"class="badge badge-published">published<"#));
    assert!(done.body.contains(r#"id="round-read-only""#));
    for form in ["remove-form-", "add-pair-form", "publish-form"] {
        assert!(!done.body.contains(form), "{form} is gone once published");
    }
    admin
        .post(
            &format!("{round_path}/remove"),
            &[("mentor_id", &mentor_id), ("mentee_id", &tim_id)],
        )
        .await;
    let still = admin.get(&round_path).await;
    assert!(still.body.contains("only drafts change"));
    assert_eq!(
        between(&still.body, r#"id="figure-pairs">"#, "<"),
        Some("2")
    );
    let listed = admin.get(&format!("/programs/{program}/rounds")).await;
    assert!(listed
        .body
        .contains(r#"class="badge badge-published">published<"#));

    // Tim has a proposal waiting, and its page reads as a proposed match.
    let dashboard = tim.get("/dashboard").await;
    let waiting = between(&dashboard.body, r#"id="waiting-on-you""#, "</section>").unwrap();
    let proposal = between(waiting, r#"href="/mentorships/"#, "\"")
        .expect("a proposal waits on Tim")
        .to_string();
    let page = tim.get(&format!("/mentorships/{proposal}")).await;
    assert!(page
        .body
        .contains(r#"id="mentorship-status" class="badge badge-proposed">proposed<"#));
    assert!(page.body.contains("Matching round"));
    assert!(page.body.contains("Accept this match") && page.body.contains("Decline this match"));
    let answers = between(&page.body, r#"id="acceptances">"#, "</ul>").unwrap();
    assert!(answers.contains("Tim Mentee (you), mentee") && answers.contains("not yet answered"));
    tim.post(&format!("/mentorships/{proposal}/actions/accept"), &[])
        .await;
    let accepted = tim.get(&format!("/mentorships/{proposal}")).await;
    assert!(accepted.body.contains(r#"id="awaiting-others""#));
    assert!(!accepted.body.contains(r#"id="action-accept""#));
}

#[tokio::test]
async fn round_pages_are_for_coordinators_and_their_forms_need_the_csrf_token() {
    let (router, _dir) = app().await;
    let (mut admin, mut tim, _uma, program) = matching_pool(&router).await;
    admin.get(&format!("/programs/{program}/rounds")).await;
    let started = admin
        .post(
            &format!("/programs/{program}/rounds"),
            &[("objective", "stable")],
        )
        .await;
    let round_path = started.location().to_string();

    // The pages refuse as the API does: a round is not known to outsiders (404);
    // the program is, so its rounds and weights are refused (403).
    let page = tim.get(&round_path).await;
    assert_eq!(page.status, StatusCode::NOT_FOUND, "{round_path}");
    assert!(page.body.contains("Not found"), "{round_path}");
    for path in [
        format!("/programs/{program}/rounds"),
        format!("/programs/{program}/weights"),
    ] {
        let page = tim.get(&path).await;
        assert_eq!(page.status, StatusCode::FORBIDDEN, "{path}");
        assert!(page.body.contains("Not allowed"), "{path}");
    }
    let program_page = tim.get(&format!("/programs/{program}")).await;
    assert!(!program_page.body.contains(r#"id="rounds-link""#));
    assert_eq!(
        tim.post(&format!("{round_path}/publish"), &[("confirm", "yes")])
            .await
            .status,
        StatusCode::NOT_FOUND
    );

    let forged = admin.post_raw(&format!("{round_path}/publish"), &[]).await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    let wrong = admin
        .post_raw(&format!("{round_path}/publish"), &[("csrf", "forged")])
        .await;
    assert_eq!(wrong.status, StatusCode::FORBIDDEN);
    let still = admin.get(&round_path).await;
    assert!(
        still.body.contains(r#"class="badge badge-draft">draft<"#)
            && still.body.contains(r#"id="publish-form""#),
        "nothing was published"
    );
}

#[tokio::test]
async fn a_coordinator_sets_weights_and_proposes_a_pair_by_hand() {
    let (router, _dir) = app().await;
    let (mut admin, mut tim, _uma, program) = matching_pool(&router).await;

    let weights_path = format!("/programs/{program}/weights");
    let form = admin.get(&weights_path).await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.body.contains(r#"id="weights-form""#));
    assert!(form.body.contains(r#"id="weight_skills""#) && form.body.contains("Shared values"));
    let mut fields: Vec<(String, String)> = [
        "skills",
        "field",
        "values",
        "seniority",
        "interests",
        "background",
        "learning_style",
        "meeting_preference",
        "availability",
        "timezone",
    ]
    .iter()
    .map(|c| (format!("weight_{c}"), "2".to_string()))
    .collect();
    fields[0].1 = "11".into();
    let refs: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let bad = admin.post(&weights_path, &refs).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.body.contains(r#"id="weight_skills-error""#) && bad.body.contains(r#"value="11""#));
    fields[0].1 = "9".into();
    let refs: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let saved = admin.post(&weights_path, &refs).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER);
    let shown = admin.get(&weights_path).await;
    assert!(shown
        .body
        .contains(r#"name="weight_skills" type="number" min="0" max="10" step="1" value="9""#));
    assert!(shown.body.contains("Weights saved"));

    let enrolments_path = format!("/programs/{program}/enrollments");
    let listing = admin.get(&enrolments_path).await;
    assert!(listing.body.contains(r#"id="propose-pair-form""#));
    assert!(listing
        .body
        .contains(&format!(r#"href="/programs/{program}/rounds""#)));
    let ken = option_value(&listing.body, "Ken Mentor");
    let tim_id = option_value(&listing.body, "Tim Mentee");
    let proposed = admin
        .post(
            &format!("/programs/{program}/pairs"),
            &[("mentor_id", &ken), ("mentee_id", &tim_id)],
        )
        .await;
    assert_eq!(proposed.status, StatusCode::SEE_OTHER);
    let after = admin.get(&enrolments_path).await;
    assert!(
        after
            .body
            .contains("Proposed Ken Mentor as mentor of Tim Mentee"),
        "{}",
        between(&after.body, "<main", "<h1").unwrap_or_default()
    );
    assert!(
        between(&after.body, r#"id="program-mentorships-table""#, "</table>")
            .unwrap()
            .contains(r#"class="badge badge-proposed">proposed<"#)
    );

    // The same pair again is refused with the reason on top.
    admin
        .post(
            &format!("/programs/{program}/pairs"),
            &[("mentor_id", &ken), ("mentee_id", &tim_id)],
        )
        .await;
    let refused = admin.get(&enrolments_path).await;
    assert!(refused.body.contains("banner-error"), "{}", refused.body);

    let dashboard = tim.get("/dashboard").await;
    assert!(
        between(&dashboard.body, r#"id="waiting-on-you""#, "</section>")
            .unwrap()
            .contains("Ken Mentor")
    );
}

#[tokio::test]
async fn person_pickers_show_the_address_beside_the_name() {
    let (router, _dir) = app().await;
    let (mut admin, _tim, _uma, program) = matching_pool(&router).await;

    let listing = admin.get(&format!("/programs/{program}/enrollments")).await;
    let proposing = between(&listing.body, r#"id="propose-pair-form""#, "</form>").unwrap();
    assert!(proposing.contains(">Ken Mentor &#60;ken@example.org&#62;</option>"));
    assert!(proposing.contains(">Uma Mentee &#60;uma@example.org&#62;</option>"));

    let started = admin
        .post(
            &format!("/programs/{program}/rounds"),
            &[("objective", "optimal"), ("min_score", "")],
        )
        .await;
    let round = admin.get(started.location()).await;
    let adding = between(&round.body, r#"id="add-pair-form""#, "</form>").unwrap();
    assert!(adding.contains(">Margaret Mentor &#60;mentor@example.org&#62;</option>"));

    let appointing = admin.get(&format!("/programs/{program}")).await;
    let picker = between(&appointing.body, r#"id="coordinator-person""#, "</select>").unwrap();
    assert!(picker.contains(">Ken Mentor &#60;ken@example.org&#62;</option>"));
}

#[tokio::test]
async fn counts_of_one_read_in_the_singular() {
    let (router, _dir) = app().await;
    let (mut admin, _tim, _uma, program) = matching_pool(&router).await;
    // A third mentee shares no language with any mentor, so stays unmatched.
    let mut val = Browser::new(&router);
    val.sign_up("Val Mentee", "val@example.org").await;
    set_profile(&mut val, "Marketing", "", "Copywriting").await;
    let moved = val
        .post(
            "/profile",
            &[("field", "Marketing"), ("languages", "Klingon")],
        )
        .await;
    assert_eq!(moved.status, StatusCode::SEE_OTHER, "{}", moved.body);
    let enrolled = val
        .post(
            &format!("/programs/{program}/enroll"),
            &[("role", "mentee"), ("wants_skills", "Branding")],
        )
        .await;
    assert_eq!(enrolled.status, StatusCode::SEE_OTHER);

    let started = admin
        .post(
            &format!("/programs/{program}/rounds"),
            &[("objective", "optimal"), ("min_score", "")],
        )
        .await;
    assert_eq!(started.status, StatusCode::SEE_OTHER, "{}", started.body);
    let round_path = started.location().to_string();
    let draft = admin.get(&round_path).await;
    assert!(
        draft
            .body
            .contains("Draft ready: 2 pairs, 1 mentee unmatched."),
        "{}",
        between(&draft.body, "<main", "<h1").unwrap_or_default()
    );
    assert!(
        draft
            .body
            .contains("A stable round leaves no mentor and mentee")
            || draft
                .body
                .contains("An optimal round matches as many mentees as possible")
    );
    assert!(draft
        .body
        .contains("certificate of optimality (a price for every mentee"));

    // Down to one pair: one proposal.
    let pair_id = between(
        &draft.body,
        r#"<input type="hidden" name="mentor_id" value=""#,
        "\"",
    )
    .unwrap()
    .to_string();
    let mentee_id = between(
        &draft.body,
        r#"<input type="hidden" name="mentee_id" value=""#,
        "\"",
    )
    .unwrap()
    .to_string();
    let removed = admin
        .post(
            &format!("{round_path}/remove"),
            &[("mentor_id", &pair_id), ("mentee_id", &mentee_id)],
        )
        .await;
    assert_eq!(removed.status, StatusCode::SEE_OTHER, "{}", removed.body);
    let one = admin.get(&round_path).await;
    assert!(
        one.body.contains(">Publish 1 proposal</button>"),
        "{}",
        between(&one.body, r#"id="publish""#, "</section>").unwrap_or_default()
    );
    assert!(one.body.contains("Send 1 proposal now"));
}

#[tokio::test]
async fn a_draft_made_before_the_pool_changed_is_marked_stale() {
    let (router, _dir) = app().await;
    let (mut admin, _tim, _uma, program) = matching_pool(&router).await;
    let started = admin
        .post(
            &format!("/programs/{program}/rounds"),
            &[("objective", "stable"), ("min_score", "")],
        )
        .await;
    let round_path = started.location().to_string();
    let fresh = admin.get(&format!("/programs/{program}/rounds")).await;
    assert!(
        !fresh.body.contains("badge-stale"),
        "a fresh draft is not stale"
    );
    assert!(fresh
        .body
        .contains("A draft is marked <strong>stale</strong> when"));

    let mut val = Browser::new(&router);
    val.sign_up("Val Mentee", "val@example.org").await;
    let enrolled = val
        .post(
            &format!("/programs/{program}/enroll"),
            &[("role", "mentee"), ("wants_skills", "Branding")],
        )
        .await;
    assert_eq!(enrolled.status, StatusCode::SEE_OTHER);

    let listing = admin.get(&format!("/programs/{program}/rounds")).await;
    assert!(
        listing.body.contains(r#"class="badge badge-stale""#)
            && listing.body.contains("the pool changed on"),
        "{}",
        between(&listing.body, r#"id="rounds-table""#, "</table>").unwrap_or_default()
    );
    let draft = admin.get(&round_path).await;
    assert!(draft.body.contains(r#"id="round-stale""#));
}
