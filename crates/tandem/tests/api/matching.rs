use crate::common::TestApp;
use crate::on_both_databases;
use axum::http::StatusCode;
use serde_json::{json, Value};

on_both_databases!(
    suggestions_are_ranked_explained_and_filtered,
    coordinators_propose_pairs_that_both_accept,
    rounds_draft_edit_and_publish,
    stable_rounds_have_no_blocking_pairs_and_min_score_filters,
    rounds_know_the_best_possible_and_why_a_mentee_is_unmatched,
    a_mentee_learns_why_a_mentor_is_or_is_not_suggested,
);

struct World {
    admin: String,
    coord: String,
    program: String,
    mentors: Vec<(String, String)>,
    mentees: Vec<(String, String)>,
}

fn profile(field: &str, skills: &[&str], seniority: &str, tz: &str, languages: &[&str]) -> Value {
    json!({"field": field, "skills": skills, "seniority": seniority, "timezone": tz, "languages": languages,
           "known_for": format!("{field} work"), "values": ["candour"]})
}

/// A traditional program with a coordinator, `mentors` (profile, capacity) and mentees (profile, wants).
async fn world(app: &TestApp, mentors: &[(Value, i64)], mentees: &[(Value, &[&str])]) -> World {
    let (_, admin) = app.person("Admin").await;
    let (coord_id, coord) = app.person("Coord").await;
    let program = app
        .program(&admin, "traditional", json!({"max_timezone_gap_hours": 4}))
        .await;
    app.post(
        &format!("/api/v1/programs/{program}/coordinators"),
        &admin,
        json!({"person_id": coord_id}),
    )
    .await;
    let mut out = World {
        admin,
        coord,
        program: program.clone(),
        mentors: vec![],
        mentees: vec![],
    };
    for (i, (p, capacity)) in mentors.iter().enumerate() {
        let (id, token) = app.person(&format!("Mentor {i}")).await;
        app.put("/api/v1/me/profile", &token, p.clone()).await;
        let (s, e) = app
            .post(
                &format!("/api/v1/programs/{program}/enrollments"),
                &token,
                json!({"role": "mentor", "capacity": capacity}),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "{e}");
        out.mentors.push((id, token));
    }
    for (i, (p, wants)) in mentees.iter().enumerate() {
        let (id, token) = app.person(&format!("Mentee {i}")).await;
        app.put("/api/v1/me/profile", &token, p.clone()).await;
        let (s, e) = app
            .post(
                &format!("/api/v1/programs/{program}/enrollments"),
                &token,
                json!({"role": "mentee", "wants_skills": wants}),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "{e}");
        out.mentees.push((id, token));
    }
    out
}

fn sum_points(explanation: &Value) -> f64 {
    explanation
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["points"].as_f64().unwrap())
        .sum()
}

