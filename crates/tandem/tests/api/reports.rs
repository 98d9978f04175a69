//! The coordinator's report (SPEC §5, §6, §7): its figures from a program with a
//! known history, the CSVs and charts, who may read them; check-ins from their
//! plan to the aggregate; the end survey and the e-mails of a close.
use crate::common::smtp::SmtpSink;
use crate::common::TestApp;
use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode};
use chrono::{DateTime, Duration, TimeZone, Utc};
use serde_json::{json, Value};
use tandem::service::jobs::run_due;
use tandem_testkit::on_both_databases_with_smtp;

on_both_databases_with_smtp!(
    the_report_counts_a_known_history,
    check_ins_fall_due_are_answered_once_and_read_as_averages,
    a_close_asks_for_reflection_survey_and_what_next,
);

fn monday() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2031, 1, 6, 10, 0, 0).unwrap()
}

/// The body and content type of a GET that answers a file.
async fn file(app: &TestApp, path: &str, token: &str) -> (StatusCode, String, String) {
    let req = Request::builder()
        .method(Method::GET)
        .uri(path)
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .body(Body::empty())
        .unwrap();
    let res = tower::ServiceExt::oneshot(app.router.clone(), req)
        .await
        .unwrap();
    let status = res.status();
    let kind = res
        .headers()
        .get(header::CONTENT_TYPE)
        .map(|v| v.to_str().unwrap().to_string())
        .unwrap_or_default();
    let bytes = axum::body::to_bytes(res.into_body(), usize::MAX)
        .await
        .unwrap();
    (status, kind, String::from_utf8(bytes.to_vec()).unwrap())
}

async fn ok(app: &TestApp, method: &str, path: &str, token: &str, body: Value) -> Value {
    let (s, v) = match method {
        "POST" => app.post(path, token, body).await,
        "PATCH" => app.patch(path, token, body).await,
        "PUT" => app.put(path, token, body).await,
        _ => app.get(path, token).await,
    };
    assert!(s.is_success(), "{method} {path}: {s} {v}");
    v
}

/// A meeting held at `at` in `pair`, with a rating from `rater`.
async fn held(app: &TestApp, pair: &str, token: &str, at: DateTime<Utc>, rating: Option<i64>) {
    let m = ok(
        app,
        "POST",
        &format!("/api/v1/mentorships/{pair}/meetings"),
        token,
        json!({"starts_at": at.to_rfc3339(), "duration_minutes": 30}),
    )
    .await;
    let id = m["id"].as_str().unwrap();
    ok(
        app,
        "PATCH",
        &format!("/api/v1/meetings/{id}"),
        token,
        json!({"status": "held"}),
    )
    .await;
    if let Some(r) = rating {
        ok(
            app,
            "POST",
            &format!("/api/v1/meetings/{id}/feedback"),
            token,
            json!({"rating": r}),
        )
        .await;
    }
}

