use crate::common::{request_body, TestApp};
use crate::on_both_databases;
use axum::http::{Method, StatusCode};
use serde_json::{json, Value};

on_both_databases!(
    a_mentee_requests_and_the_mentor_accepts,
    requests_are_validated,
    duplicates_capacity_and_limits_are_conflicts,
    only_the_mentor_answers_and_only_the_requester_withdraws,
    illegal_transitions_are_conflicts,
    pause_resume_complete_and_end,
    capacity_is_checked_again_when_accepting,
    old_requests_expire,
    group_programs_keep_one_mentorship_per_mentor,
    concurrent_accepts_cannot_both_take_the_last_place,
    coordinators_see_that_pairs_exist_but_not_what_they_say,
    my_mentorships_are_listed_and_filtered,
);

/// Admin, a program, a mentor and a mentee enrolled; returns (program, mentor id, mentor token, mentee id, mentee token, admin token).
async fn setup(
    app: &TestApp,
    kind: &str,
    extra: Value,
) -> (String, String, String, String, String, String) {
    let (_, admin) = app.person("Admin").await;
    let (mentor_id, mentor) = app.person("Mentor").await;
    let (mentee_id, mentee) = app.person("Mentee").await;
    let program = app.program(&admin, kind, extra).await;
    app.enroll(&program, &mentor, "mentor").await;
    app.enroll(&program, &mentee, "mentee").await;
    (program, mentor_id, mentor, mentee_id, mentee, admin)
}

async fn act(
    app: &TestApp,
    id: &str,
    action: &str,
    token: &str,
    body: Value,
) -> (StatusCode, Value) {
    app.post(&format!("/api/v1/mentorships/{id}/{action}"), token, body)
        .await
}