async fn suggestions_are_ranked_explained_and_filtered(app: TestApp) {
    let w = world(
        &app,
        &[
            (
                profile(
                    "Engineering",
                    &["rust", "leadership"],
                    "lead",
                    "Europe/Berlin",
                    &["English"],
                ),
                2,
            ),
            (
                profile(
                    "Engineering",
                    &["rust"],
                    "senior",
                    "Europe/Paris",
                    &["English"],
                ),
                1,
            ),
            (
                profile(
                    "Design",
                    &["figma"],
                    "senior",
                    "Europe/Berlin",
                    &["English"],
                ),
                2,
            ),
            (
                profile(
                    "Engineering",
                    &["rust", "leadership"],
                    "lead",
                    "Europe/Berlin",
                    &["German"],
                ),
                2,
            ),
            (
                profile(
                    "Engineering",
                    &["rust", "leadership"],
                    "lead",
                    "Asia/Tokyo",
                    &["English"],
                ),
                2,
            ),
        ],
        &[
            (
                profile(
                    "Engineering",
                    &["python"],
                    "junior",
                    "Europe/Berlin",
                    &["English"],
                ),
                &["rust", "leadership"],
            ),
            (
                profile("Engineering", &[], "junior", "Europe/Berlin", &["English"]),
                &["rust"],
            ),
        ],
    )
    .await;
    let path = format!("/api/v1/programs/{}/suggestions", w.program);
    let (s, list) = app.get(&path, &w.mentees[0].1).await;
    assert_eq!(s, StatusCode::OK, "{list}");
    let items = list["items"].as_array().unwrap();
    let ids: Vec<&str> = items
        .iter()
        .map(|i| i["mentor"]["id"].as_str().unwrap())
        .collect();
    // No shared language (German only) and a 7-8 hour gap (Tokyo) are hard rules: never suggested.
    assert_eq!(
        ids,
        vec![
            w.mentors[0].0.as_str(),
            w.mentors[1].0.as_str(),
            w.mentors[2].0.as_str()
        ],
        "{list}"
    );
    let best = &items[0];
    assert_eq!(best["mentor"]["name"], "Mentor 0");
    assert_eq!(best["mentor"]["field"], "Engineering");
    assert_eq!(best["mentor"]["known_for"], "Engineering work");
    let score = best["score"].as_f64().unwrap();
    assert!(
        score > items[1]["score"].as_f64().unwrap() && score <= 100.0,
        "{list}"
    );
    assert!(
        (sum_points(&best["explanation"]) - score).abs() < 0.011,
        "points add up to the score: {best}"
    );
    let skills = best["explanation"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["criterion"] == "skills")
        .expect("skills explained");
    assert!(
        skills["detail"].as_str().unwrap().contains("rust"),
        "{skills}"
    );

    // Once the mentee has asked Mentor 0, that mentor is no longer suggested to them.
    app.request(&w.program, &w.mentees[0].1, &w.mentors[0].0)
        .await;
    let (_, list) = app.get(&path, &w.mentees[0].1).await;
    assert!(list["items"]
        .as_array()
        .unwrap()
        .iter()
        .all(|i| i["mentor"]["id"] != w.mentors[0].0.as_str()));
    // Mentor 1 takes one mentee; once that place is used, nobody is offered Mentor 1.
    let id = app
        .request(&w.program, &w.mentees[1].1, &w.mentors[1].0)
        .await;
    app.post(
        &format!("/api/v1/mentorships/{id}/accept"),
        &w.mentors[1].1,
        json!({}),
    )
    .await;
    let (_, list) = app.get(&path, &w.mentees[0].1).await;
    assert!(
        list["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|i| i["mentor"]["id"] != w.mentors[1].0.as_str()),
        "{list}"
    );
    let (_, limited) = app.get(&format!("{path}?limit=1"), &w.mentees[0].1).await;
    assert_eq!(limited["items"].as_array().unwrap().len(), 1);

    let (s, _) = app.get(&path, &w.mentors[0].1).await;
    assert_eq!(s, StatusCode::FORBIDDEN, "mentors get no suggestions");
    let (s, _) = app.get(&path, &w.coord).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, _) = app
        .get("/api/v1/programs/nope/suggestions", &w.mentees[0].1)
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
}