async fn the_report_counts_a_known_history(app: TestApp, _smtp: SmtpSink) {
    app.state.clock.set(monday());
    let (_, admin) = app.person("Admin").await;
    let program = app
        .program(
            &admin,
            "traditional",
            json!({"mentor_capacity": 3, "max_mentors_per_mentee": 1, "request_expiry_days": 60}),
        )
        .await;
    let (coord_id, _) = app.person("Cora Coordinator").await;
    ok(
        &app,
        "POST",
        &format!("/api/v1/programs/{program}/coordinators"),
        &admin,
        json!({"person_id": coord_id}),
    )
    .await;
    let mut people = Vec::new();
    for (name, role) in [
        ("Grace Hopper", "mentor"),
        ("Alan Turing", "mentor"),
        ("Ada Lovelace", "mentee"),
        ("Mary Somerville", "mentee"),
        ("Emmy Noether", "mentee"),
        ("Sophie Germain", "mentee"),
    ] {
        let (id, token) = app.person(name).await;
        app.enroll(&program, &token, role).await;
        people.push((id, token));
    }
    let [(grace_id, grace), (alan_id, alan), (_, ada), (_, mary), (_, emmy), (sophie_id, _)] =
        people.try_into().unwrap();
    // Ada is accepted after 10 hours, Mary after 30; Emmy's request waits.
    let ada_pair = app.request(&program, &ada, &grace_id).await;
    let mary_pair = app.request(&program, &mary, &alan_id).await;
    let emmy_waits = app.request(&program, &emmy, &grace_id).await;
    app.state.clock.advance(Duration::hours(10));
    ok(
        &app,
        "POST",
        &format!("/api/v1/mentorships/{ada_pair}/accept"),
        &grace,
        json!({}),
    )
    .await;
    app.state.clock.advance(Duration::hours(20));
    ok(
        &app,
        "POST",
        &format!("/api/v1/mentorships/{mary_pair}/accept"),
        &alan,
        json!({}),
    )
    .await;
    // Ada meets Grace three times, rated 4, 5 and 3; Mary meets Alan once, then ends early.
    let start = app.state.clock.now();
    app.state.clock.advance(Duration::days(40));
    // Sessions end after weeks; sign in again.
    let ada = app.log_in("ada.lovelace@example.org").await;
    let mary = app.log_in("mary.somerville@example.org").await;
    for (i, rating) in [4, 5, 3].into_iter().enumerate() {
        held(
            &app,
            &ada_pair,
            &ada,
            start + Duration::days(7 * (i as i64 + 1)),
            Some(rating),
        )
        .await;
    }
    held(&app, &mary_pair, &mary, start + Duration::days(3), Some(2)).await;
    ok(
        &app,
        "POST",
        &format!("/api/v1/mentorships/{mary_pair}/end"),
        &mary,
        json!({"reason": "time", "confirm": true}),
    )
    .await;
    app.state.clock.advance(Duration::days(5));
    let coord = app.log_in("cora.coordinator@example.org").await;
    let (grace, admin) = (
        app.log_in("grace.hopper@example.org").await,
        app.log_in("admin@example.org").await,
    );

    let (s, r) = app
        .get(&format!("/api/v1/programs/{program}/report"), &coord)
        .await;
    assert_eq!(s, StatusCode::OK, "{r}");
    assert_eq!(
        (r["mentors"].clone(), r["mentees"].clone()),
        (json!(2), json!(4)),
        "{r}"
    );
    assert_eq!(r["matched_mentees"], 2, "Ada and Mary reached active: {r}");
    assert_eq!(r["match_rate"], 0.5);
    assert_eq!(r["active_mentorships"], 1);
    assert_eq!(r["meetings_held"], 4);
    assert_eq!(
        r["meetings_per_mentorship"], 2.0,
        "4 meetings over 2 that started"
    );
    assert_eq!(r["average_rating"], 3.5, "(4+5+3+2)/4: {r}");
    assert_eq!(
        r["funnel"],
        json!({"enrolled_mentees": 4, "requested": 3, "matched": 2, "first_meeting": 2})
    );
    assert_eq!(r["median_hours_to_answer"], 20.0, "10 and 30 hours: {r}");
    assert_eq!(r["early_closure_rate"], 1.0, "one ended, none completed");
    assert_eq!(r["end_reasons"], json!({"time": 1}));
    let retention = r["retention"].as_array().unwrap();
    assert_eq!(retention.len(), 4);
    assert_eq!(
        retention[0],
        json!({"day": 30, "still_running": 1.0}),
        "Mary's pair ended at day 40: {r}"
    );
    assert_eq!(
        retention[1]["still_running"],
        Value::Null,
        "nobody ran 90 days yet"
    );
    assert_eq!(
        r["met_last_30_days"], 1.0,
        "Ada's pair last met 24 days ago: {r}"
    );
    let by_mentor = r["median_hours_to_answer_by_mentor"].as_array().unwrap();
    let grace_row = by_mentor
        .iter()
        .find(|m| m["mentor_id"] == grace_id.as_str())
        .unwrap();
    assert_eq!(
        (
            grace_row["hours"].clone(),
            grace_row["open_requests"].clone()
        ),
        (json!(10.0), json!(1))
    );
    let act = &r["to_act_on"];
    let unmatched: Vec<&str> = act["unmatched_mentees"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["person_id"].as_str().unwrap())
        .collect();
    assert!(unmatched.contains(&sophie_id.as_str()), "{act}");
    assert_eq!(
        act["waiting_requests"][0]["mentorship_id"],
        emmy_waits.as_str()
    );
    assert_eq!(act["ended"][0]["end_reason"], "time");
    assert_eq!(
        act["unsigned"][0]["mentorship_id"],
        ada_pair.as_str(),
        "no agreement yet"
    );
    assert_eq!(
        r["checkins"],
        json!({"answers": 0, "averages": {}, "questions": []})
    );

    // The CSVs: names, never content.
    let (s, kind, csv) = file(
        &app,
        &format!("/api/v1/programs/{program}/report.csv"),
        &coord,
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{csv}");
    assert!(kind.starts_with("text/csv"), "{kind}");
    let mut lines = csv.lines();
    assert_eq!(
        lines.next().unwrap(),
        "mentorship_id,mentor,mentees,status,started_on,meetings_held,milestones_achieved,milestones_total,average_rating,health"
    );
    let rows: Vec<&str> = lines.collect();
    assert_eq!(
        rows.len(),
        2,
        "Emmy's waiting request never reached proposed: {csv}"
    );
    let ada_row = rows.iter().find(|l| l.starts_with(&ada_pair)).unwrap();
    assert!(
        ada_row.contains(",Grace Hopper,Ada Lovelace,active,"),
        "{ada_row}"
    );
    assert!(
        ada_row.contains(",3,0,0,4,"),
        "three held, average 4 of three ratings: {ada_row}"
    );
    let (_, _, enrolments) = file(
        &app,
        &format!("/api/v1/programs/{program}/enrolments.csv"),
        &coord,
    )
    .await;
    assert_eq!(
        enrolments.lines().next().unwrap(),
        "person_id,name,email,role,enrolled_on,matched"
    );
    assert!(
        enrolments.contains(",Ada Lovelace,ada.lovelace@example.org,mentee,2031-01-06,true"),
        "{enrolments}"
    );
    assert!(
        enrolments.contains(",Sophie Germain,sophie.germain@example.org,mentee,2031-01-06,false"),
        "{enrolments}"
    );

    // Each chart: an SVG with a title and a description.
    for chart in ["funnel", "meetings_per_month", "health", "retention"] {
        let (s, kind, svg) = file(
            &app,
            &format!("/api/v1/programs/{program}/report.svg?chart={chart}"),
            &coord,
        )
        .await;
        assert_eq!(s, StatusCode::OK, "{chart}: {svg}");
        assert_eq!(kind, "image/svg+xml");
        assert!(
            svg.starts_with("<svg") && svg.contains("<title") && svg.contains("<desc"),
            "{svg}"
        );
    }
    let (s, v) = app
        .get(
            &format!("/api/v1/programs/{program}/report.svg?chart=pie"),
            &coord,
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert!(v["error"]["fields"]["chart"].is_string(), "{v}");

    // Participants and outsiders may not read it.
    for token in [&grace, &ada] {
        for path in [
            "report",
            "report.csv",
            "enrolments.csv",
            "report.svg?chart=funnel",
        ] {
            let (s, _) = app
                .get(&format!("/api/v1/programs/{program}/{path}"), token)
                .await;
            assert_eq!(s, StatusCode::FORBIDDEN, "{path}");
        }
    }
    let (s, _) = app.get("/api/v1/programs/nope/report", &coord).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    // The instance admin may.
    let (s, _) = app
        .get(&format!("/api/v1/programs/{program}/report"), &admin)
        .await;
    assert_eq!(s, StatusCode::OK);
}

async fn check_ins_fall_due_are_answered_once_and_read_as_averages(app: TestApp, _smtp: SmtpSink) {
    app.state.clock.set(monday());
    let pair = app.pair(json!({})).await;
    ok(
        &app,
        "POST",
        &format!("/api/v1/mentorships/{}/accept", pair.id),
        &pair.mentor,
        json!({}),
    )
    .await;
    let admin = app.log_in("admin@example.org").await;
    let (s, v) = app
        .put(
            &format!("/api/v1/programs/{}/checkins", pair.program),
            &pair.mentee,
            json!({"questions": [{"text": "How useful?", "kind": "scale"}]}),
        )
        .await;
    assert_eq!(
        s,
        StatusCode::FORBIDDEN,
        "participants do not set check-ins: {v}"
    );
    let (s, v) = app
        .put(
            &format!("/api/v1/programs/{}/checkins", pair.program),
            &admin,
            json!({"every_days": 30, "questions": [{"text": "", "kind": "scale"}]}),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    let plan = ok(
        &app,
        "PUT",
        &format!("/api/v1/programs/{}/checkins", pair.program),
        &admin,
        json!({"every_days": 30, "questions": [
            {"text": "How useful was your last meeting?", "kind": "scale"},
            {"text": "What would help?", "kind": "text"}
        ]}),
    )
    .await;
    assert_eq!(plan["first_after_days"], 30, "the default: {plan}");
    let useful = plan["questions"][0]["id"].as_str().unwrap().to_string();
    let help = plan["questions"][1]["id"].as_str().unwrap().to_string();

    let (_, none) = app.get("/api/v1/me/checkins", &pair.mentee).await;
    assert_eq!(none["items"], json!([]), "nothing due before 30 days");
    app.state.clock.advance(Duration::days(30));
    let (mentee, mentor, admin) = (
        app.log_in("mentee@example.org").await,
        app.log_in("mentor@example.org").await,
        app.log_in("admin@example.org").await,
    );
    let pair = crate::common::Pair {
        mentee,
        mentor,
        ..pair
    };
    assert_eq!(
        run_due(&app.state).await.checkins_created,
        2,
        "one for each participant"
    );
    assert_eq!(run_due(&app.state).await.checkins_created, 0, "once");
    let (s, due) = app.get("/api/v1/me/checkins", &pair.mentee).await;
    assert_eq!(s, StatusCode::OK, "{due}");
    let items = due["items"].as_array().unwrap();
    assert_eq!(items.len(), 1, "{due}");
    assert_eq!(items[0]["mentorship_id"], pair.id.as_str());
    assert_eq!(items[0]["due_on"], "2031-02-05");
    assert_eq!(items[0]["questions"].as_array().unwrap().len(), 2);
    let checkin = items[0]["id"].as_str().unwrap().to_string();
    let (_, waiting) = app.get("/api/v1/me/waiting", &pair.mentee).await;
    assert!(
        waiting["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|w| w["kind"] == "checkin_due" && w["object_id"] == checkin.as_str()),
        "{waiting}"
    );

    let answers = format!("/api/v1/checkins/{checkin}/answers");
    let (s, v) = app
        .post(
            &answers,
            &pair.mentor,
            json!({"answers": [{"question_id": useful, "value": 4}]}),
        )
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND, "someone else's check-in: {v}");
    let (s, v) = app
        .post(
            &answers,
            &pair.mentee,
            json!({"answers": [{"question_id": useful, "value": 6}]}),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    let canary = "CANARY-checkin-text-7f3a";
    let (s, v) = app
        .post(&answers, &pair.mentee, json!({"answers": [{"question_id": useful, "value": 4}, {"question_id": help, "value": canary}]}))
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let (s, v) = app
        .post(
            &answers,
            &pair.mentee,
            json!({"answers": [{"question_id": useful, "value": 5}]}),
        )
        .await;
    assert_eq!(s, StatusCode::CONFLICT, "twice: {v}");
    let (_, after) = app.get("/api/v1/me/checkins", &pair.mentee).await;
    assert_eq!(after["items"], json!([]));
    // The mentor answers theirs too.
    let (_, due) = app.get("/api/v1/me/checkins", &pair.mentor).await;
    let theirs = due["items"][0]["id"].as_str().unwrap().to_string();
    ok(
        &app,
        "POST",
        &format!("/api/v1/checkins/{theirs}/answers"),
        &pair.mentor,
        json!({"answers": [{"question_id": useful, "value": 3}]}),
    )
    .await;

    let (_, r) = app
        .get(&format!("/api/v1/programs/{}/report", pair.program), &admin)
        .await;
    assert_eq!(r["checkins"]["answers"], 2, "{r}");
    assert_eq!(
        r["checkins"]["averages"],
        json!({ useful.clone(): 3.5 }),
        "{r}"
    );
    assert!(!r.to_string().contains(canary), "texts never in the report");
    let (_, page) = app
        .get_page(&format!("/programs/{}/dashboard", pair.program), &admin)
        .await;
    assert!(
        !page.contains(canary),
        "below five answers no text is shown"
    );

    // The next period's check-in falls due 30 days later.
    app.state.clock.advance(Duration::days(30));
    assert_eq!(run_due(&app.state).await.checkins_created, 2);
    let mentee = app.log_in("mentee@example.org").await;
    let (_, due) = app.get("/api/v1/me/checkins", &mentee).await;
    assert_eq!(due["items"][0]["due_on"], "2031-03-07", "{due}");
}

async fn a_close_asks_for_reflection_survey_and_what_next(app: TestApp, smtp: SmtpSink) {
    app.state.clock.set(monday());
    let pair = app.pair(json!({})).await;
    ok(
        &app,
        "POST",
        &format!("/api/v1/mentorships/{}/accept", pair.id),
        &pair.mentor,
        json!({}),
    )
    .await;
    let survey = format!("/api/v1/mentorships/{}/survey", pair.id);
    let (s, v) = app
        .post(
            &survey,
            &pair.mentee,
            json!({"rating": 5, "recommend": true}),
        )
        .await;
    assert_eq!(s, StatusCode::CONFLICT, "not before the close: {v}");
    let before = smtp.messages().len();
    ok(
        &app,
        "POST",
        &format!("/api/v1/mentorships/{}/complete", pair.id),
        &pair.mentor,
        json!({"reflection": "We built a lot.", "confirm": true}),
    )
    .await;
    let mails = smtp.wait_for(before + 1).await;
    let to_mentee: Vec<_> = mails
        .iter()
        .skip(before)
        .filter(|m| m.to.iter().any(|t| t == "mentee@example.org"))
        .collect();
    assert_eq!(
        to_mentee.len(),
        1,
        "{:?}",
        mails.iter().map(|m| &m.subject).collect::<Vec<_>>()
    );
    assert_eq!(
        to_mentee[0].subject,
        "Your mentorship with Mentor is completed"
    );
    assert!(
        to_mentee[0].body.contains("write your reflection"),
        "{}",
        to_mentee[0].body
    );
    assert!(
        to_mentee[0].body.contains("#enroll-mentor-form"),
        "an invitation to mentor: {}",
        to_mentee[0].body
    );
    assert!(
        !mails
            .iter()
            .skip(before)
            .any(|m| m.to.iter().any(|t| t == "mentor@example.org")),
        "not to the one who completed"
    );

    let (_, waiting) = app.get("/api/v1/me/waiting", &pair.mentee).await;
    assert!(
        waiting["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|w| w["kind"] == "survey_to_give"),
        "{waiting}"
    );
    let (s, v) = app
        .post(
            &survey,
            &pair.mentee,
            json!({"rating": 0, "recommend": true}),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    let (s, v) = app
        .post(
            &survey,
            &pair.mentee,
            json!({"rating": 5, "recommend": true, "comment": "Great program"}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let (s, v) = app
        .post(
            &survey,
            &pair.mentee,
            json!({"rating": 4, "recommend": true}),
        )
        .await;
    assert_eq!(s, StatusCode::CONFLICT, "once: {v}");
    let (_, waiting) = app.get("/api/v1/me/waiting", &pair.mentee).await;
    assert!(
        !waiting["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|w| w["kind"] == "survey_to_give"),
        "{waiting}"
    );
    let admin = app.log_in("admin@example.org").await;
    let (s, v) = app
        .post(&survey, &admin, json!({"rating": 4, "recommend": true}))
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN, "only participants answer: {v}");
    let (_, r) = app
        .get(&format!("/api/v1/programs/{}/report", pair.program), &admin)
        .await;
    assert_eq!(r["survey"]["answers"], 1);
    assert_eq!(
        r["survey"]["average_rating"],
        Value::Null,
        "below three answers: {r}"
    );
    assert_eq!(r["early_closure_rate"], 0.0);
}

crate::on_both_databases!(
    the_report_runs_as_many_statements_whatever_the_program_size,
    the_kept_counts_match_a_recount,
);

/// Statements one GET runs (with the read cache off, every read is counted).
async fn statements_of(app: &TestApp, path: &str, token: &str, page: bool) -> u64 {
    let before = app.state.store.statements();
    let status = if page {
        app.get_page(path, token).await.0
    } else {
        app.get(path, token).await.0
    };
    assert_eq!(status, StatusCode::OK, "{path}");
    app.state.store.statements() - before
}

async fn the_report_runs_as_many_statements_whatever_the_program_size(app: TestApp) {
    let (_, admin) = app.person("Admin").await;
    let program = app
        .program(&admin, "traditional", json!({"mentor_capacity": 10}))
        .await;
    let (mentor_id, mentor) = app.person("Grace Hopper").await;
    app.enroll(&program, &mentor, "mentor").await;
    let mut counted = Vec::new();
    for round in 0..2 {
        // Each round adds three mentees, each with an active pair and a held meeting.
        for k in 0..3 {
            let (_, mentee) = app.person(&format!("Mentee {round} {k}")).await;
            app.enroll(&program, &mentee, "mentee").await;
            let pair = app.request(&program, &mentee, &mentor_id).await;
            ok(
                &app,
                "POST",
                &format!("/api/v1/mentorships/{pair}/accept"),
                &mentor,
                json!({}),
            )
            .await;
            let at = app.state.clock.now() - Duration::hours(1);
            held(&app, &pair, &mentee, at, Some(4)).await;
        }
        let paths = [
            (format!("/api/v1/programs/{program}/report"), false),
            (format!("/api/v1/programs/{program}/report.csv"), false),
            (
                format!("/api/v1/programs/{program}/report.svg?chart=health"),
                false,
            ),
            (format!("/programs/{program}/dashboard"), true),
        ];
        let mut this = Vec::new();
        for (path, page) in &paths {
            this.push(statements_of(&app, path, &admin, *page).await);
        }
        counted.push(this);
    }
    assert!(
        counted[0].iter().all(|n| *n > 0),
        "statements are counted: {counted:?}"
    );
    assert_eq!(
        counted[0], counted[1],
        "three pairs or six, as many statements"
    );
}

/// `(mismatched relationships, relationships counted, meetings held in the
/// kept months, mismatched months)`: the counts the database keeps as things
/// change, against the same counted afresh from the tables.
async fn counts_against_a_recount(app: &TestApp) -> (i64, i64, i64, i64) {
    use sea_orm::{ConnectionTrait, Statement};
    let db = app.state.store.read();
    let backend = db.get_database_backend();
    let month = match backend {
        sea_orm::DatabaseBackend::Postgres => "to_char(x.starts_at AT TIME ZONE 'UTC', 'YYYY-MM')",
        _ => "substr(x.starts_at, 1, 7)",
    };
    let held = |what: &str| {
        format!("(SELECT {what} FROM meetings x WHERE x.mentorship_id = c.mentorship_id AND x.status = 'held')")
    };
    let of = |table: &str, what: &str, and: &str| {
        format!("(SELECT {what} FROM {table} x WHERE x.mentorship_id = c.mentorship_id {and})")
    };
    let relationships = format!(
        "SELECT count(*) AS n, coalesce(sum(CASE WHEN c.held = {} AND c.first_held_at IS NOT DISTINCT FROM {} \
         AND c.last_held_at IS NOT DISTINCT FROM {} AND c.rating_sum = {} AND c.ratings = {} \
         AND c.milestones = {} AND c.achieved = {} AND c.mentees = {} AND c.signed = {} \
         THEN 0 ELSE 1 END), 0) AS wrong \
         FROM relationship_counts c",
        held("count(*)"),
        held("min(x.starts_at)"),
        held("max(x.starts_at)"),
        of("feedback", "coalesce(sum(x.rating), 0)", ""),
        of("feedback", "count(x.rating)", ""),
        of("milestones", "count(*)", ""),
        of("milestones", "count(*)", "AND x.status = 'achieved'"),
        of("mentorship_mentees", "count(x.mentee_id)", ""),
        of("agreement_signatures", "count(*)", ""),
    )
    .replace(
        "IS NOT DISTINCT FROM",
        if backend == sea_orm::DatabaseBackend::Postgres {
            "IS NOT DISTINCT FROM"
        } else {
            "IS"
        },
    );
    let months = format!(
        "SELECT coalesce(sum(k.held), 0) AS kept, \
         (SELECT count(*) FROM program_month_counts k FULL OUTER JOIN \
           (SELECT r.program_id, {month} AS month, count(*) AS held FROM meetings x \
            JOIN mentorships r ON r.id = x.mentorship_id WHERE x.status = 'held' \
            GROUP BY r.program_id, {month}) f \
           ON f.program_id = k.program_id AND f.month = k.month \
          WHERE coalesce(k.held, 0) <> coalesce(f.held, 0)) AS wrong \
         FROM program_month_counts k"
    );
    let one = |sql: String| async move {
        db.query_one_raw(Statement::from_string(backend, sql))
            .await
            .unwrap()
            .unwrap()
    };
    let r = one(relationships).await;
    let m = one(months).await;
    let n = |r: &sea_orm::QueryResult, c: &str| tandem::store::reports::count(r, c).unwrap();
    (n(&r, "wrong"), n(&r, "n"), n(&m, "kept"), n(&m, "wrong"))
}

/// The report reads counts the database keeps as meetings, feedback,
/// milestones, seats and signatures change. After the demo's months of history
/// (meetings held and cancelled, feedback, milestones, signatures, pairs ended)
/// and a mentee's erasure (their seat emptied, their milestones gone), every
/// kept count equals the same counted afresh.
async fn the_kept_counts_match_a_recount(app: TestApp) {
    tandem::demo::seed(&app.state).await.unwrap();
    let (wrong, relationships, held, wrong_months) = counts_against_a_recount(&app).await;
    assert!(
        relationships > 5 && held > 20,
        "{relationships} relationships, {held} held"
    );
    assert_eq!((wrong, wrong_months), (0, 0), "after the demo's history");

    // A mentee in an active pair with milestones erases their account.
    use sea_orm::{ConnectionTrait, Statement};
    let db = app.state.store.read();
    let email: String = db
        .query_one_raw(Statement::from_string(
            db.get_database_backend(),
            "SELECT u.email AS email FROM users u \
             JOIN mentorship_mentees s ON s.mentee_id = u.id \
             JOIN relationship_counts c ON c.mentorship_id = s.mentorship_id \
             WHERE c.milestones > 0 AND c.held > 0 ORDER BY c.milestones DESC, u.email LIMIT 1",
        ))
        .await
        .unwrap()
        .expect("a mentee with milestones")
        .try_get("", "email")
        .unwrap();
    let (s, login) = app
        .call(
            Method::POST,
            "/api/v1/auth/login",
            None,
            Some(json!({"email": email, "password": tandem::demo::DEMO_PASSWORD})),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{login}");
    let token = login["token"].as_str().unwrap().to_string();
    let (s, e) = app
        .call(
            Method::DELETE,
            "/api/v1/me",
            Some(&token),
            Some(json!({"password": tandem::demo::DEMO_PASSWORD})),
        )
        .await;
    assert_eq!(s, StatusCode::NO_CONTENT, "{e}");
    let (wrong, _, _, wrong_months) = counts_against_a_recount(&app).await;
    assert_eq!((wrong, wrong_months), (0, 0), "after an erasure");
}