async fn a_mentee_requests_and_the_mentor_accepts(app: TestApp) {
    let (program, mentor_id, mentor, mentee_id, mentee, _) =
        setup(&app, "traditional", json!({})).await;
    let (s, m) = app
        .post(
            "/api/v1/mentorships",
            &mentee,
            request_body(&program, &mentor_id),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{m}");
    assert_eq!(m["status"], "requested");
    assert_eq!(m["origin"], "request");
    assert_eq!(m["program_id"], program);
    assert_eq!(m["mentor"], json!({"id": mentor_id, "name": "Mentor"}));
    assert_eq!(m["mentees"][0]["id"], mentee_id);
    assert_eq!(m["intro"], "I am a junior engineer.");
    assert_eq!(m["reasons"], "You know distributed systems.");
    assert_eq!(m["ask"], "A first 30-minute call?");
    assert!(m["created_at"].as_str().unwrap().ends_with('Z'));
    assert!(m["started_at"].is_null() && m["ended_at"].is_null() && m["end_reason"].is_null());
    let id = m["id"].as_str().unwrap();
    let (_, seen_by_mentor) = app.get(&format!("/api/v1/mentorships/{id}"), &mentor).await;
    assert_eq!(
        seen_by_mentor["allowed_actions"],
        json!(["accept", "decline"])
    );
    let (s, m) = act(&app, id, "accept", &mentor, json!({})).await;
    assert_eq!(s, StatusCode::OK, "{m}");
    assert_eq!(m["status"], "active");
    assert!(m["started_at"].is_string());
    let (_, again) = app.get(&format!("/api/v1/mentorships/{id}"), &mentee).await;
    assert_eq!(again["status"], "active");
}

async fn requests_are_validated(app: TestApp) {
    let (program, mentor_id, mentor, mentee_id, mentee, admin) =
        setup(&app, "traditional", json!({})).await;
    let (_, outsider) = app.person("Outsider").await;
    let cases = [
        (
            &mentee,
            json!({"program_id": program, "mentor_id": mentor_id, "intro": "  ", "reasons": "", "ask": ""}),
            "intro",
        ),
        (&mentee, request_body(&program, &mentee_id), "mentor_id"),
        (
            &mentee,
            request_body("no-such-program", &mentor_id),
            "program_id",
        ),
    ];
    for (token, body, field) in cases {
        let (s, e) = app.post("/api/v1/mentorships", token, body).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
        assert!(e["error"]["fields"][field].is_string(), "{field}: {e}");
    }
    let (s, e) = app
        .post(
            "/api/v1/mentorships",
            &outsider,
            request_body(&program, &mentor_id),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "not enrolled: {e}");
    assert_eq!(e["error"]["code"], "not_enrolled");
    // A mentor who is no mentee of the program may not ask, whatever they ask.
    let (s, e) = app
        .post(
            "/api/v1/mentorships",
            &mentor,
            request_body(&program, &mentor_id),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
    assert_eq!(e["error"]["code"], "not_enrolled");
    let (s, _) = app
        .post(
            "/api/v1/mentorships",
            &admin,
            request_body(&program, &mentor_id),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    let (s, _) = app
        .post(
            "/api/v1/mentorships",
            &mentee,
            json!({"program_id": program}),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    let (s, _) = app
        .call(
            Method::POST,
            "/api/v1/mentorships",
            None,
            Some(request_body(&program, &mentor_id)),
        )
        .await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    let (_, mine) = app.get("/api/v1/mentorships", &mentee).await;
    assert_eq!(
        mine["items"],
        json!([]),
        "refused requests leave nothing behind"
    );
}

async fn duplicates_capacity_and_limits_are_conflicts(app: TestApp) {
    let (program, mentor_id, mentor, _, mentee, admin) =
        setup(&app, "traditional", json!({"mentor_capacity": 1})).await;
    let (other_mentor_id, other_mentor) = app.person("Other Mentor").await;
    let (_, second_mentee) = app.person("Second Mentee").await;
    app.enroll(&program, &other_mentor, "mentor").await;
    app.enroll(&program, &second_mentee, "mentee").await;
    let first = app.request(&program, &mentee, &mentor_id).await;
    let (s, e) = app
        .post(
            "/api/v1/mentorships",
            &mentee,
            request_body(&program, &mentor_id),
        )
        .await;
    assert_eq!(s, StatusCode::CONFLICT);
    assert_eq!(e["error"]["code"], "duplicate");
    // max_mentors_per_mentee = 1 counts the open request.
    let (s, e) = app
        .post(
            "/api/v1/mentorships",
            &mentee,
            request_body(&program, &other_mentor_id),
        )
        .await;
    assert_eq!(s, StatusCode::CONFLICT);
    assert_eq!(e["error"]["code"], "mentee_limit_reached");
    // The mentor takes one mentee; once that place is used, new requests are refused.
    act(&app, &first, "accept", &mentor, json!({})).await;
    let (s, e) = app
        .post(
            "/api/v1/mentorships",
            &second_mentee,
            request_body(&program, &mentor_id),
        )
        .await;
    assert_eq!(s, StatusCode::CONFLICT);
    assert_eq!(e["error"]["code"], "mentor_at_capacity");
    // After the relationship ends, the mentee can be matched again, but not with the same mentor twice at once.
    act(
        &app,
        &first,
        "end",
        &mentee,
        json!({"reason": "not_a_good_fit"}),
    )
    .await;
    let (s, _) = app
        .post(
            "/api/v1/mentorships",
            &mentee,
            request_body(&program, &other_mentor_id),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED);
    let _ = admin;
}

async fn only_the_mentor_answers_and_only_the_requester_withdraws(app: TestApp) {
    let (program, mentor_id, mentor, _, mentee, admin) =
        setup(&app, "traditional", json!({"max_mentors_per_mentee": 3})).await;
    let (_, stranger) = app.person("Stranger").await;
    let id = app.request(&program, &mentee, &mentor_id).await;
    let (s, e) = act(&app, &id, "accept", &mentee, json!({})).await;
    assert_eq!(s, StatusCode::FORBIDDEN, "{e}");
    let (s, _) = act(
        &app,
        &id,
        "decline",
        &mentee,
        json!({"reason": "changed my mind"}),
    )
    .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, _) = act(&app, &id, "withdraw", &mentor, json!({})).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    for action in ["accept", "decline", "withdraw"] {
        let (s, e) = act(&app, &id, action, &stranger, json!({})).await;
        assert_eq!(s, StatusCode::NOT_FOUND, "a stranger learns nothing: {e}");
        let (s, _) = act(&app, &id, action, &admin, json!({})).await;
        assert_eq!(
            s,
            StatusCode::FORBIDDEN,
            "an admin knows it exists but cannot act for the pair"
        );
    }
    let (s, m) = act(&app, &id, "withdraw", &mentee, json!({})).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(m["status"], "withdrawn");
    assert!(m["ended_at"].is_string());

    let id = app.request(&program, &mentee, &mentor_id).await;
    let (s, m) = act(
        &app,
        &id,
        "decline",
        &mentor,
        json!({"reason": "I am away until spring"}),
    )
    .await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(m["status"], "declined");
    let (_, seen) = app.get(&format!("/api/v1/mentorships/{id}"), &mentee).await;
    assert_eq!(seen["decline_reason"], "I am away until spring");
    let (s, _) = act(&app, "no-such-id", "accept", &mentor, json!({})).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
}

async fn illegal_transitions_are_conflicts(app: TestApp) {
    let (program, mentor_id, mentor, _, mentee, _) = setup(&app, "traditional", json!({})).await;
    let id = app.request(&program, &mentee, &mentor_id).await;
    for action in ["pause", "resume", "complete", "end"] {
        let (s, e) = act(&app, &id, action, &mentee, json!({"reason": "time"})).await;
        assert_eq!(s, StatusCode::CONFLICT, "{action} on a request: {e}");
        assert_eq!(e["error"]["code"], "invalid_transition");
    }
    act(&app, &id, "accept", &mentor, json!({})).await;
    for action in ["accept", "decline", "withdraw", "resume"] {
        let (s, _) = act(&app, &id, action, &mentor, json!({})).await;
        assert_eq!(s, StatusCode::CONFLICT, "{action} on an active mentorship");
    }
    act(&app, &id, "complete", &mentor, json!({})).await;
    for action in ["accept", "pause", "resume", "complete", "end"] {
        let (s, _) = act(&app, &id, action, &mentee, json!({"reason": "time"})).await;
        assert_eq!(
            s,
            StatusCode::CONFLICT,
            "{action} on a completed mentorship"
        );
    }
}

async fn pause_resume_complete_and_end(app: TestApp) {
    let (program, mentor_id, mentor, _, mentee, _) =
        setup(&app, "traditional", json!({"max_mentors_per_mentee": 2})).await;
    let id = app.request(&program, &mentee, &mentor_id).await;
    act(&app, &id, "accept", &mentor, json!({})).await;
    let (s, m) = act(&app, &id, "pause", &mentee, json!({})).await;
    assert_eq!((s, m["status"].as_str()), (StatusCode::OK, Some("paused")));
    let (s, m) = app
        .call(
            Method::POST,
            &format!("/api/v1/mentorships/{id}/resume"),
            Some(&mentor),
            None,
        )
        .await;
    assert_eq!(
        (s, m["status"].as_str()),
        (StatusCode::OK, Some("active")),
        "actions take an empty body"
    );
    let (s, m) = act(
        &app,
        &id,
        "complete",
        &mentee,
        json!({"reflection": "I learnt to lead a design review."}),
    )
    .await;
    assert_eq!(
        (s, m["status"].as_str()),
        (StatusCode::OK, Some("completed"))
    );
    assert!(m["ended_at"].is_string());
    let (s, r) = app
        .put(
            &format!("/api/v1/mentorships/{id}/reflection"),
            &mentor,
            json!({"text": "A joy to work with."}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{r}");
    let (_, reflections) = app
        .get(&format!("/api/v1/mentorships/{id}/reflections"), &mentee)
        .await;
    assert_eq!(reflections["items"].as_array().unwrap().len(), 2);
    let (s, _) = app
        .put(
            &format!("/api/v1/mentorships/{id}/reflection"),
            &mentor,
            json!({"text": ""}),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);

    let (other_id, other) = app.person("Second Mentor").await;
    app.enroll(&program, &other, "mentor").await;
    let id = app.request(&program, &mentee, &other_id).await;
    act(&app, &id, "accept", &other, json!({})).await;
    let (s, reflection_too_early) = app
        .put(
            &format!("/api/v1/mentorships/{id}/reflection"),
            &mentee,
            json!({"text": "Too soon"}),
        )
        .await;
    assert_eq!(s, StatusCode::CONFLICT, "{reflection_too_early}");
    let (s, e) = act(&app, &id, "end", &mentee, json!({"reason": "bored"})).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(e["error"]["fields"]["reason"].is_string());
    let (s, e) = act(&app, &id, "end", &mentee, json!({})).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
    let (s, m) = act(
        &app,
        &id,
        "end",
        &mentee,
        json!({"reason": "goals_met_early", "note": "We got there fast."}),
    )
    .await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(m["status"], "ended");
    assert_eq!(m["end_reason"], "goals_met_early");
    assert_eq!(m["end_note"], "We got there fast.");
    let (s, _) = app
        .post(
            &format!("/api/v1/mentorships/{id}/pause"),
            &mentee,
            json!("not an object"),
        )
        .await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "a body that is not an object");
}

async fn capacity_is_checked_again_when_accepting(app: TestApp) {
    let (program, mentor_id, mentor, _, mentee, _) =
        setup(&app, "traditional", json!({"mentor_capacity": 1})).await;
    let (_, second) = app.person("Second Mentee").await;
    app.enroll(&program, &second, "mentee").await;
    let a = app.request(&program, &mentee, &mentor_id).await;
    let b = app.request(&program, &second, &mentor_id).await;
    let (s, _) = act(&app, &a, "accept", &mentor, json!({})).await;
    assert_eq!(s, StatusCode::OK);
    let (s, e) = act(&app, &b, "accept", &mentor, json!({})).await;
    assert_eq!(s, StatusCode::CONFLICT);
    assert_eq!(e["error"]["code"], "mentor_at_capacity");
    let (_, still) = app.get(&format!("/api/v1/mentorships/{b}"), &second).await;
    assert_eq!(still["status"], "requested");
}

async fn old_requests_expire(app: TestApp) {
    let (program, mentor_id, mentor, _, mentee, _) =
        setup(&app, "traditional", json!({"request_expiry_days": 7})).await;
    let id = app.request(&program, &mentee, &mentor_id).await;
    app.state.clock.advance(chrono::Duration::days(6));
    let (_, m) = app.get(&format!("/api/v1/mentorships/{id}"), &mentee).await;
    assert_eq!(m["status"], "requested");
    app.state.clock.advance(chrono::Duration::days(2));
    let (_, m) = app.get(&format!("/api/v1/mentorships/{id}"), &mentee).await;
    assert_eq!(m["status"], "expired");
    assert!(m["ended_at"].is_string());
    let (s, _) = act(&app, &id, "accept", &mentor, json!({})).await;
    assert_eq!(s, StatusCode::CONFLICT);
    // An expired request no longer blocks a new one.
    let (s, _) = app
        .post(
            "/api/v1/mentorships",
            &mentee,
            request_body(&program, &mentor_id),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED);
}

async fn group_programs_keep_one_mentorship_per_mentor(app: TestApp) {
    let (program, mentor_id, mentor, mentee_id, mentee, _) =
        setup(&app, "group", json!({"mentor_capacity": 5})).await;
    let (second_id, second) = app.person("Second Mentee").await;
    app.enroll(&program, &second, "mentee").await;
    let a = app.request(&program, &mentee, &mentor_id).await;
    let b = app.request(&program, &second, &mentor_id).await;
    let (s, group) = act(&app, &a, "accept", &mentor, json!({})).await;
    assert_eq!(s, StatusCode::OK, "{group}");
    assert_eq!(group["status"], "active");
    assert_ne!(
        group["id"],
        a.as_str(),
        "the answer is the group mentorship"
    );
    let (s, group_again) = act(&app, &b, "accept", &mentor, json!({})).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(group_again["id"], group["id"]);
    let ids: Vec<&str> = group_again["mentees"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, vec![mentee_id.as_str(), second_id.as_str()]);
    for (req, token) in [(&a, &mentee), (&b, &second)] {
        let (_, r) = app.get(&format!("/api/v1/mentorships/{req}"), token).await;
        assert_eq!(r["status"], "merged");
        assert_eq!(r["merged_into"], group["id"]);
    }
    let (_, mine) = app.get("/api/v1/mentorships?status=active", &mentor).await;
    assert_eq!(
        mine["items"].as_array().unwrap().len(),
        1,
        "one group mentorship per mentor"
    );
}

async fn concurrent_accepts_cannot_both_take_the_last_place(app: TestApp) {
    let (program, mentor_id, mentor, _, mentee, _) =
        setup(&app, "traditional", json!({"mentor_capacity": 1})).await;
    let mut requests = vec![app.request(&program, &mentee, &mentor_id).await];
    for i in 0..3 {
        let (_, t) = app.person(&format!("Extra {i}")).await;
        app.enroll(&program, &t, "mentee").await;
        requests.push(app.request(&program, &t, &mentor_id).await);
    }
    let results = futures_join(requests.iter().map(|id| {
        let app = &app;
        let mentor = &mentor;
        async move { act(app, id, "accept", mentor, json!({})).await.0 }
    }))
    .await;
    let ok = results.iter().filter(|s| **s == StatusCode::OK).count();
    let conflict = results
        .iter()
        .filter(|s| **s == StatusCode::CONFLICT)
        .count();
    assert_eq!((ok, conflict), (1, 3), "{results:?}");
    let (_, active) = app.get("/api/v1/mentorships?status=active", &mentor).await;
    assert_eq!(active["items"].as_array().unwrap().len(), 1);
}

/// Runs futures concurrently on the multi-threaded test runtime.
async fn futures_join<F: std::future::Future<Output = StatusCode>>(
    futures: impl Iterator<Item = F>,
) -> Vec<StatusCode> {
    let mut set = Vec::new();
    for f in futures {
        set.push(f);
    }
    let mut pinned: Vec<_> = set.into_iter().map(Box::pin).collect();
    let mut out = vec![None; pinned.len()];
    std::future::poll_fn(|cx| {
        let mut pending = false;
        for (i, f) in pinned.iter_mut().enumerate() {
            if out[i].is_none() {
                match f.as_mut().poll(cx) {
                    std::task::Poll::Ready(v) => out[i] = Some(v),
                    std::task::Poll::Pending => pending = true,
                }
            }
        }
        if pending {
            std::task::Poll::Pending
        } else {
            std::task::Poll::Ready(())
        }
    })
    .await;
    out.into_iter().map(Option::unwrap).collect()
}

async fn coordinators_see_that_pairs_exist_but_not_what_they_say(app: TestApp) {
    let (program, mentor_id, mentor, _, mentee, admin) =
        setup(&app, "traditional", json!({})).await;
    let (coord_id, coord) = app.person("Coord").await;
    let (_, stranger) = app.person("Stranger").await;
    app.post(
        &format!("/api/v1/programs/{program}/coordinators"),
        &admin,
        json!({"person_id": coord_id}),
    )
    .await;
    let id = app.request(&program, &mentee, &mentor_id).await;
    act(&app, &id, "accept", &mentor, json!({})).await;
    for token in [&coord, &admin] {
        let (s, m) = app.get(&format!("/api/v1/mentorships/{id}"), token).await;
        assert_eq!(s, StatusCode::OK);
        assert_eq!(m["status"], "active");
        for private in ["intro", "reasons", "ask", "decline_reason", "end_note"] {
            assert!(
                m.get(private).is_none(),
                "{private} leaked to a coordinator: {m}"
            );
        }
        assert_eq!(m["allowed_actions"], json!([]));
        let (s, _) = app
            .get(&format!("/api/v1/mentorships/{id}/agreement"), token)
            .await;
        assert_eq!(s, StatusCode::FORBIDDEN);
        let (s, _) = app
            .put(
                &format!("/api/v1/mentorships/{id}/agreement"),
                token,
                json!({"goals": "Take over"}),
            )
            .await;
        assert_eq!(s, StatusCode::FORBIDDEN);
        let (s, _) = act(&app, &id, "pause", token, json!({})).await;
        assert_eq!(s, StatusCode::FORBIDDEN);
        let (s, _) = app
            .get(&format!("/api/v1/mentorships/{id}/reflections"), token)
            .await;
        assert_eq!(s, StatusCode::FORBIDDEN);
    }
    let (s, list) = app
        .get(&format!("/api/v1/programs/{program}/mentorships"), &coord)
        .await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(list["items"][0]["id"], id);
    assert!(list["items"][0].get("intro").is_none());
    let (s, _) = app
        .get(&format!("/api/v1/programs/{program}/mentorships"), &mentee)
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    for path in [
        format!("/api/v1/mentorships/{id}"),
        format!("/api/v1/mentorships/{id}/agreement"),
        format!("/api/v1/mentorships/{id}/reflections"),
    ] {
        let (s, _) = app.get(&path, &stranger).await;
        assert_eq!(s, StatusCode::NOT_FOUND, "{path}");
    }
    let (s, _) = act(&app, &id, "pause", &stranger, json!({})).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
}

async fn my_mentorships_are_listed_and_filtered(app: TestApp) {
    let (program, mentor_id, mentor, _, mentee, _) =
        setup(&app, "traditional", json!({"max_mentors_per_mentee": 2})).await;
    let (other_id, other) = app.person("Other Mentor").await;
    app.enroll(&program, &other, "mentor").await;
    let a = app.request(&program, &mentee, &mentor_id).await;
    let b = app.request(&program, &mentee, &other_id).await;
    act(&app, &a, "accept", &mentor, json!({})).await;
    let (s, all) = app.get("/api/v1/mentorships", &mentee).await;
    assert_eq!(s, StatusCode::OK);
    let ids: Vec<&str> = all["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids.len(), 2);
    assert!(ids.contains(&a.as_str()) && ids.contains(&b.as_str()));
    let (_, requested) = app
        .get("/api/v1/mentorships?status=requested", &mentee)
        .await;
    assert_eq!(requested["items"][0]["id"], b);
    assert_eq!(requested["items"].as_array().unwrap().len(), 1);
    let (_, mentors_view) = app.get("/api/v1/mentorships", &mentor).await;
    assert_eq!(mentors_view["items"].as_array().unwrap().len(), 1);
    assert_eq!(mentors_view["items"][0]["my_role"], "mentor");
    let (s, _) = app
        .get("/api/v1/mentorships?status=dreaming", &mentee)
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
}