async fn coordinators_propose_pairs_that_both_accept(app: TestApp) {
    let en = |tz: &str| profile("Engineering", &["rust"], "senior", tz, &["English"]);
    let w = world(
        &app,
        &[(en("Europe/Berlin"), 1)],
        &[
            (en("Europe/Berlin"), &["rust"]),
            (en("Europe/Berlin"), &["rust"]),
        ],
    )
    .await;
    let path = format!("/api/v1/programs/{}/pairs", w.program);
    let (mentor, mentee) = (&w.mentors[0], &w.mentees[0]);
    let (s, _) = app
        .post(
            &path,
            &mentee.1,
            json!({"mentor_id": mentor.0, "mentee_id": mentee.0}),
        )
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN, "only coordinators propose pairs");
    let (s, e) = app
        .post(
            &path,
            &w.coord,
            json!({"mentor_id": mentee.0, "mentee_id": mentor.0}),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "roles swapped: {e}");
    let (s, m) = app
        .post(
            &path,
            &w.coord,
            json!({"mentor_id": mentor.0, "mentee_id": mentee.0}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{m}");
    assert_eq!(m["status"], "proposed");
    assert_eq!(m["origin"], "coordinator");
    let id = m["id"].as_str().unwrap();
    // The mentor's only place is taken by the proposal: a second one is refused.
    let (s, e) = app
        .post(
            &path,
            &w.coord,
            json!({"mentor_id": mentor.0, "mentee_id": w.mentees[1].0}),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
    let (_, seen) = app
        .get(&format!("/api/v1/mentorships/{id}"), &mentee.1)
        .await;
    assert_eq!(seen["allowed_actions"], json!(["accept", "decline"]));
    let (s, m) = app
        .post(
            &format!("/api/v1/mentorships/{id}/accept"),
            &mentee.1,
            json!({}),
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(m["status"], "proposed", "waits for the mentor");
    assert_eq!(
        m["allowed_actions"],
        json!(["decline"]),
        "no second acceptance"
    );
    let (_, m) = app
        .post(
            &format!("/api/v1/mentorships/{id}/accept"),
            &mentor.1,
            json!({}),
        )
        .await;
    assert_eq!(m["status"], "active");
    assert!(m["started_at"].is_string());
    // Having been together, they are never proposed again.
    app.post(
        &format!("/api/v1/mentorships/{id}/end"),
        &mentee.1,
        json!({"reason": "time"}),
    )
    .await;
    let (s, e) = app
        .post(
            &path,
            &w.coord,
            json!({"mentor_id": mentor.0, "mentee_id": mentee.0}),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        e["error"]["message"].as_str().unwrap().contains("before"),
        "{e}"
    );
}

async fn rounds_draft_edit_and_publish(app: TestApp) {
    let p = |skills: &[&str], seniority: &str| {
        profile(
            "Engineering",
            skills,
            seniority,
            "Europe/Berlin",
            &["English"],
        )
    };
    let w = world(
        &app,
        &[
            (p(&["rust", "go"], "lead"), 2),
            (p(&["python"], "senior"), 1),
        ],
        &[
            (p(&[], "junior"), &["rust"]),
            (p(&[], "junior"), &["go"]),
            (p(&[], "junior"), &["python"]),
            (p(&[], "student"), &["rust"]),
        ],
    )
    .await;
    let rounds = format!("/api/v1/programs/{}/rounds", w.program);
    let (s, _) = app
        .post(&rounds, &w.mentees[0].1, json!({"objective": "optimal"}))
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, e) = app
        .post(&rounds, &w.coord, json!({"objective": "fastest"}))
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(e["error"]["fields"]["objective"].is_string());
    let (s, e) = app
        .post(
            &rounds,
            &w.coord,
            json!({"objective": "optimal", "min_score": 101}),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{e}");

    let (s, round) = app
        .post(&rounds, &w.coord, json!({"objective": "optimal"}))
        .await;
    assert_eq!(s, StatusCode::CREATED, "{round}");
    assert_eq!(round["status"], "draft");
    assert_eq!(round["objective"], "optimal");
    let pairs = round["pairs"].as_array().unwrap();
    assert_eq!(pairs.len(), 3, "three places, four mentees: {round}");
    assert_eq!(round["unmatched_mentee_ids"].as_array().unwrap().len(), 1);
    let total: f64 = pairs.iter().map(|p| p["score"].as_f64().unwrap()).sum();
    assert!(
        (round["stats"]["total_score"].as_f64().unwrap() - total).abs() < 0.011,
        "{round}"
    );
    assert_eq!(round["stats"]["pairs"], 3);
    assert!(pairs
        .iter()
        .all(|p| !p["explanation"].as_array().unwrap().is_empty()));
    let python_mentor = w.mentors[1].0.as_str();
    assert!(
        pairs
            .iter()
            .any(|p| p["mentor_id"] == python_mentor && p["mentee_id"] == w.mentees[2].0.as_str()),
        "the python mentee gets the python mentor: {round}"
    );
    let id = round["id"].as_str().unwrap().to_string();
    let round_path = format!("/api/v1/rounds/{id}");
    let (s, got) = app.get(&round_path, &w.admin).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(got["pairs"], round["pairs"]);
    let (s, _) = app.get(&round_path, &w.mentees[0].1).await;
    assert_eq!(s, StatusCode::NOT_FOUND, "rounds are for coordinators only");

    // Edit: take a pair out, put the unmatched mentee in; refusals name the problem.
    let unmatched = round["unmatched_mentee_ids"][0]
        .as_str()
        .unwrap()
        .to_string();
    let victim = pairs
        .iter()
        .find(|p| p["mentor_id"] != python_mentor)
        .unwrap();
    let (victim_mentor, victim_mentee) = (
        victim["mentor_id"].as_str().unwrap(),
        victim["mentee_id"].as_str().unwrap(),
    );
    let (s, e) = app
        .patch(
            &round_path,
            &w.coord,
            json!({"add": [[victim_mentor, w.mentees[2].0]]}),
        )
        .await;
    assert_eq!(
        s,
        StatusCode::UNPROCESSABLE_ENTITY,
        "already paired in the draft: {e}"
    );
    assert!(e["error"]["fields"]["add[0]"].is_string());
    let (s, e) = app
        .patch(
            &round_path,
            &w.coord,
            json!({"add": [[python_mentor, unmatched]]}),
        )
        .await;
    assert_eq!(
        s,
        StatusCode::UNPROCESSABLE_ENTITY,
        "the python mentor is full: {e}"
    );
    let (s, e) = app
        .patch(
            &round_path,
            &w.coord,
            json!({"remove": [[python_mentor, unmatched]]}),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "not in the draft: {e}");
    let (s, edited) = app.patch(&round_path, &w.coord, json!({"remove": [[victim_mentor, victim_mentee]], "add": [[victim_mentor, unmatched]]})).await;
    assert_eq!(s, StatusCode::OK, "{edited}");
    assert_eq!(edited["stats"]["pairs"], 3);
    assert_eq!(edited["unmatched_mentee_ids"], json!([victim_mentee]));
    assert!(edited["pairs"]
        .as_array()
        .unwrap()
        .iter()
        .any(|p| p["mentee_id"] == unmatched.as_str()));

    // A second draft coexists until one is published.
    let (_, other) = app
        .post(&rounds, &w.coord, json!({"objective": "stable"}))
        .await;
    let (s, published) = app
        .post(&format!("{round_path}/publish"), &w.coord, json!({}))
        .await;
    assert_eq!(s, StatusCode::OK, "{published}");
    assert_eq!(published["status"], "published");
    assert!(published["published_at"].is_string());
    let (_, other) = app
        .get(
            &format!("/api/v1/rounds/{}", other["id"].as_str().unwrap()),
            &w.coord,
        )
        .await;
    assert_eq!(other["status"], "discarded");
    let (s, _) = app
        .post(&format!("{round_path}/publish"), &w.coord, json!({}))
        .await;
    assert_eq!(s, StatusCode::CONFLICT);
    let (s, _) = app
        .patch(&round_path, &w.coord, json!({"remove": []}))
        .await;
    assert_eq!(s, StatusCode::CONFLICT);

    // Everyone matched is told by e-mail, with a link to the proposal.
    let emails = app.emails();
    assert_eq!(emails.len(), 6, "two e-mails per published pair");
    assert!(
        emails
            .iter()
            .any(|e| e.contains("mentee.2@example.org") && e.contains("/mentorships/")),
        "{emails:?}"
    );
    assert!(emails
        .iter()
        .all(|e| e.contains("Subject: A proposed match in")));

    // Everyone matched has a proposal with origin `round`; accepting makes it active.
    let (_, mine) = app
        .get("/api/v1/mentorships?status=proposed", &w.mentees[2].1)
        .await;
    let proposal = &mine["items"][0];
    assert_eq!(proposal["origin"], "round");
    assert_eq!(proposal["mentor"]["id"], python_mentor);
    let pid = proposal["id"].as_str().unwrap();
    app.post(
        &format!("/api/v1/mentorships/{pid}/accept"),
        &w.mentees[2].1,
        json!({}),
    )
    .await;
    let (_, m) = app
        .post(
            &format!("/api/v1/mentorships/{pid}/accept"),
            &w.mentors[1].1,
            json!({}),
        )
        .await;
    assert_eq!(m["status"], "active");
    let (_, list) = app.get(&rounds, &w.coord).await;
    assert_eq!(list["items"].as_array().unwrap().len(), 2);
}

async fn stable_rounds_have_no_blocking_pairs_and_min_score_filters(app: TestApp) {
    let p = |skills: &[&str], seniority: &str, tz: &str| {
        profile("Engineering", skills, seniority, tz, &["English"])
    };
    let w = world(
        &app,
        &[
            (p(&["rust", "go", "sql"], "lead", "Europe/Berlin"), 2),
            (p(&["go"], "senior", "Europe/London"), 2),
            (p(&["sql", "rust"], "mid", "Europe/Berlin"), 1),
        ],
        &[
            (p(&[], "junior", "Europe/Berlin"), &["rust", "go"]),
            (p(&[], "junior", "Europe/Berlin"), &["go"]),
            (p(&[], "student", "Europe/London"), &["sql"]),
            (p(&[], "junior", "Europe/Berlin"), &["rust", "sql"]),
            (p(&[], "mid", "Europe/Berlin"), &["go", "sql"]),
        ],
    )
    .await;
    let rounds = format!("/api/v1/programs/{}/rounds", w.program);
    let (s, round) = app
        .post(&rounds, &w.coord, json!({"objective": "stable"}))
        .await;
    assert_eq!(s, StatusCode::CREATED, "{round}");
    assert_eq!(round["stats"]["blocking_pairs"], 0);
    assert_eq!(round["stats"]["pairs"], 5);
    let (_, again) = app
        .post(&rounds, &w.coord, json!({"objective": "stable"}))
        .await;
    let key = |r: &Value| -> Vec<(String, String)> {
        let mut v: Vec<(String, String)> = r["pairs"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| {
                (
                    p["mentor_id"].as_str().unwrap().into(),
                    p["mentee_id"].as_str().unwrap().into(),
                )
            })
            .collect();
        v.sort();
        v
    };
    assert_eq!(key(&round), key(&again), "same input, same output");
    let (_, optimal) = app
        .post(&rounds, &w.coord, json!({"objective": "optimal"}))
        .await;
    assert!(
        optimal["stats"]["total_score"].as_f64().unwrap() + 0.011
            >= round["stats"]["total_score"].as_f64().unwrap(),
        "optimal is never worse: {optimal} vs {round}"
    );
    let (_, strict) = app
        .post(
            &rounds,
            &w.coord,
            json!({"objective": "optimal", "min_score": 100}),
        )
        .await;
    assert_eq!(strict["stats"]["pairs"], 0, "{strict}");
    assert_eq!(strict["unmatched_mentee_ids"].as_array().unwrap().len(), 5);
}

/// Two English-speaking mentors with one place each near Berlin, one who speaks only
/// German, one in Tokyo; three mentees who want rust or go.
async fn contested_world(app: &TestApp) -> World {
    let p = |skills: &[&str], tz: &str, languages: &[&str]| {
        profile("Engineering", skills, "senior", tz, languages)
    };
    world(
        app,
        &[
            (p(&["rust"], "Europe/Berlin", &["English"]), 1),
            (p(&["go"], "Europe/Berlin", &["English"]), 1),
            (p(&["rust", "go"], "Europe/Berlin", &["German"]), 2),
            (p(&["rust", "go"], "Asia/Tokyo", &["English"]), 2),
        ],
        &[
            (p(&[], "Europe/Berlin", &["English"]), &["rust", "go"]),
            (p(&[], "Europe/Berlin", &["English"]), &["rust"]),
            (p(&[], "Europe/London", &["English"]), &["go"]),
        ],
    )
    .await
}

async fn rounds_know_the_best_possible_and_why_a_mentee_is_unmatched(app: TestApp) {
    let w = contested_world(&app).await;
    let rounds = format!("/api/v1/programs/{}/rounds", w.program);
    let (s, optimal) = app
        .post(&rounds, &w.coord, json!({"objective": "optimal"}))
        .await;
    assert_eq!(s, StatusCode::CREATED, "{optimal}");
    let stats = &optimal["stats"];
    assert_eq!(stats["pairs"], 2, "{optimal}");
    assert_eq!(stats["max_pairs"], 2);
    assert_eq!(stats["best_total"], stats["total_score"]);
    assert_eq!(stats["certified"], true);

    let (_, stable) = app
        .post(&rounds, &w.coord, json!({"objective": "stable"}))
        .await;
    let st = &stable["stats"];
    assert_eq!(st["max_pairs"], 2, "{stable}");
    assert_eq!(st["best_total"], stats["best_total"]);
    assert_eq!(st["certified"], false);
    assert!(st["pairs"].as_i64() <= st["max_pairs"].as_i64());
    assert!(st["total_score"].as_f64().unwrap() <= st["best_total"].as_f64().unwrap() + 1e-9);

    // Why the unmatched mentee stayed out: the two English mentors near Berlin gave
    // their places to other pairs; the German speaker and the mentor in Tokyo are ruled out.
    let round_id = optimal["id"].as_str().unwrap();
    let left: Vec<&str> = optimal["unmatched_mentee_ids"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    assert_eq!(left.len(), 1, "{optimal}");
    let why = format!("/api/v1/rounds/{round_id}/unmatched/{}", left[0]);
    let (s, out) = app.get(&why, &w.coord).await;
    assert_eq!(s, StatusCode::OK, "{out}");
    let reasons = out["reasons"].as_array().unwrap();
    let rule_of = |mentor: &str| {
        reasons
            .iter()
            .find(|r| r["mentor_id"] == mentor)
            .map(|r| r["rule"].as_str().unwrap().to_string())
    };
    assert_eq!(
        rule_of(&w.mentors[0].0).as_deref(),
        Some("outscored"),
        "{out}"
    );
    assert_eq!(
        rule_of(&w.mentors[1].0).as_deref(),
        Some("outscored"),
        "{out}"
    );
    for (rule, count) in [("language", 1), ("timezone", 1)] {
        let r = reasons
            .iter()
            .find(|r| r["rule"] == rule)
            .unwrap_or_else(|| panic!("no {rule} reason in {out}"));
        assert_eq!(r["mentors"], count);
        assert!(!r["detail"].as_str().unwrap().is_empty());
    }
    // A matched mentee is not unmatched; nobody but the program's coordinators may ask.
    let matched = optimal["pairs"][0]["mentee_id"].as_str().unwrap();
    let (s, _) = app
        .get(
            &format!("/api/v1/rounds/{round_id}/unmatched/{matched}"),
            &w.coord,
        )
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (s, _) = app.get(&why, &w.mentees[0].1).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (s, _) = app.get(&why, &w.admin).await;
    assert_eq!(s, StatusCode::OK);

    // The round page says it in words and links each unmatched mentee to the reasons.
    let (s, page) = app.get_page(&format!("/rounds/{round_id}"), &w.coord).await;
    assert_eq!(s, StatusCode::OK);
    assert!(
        page.contains("Every mentee who could be matched is matched"),
        "{page}"
    );
    assert!(page.contains(&format!("/rounds/{round_id}/unmatched/{}", left[0])));
    // Any page past the last shows the last one.
    let (s, _) = app
        .get_page(
            &format!("/rounds/{round_id}?page=18446744073709551615"),
            &w.coord,
        )
        .await;
    assert_eq!(s, StatusCode::OK);

    // A hand edit keeps the bounds but not the certificate.
    let pair = &optimal["pairs"][0];
    let (s, edited) = app
        .patch(
            &format!("/api/v1/rounds/{round_id}"),
            &w.coord,
            json!({"remove": [[pair["mentor_id"], pair["mentee_id"]]]}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{edited}");
    assert_eq!(edited["stats"]["certified"], false);
    assert_eq!(edited["stats"]["max_pairs"], 2);
    let (_, page) = app.get_page(&format!("/rounds/{round_id}"), &w.coord).await;
    assert!(page.contains("matches 1 fewer person"), "{page}");
}

async fn a_mentee_learns_why_a_mentor_is_or_is_not_suggested(app: TestApp) {
    let w = contested_world(&app).await;
    let base = format!("/api/v1/programs/{}/suggestions", w.program);
    let me = &w.mentees[0].1;
    let (_, list) = app.get(&base, me).await;
    let items = list["items"].as_array().unwrap();
    assert_eq!(items.len(), 2, "{list}");
    for (k, item) in items.iter().enumerate() {
        let id = item["mentor"]["id"].as_str().unwrap();
        let (s, check) = app.get(&format!("{base}/{id}"), me).await;
        assert_eq!(s, StatusCode::OK, "{check}");
        assert_eq!(check["rank"], k + 1);
        assert_eq!(check["eligible"], true);
        assert_eq!(check["excluded_by"], json!([]));
        assert_eq!(check["score"], item["score"]);
        assert!(
            (sum_points(&check["explanation"]) - check["score"].as_f64().unwrap()).abs() < 0.011
        );
    }
    let check = |mentor: usize, mentee: usize| {
        let path = format!("{base}/{}", w.mentors[mentor].0);
        let token = w.mentees[mentee].1.clone();
        let app = &app;
        async move {
            let (s, v) = app.get(&path, &token).await;
            assert_eq!(s, StatusCode::OK, "{v}");
            v
        }
    };
    let german = check(2, 0).await;
    assert_eq!(german["eligible"], false);
    assert_eq!(german["rank"], Value::Null);
    assert_eq!(german["excluded_by"], json!(["language"]));
    assert_eq!(check(3, 0).await["excluded_by"], json!(["timezone"]));

    // An open request, then a full mentor.
    app.request(&w.program, &w.mentees[2].1, &w.mentors[0].0)
        .await;
    assert_eq!(check(0, 2).await["excluded_by"], json!(["open_request"]));
    let m = app
        .request(&w.program, &w.mentees[1].1, &w.mentors[1].0)
        .await;
    let (s, e) = app
        .post(
            &format!("/api/v1/mentorships/{m}/accept"),
            &w.mentors[1].1,
            json!({}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{e}");
    let full = check(1, 0).await;
    assert_eq!(full["excluded_by"], json!(["capacity"]), "{full}");
    assert_eq!(full["exclusions"][0]["rule"], "capacity");

    // Unknown mentors are 404; only the program's mentees may ask.
    let (s, _) = app.get(&format!("{base}/{}", w.mentees[1].0), me).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (s, _) = app
        .get(&format!("{base}/{}", w.mentors[0].0), &w.mentors[1].1)
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);

    // The page says it in words and the suggestions page links to it.
    let (s, page) = app
        .get_page(
            &format!("/programs/{}/suggestions/{}", w.program, w.mentors[2].0),
            me,
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    assert!(
        page.contains("is not among your suggestions") && page.contains("no language in common"),
        "{page}"
    );
    let (_, page) = app
        .get_page(&format!("/programs/{}/suggestions", w.program), me)
        .await;
    assert!(page.contains("why-not-line"));
}
