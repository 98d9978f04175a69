//! The jobs (`tandem jobs run`): with the clock moved on, each reminder, expiry,
//! alert and digest is sent once and to the right people; a run that fails
//! halfway sends the rest on the next run and nothing twice; and two servers on
//! one PostgreSQL running the jobs at the same moment send each reminder once.
use crate::common::smtp::{Received, SmtpSink};
use crate::common::TestApp;
use axum::http::StatusCode;
use chrono::{DateTime, Duration, TimeZone, Utc};
use sea_orm::{ConnectionTrait, DatabaseBackend, Statement};
use serde_json::json;
use tandem::service::jobs::run_due;
use tandem_testkit::on_both_databases_with_smtp;

on_both_databases_with_smtp!(
    a_waiting_request_is_recalled_once_and_its_expiry_told_to_both,
    meetings_and_action_items_are_recalled_once_each,
    health_alerts_and_the_weekly_digest_come_once,
);
crate::on_both_databases!(a_run_that_fails_halfway_sends_the_rest_next_time_and_nothing_twice);

/// A Wednesday morning: the digest week is open, and nothing else is due.
fn wednesday() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2031, 1, 8, 10, 0, 0).unwrap()
}

fn subjects(messages: &[Received]) -> Vec<String> {
    messages.iter().map(|m| m.subject.clone()).collect()
}

/// What arrived for `address` since `before` messages had arrived in all.
fn new_to(smtp: &SmtpSink, address: &str, before: usize) -> Vec<String> {
    smtp.messages()
        .into_iter()
        .skip(before)
        .filter(|m| m.to.iter().any(|t| t == address))
        .map(|m| m.subject)
        .collect()
}

async fn a_waiting_request_is_recalled_once_and_its_expiry_told_to_both(
    app: TestApp,
    smtp: SmtpSink,
) {
    app.state.clock.set(wednesday());
    let pair = app.pair(json!({"request_expiry_days": 14})).await;
    let before = smtp.messages().len();
    let done = run_due(&app.state).await;
    assert_eq!(done.request_reminders, 0, "not half its time yet");

    app.state.clock.advance(Duration::days(7));
    let done = run_due(&app.state).await;
    assert_eq!(done.request_reminders, 1, "{done:?}");
    assert_eq!(
        new_to(&smtp, "mentor@example.org", before),
        ["Mentee is waiting for your answer"]
    );
    let again = run_due(&app.state).await;
    assert_eq!(again.request_reminders, 0, "once: {again:?}");

    let before = smtp.messages().len();
    app.state.clock.advance(Duration::days(7));
    let done = run_due(&app.state).await;
    assert_eq!(done.expired, 1, "{done:?}");
    assert_eq!(
        new_to(&smtp, "mentee@example.org", before),
        ["Your request to Mentor expired"]
    );
    assert_eq!(
        new_to(&smtp, "mentor@example.org", before),
        ["A request from Mentee expired"]
    );
    let (_, m) = app
        .get(&format!("/api/v1/mentorships/{}", pair.id), &pair.mentee)
        .await;
    assert_eq!(m["status"], "expired");
    assert_eq!(run_due(&app.state).await.expired, 0, "once");
    // Its place is free: the mentee (one mentor at a time) may ask again.
    let (s, v) = app
        .post(
            "/api/v1/mentorships",
            &pair.mentee,
            crate::common::request_body(&pair.program, &pair.mentor_id),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
}

async fn meetings_and_action_items_are_recalled_once_each(app: TestApp, smtp: SmtpSink) {
    app.state.clock.set(wednesday());
    let pair = app.active_pair(json!({})).await;
    let starts = wednesday() + Duration::hours(30);
    let (s, meeting) = app
        .post(
            &format!("/api/v1/mentorships/{}/meetings", pair.id),
            &pair.mentee,
            json!({"starts_at": starts.to_rfc3339(), "duration_minutes": 30}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{meeting}");
    let meeting = meeting["id"].as_str().unwrap().to_string();
    assert_eq!(
        run_due(&app.state).await.meeting_reminders,
        0,
        "30 hours ahead"
    );

    let before = smtp.messages().len();
    app.state.clock.advance(Duration::hours(7));
    let done = run_due(&app.state).await;
    assert_eq!(done.meeting_reminders, 1, "{done:?}");
    for (to, other) in [
        ("mentor@example.org", "Mentee"),
        ("mentee@example.org", "Mentor"),
    ] {
        assert_eq!(
            new_to(&smtp, to, before),
            [format!("Reminder: meeting with {other}, 9 Jan, 16:00 UTC")]
        );
    }
    assert_eq!(run_due(&app.state).await.meeting_reminders, 0, "once");

    // Moved a day on, it is recalled again before its new time.
    let (s, v) = app
        .patch(
            &format!("/api/v1/meetings/{meeting}"),
            &pair.mentor,
            json!({"starts_at": (starts + Duration::days(1)).to_rfc3339()}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(run_due(&app.state).await.meeting_reminders, 0);
    app.state.clock.advance(Duration::days(1));
    assert_eq!(run_due(&app.state).await.meeting_reminders, 1);

    // An action item due tomorrow, to its owner only.
    let tomorrow = (app.state.clock.now() + Duration::days(1)).date_naive();
    let (s, v) = app
        .post(
            &format!("/api/v1/meetings/{meeting}/action-items"),
            &pair.mentor,
            json!({"title": "Read chapter 3", "owner_id": pair.mentor_id, "due_on": tomorrow.to_string()}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let before = smtp.messages().len();
    let done = run_due(&app.state).await;
    assert_eq!(done.action_items_due, 1, "{done:?}");
    let got = new_to(&smtp, "mentor@example.org", before);
    assert_eq!(got.len(), 1, "{got:?}");
    assert!(
        got[0].starts_with("An action item is due tomorrow"),
        "{got:?}"
    );
    assert!(new_to(&smtp, "mentee@example.org", before).is_empty());
    assert!(
        !smtp
            .messages()
            .iter()
            .any(|m| m.raw.contains("Read chapter 3")),
        "the item's text stays on the page"
    );
    assert_eq!(run_due(&app.state).await.action_items_due, 0, "once");
}

async fn health_alerts_and_the_weekly_digest_come_once(app: TestApp, smtp: SmtpSink) {
    app.state.clock.set(wednesday());
    let pair = app.active_pair(json!({})).await;
    let (coordinator, _) = app.person("Coordinator").await;
    let admin = app.log_in("admin@example.org").await;
    let (s, v) = app
        .post(
            &format!("/api/v1/programs/{}/coordinators", pair.program),
            &admin,
            json!({"person_id": coordinator}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    // A signed agreement: only meetings decide its health here.
    let (s, v) = app
        .put(
            &format!("/api/v1/mentorships/{}/agreement", pair.id),
            &pair.mentor,
            json!({"goals": "Grow", "cadence_days": 14}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    for token in [&pair.mentor, &pair.mentee] {
        let (s, v) = app
            .post(
                &format!("/api/v1/mentorships/{}/agreement/sign", pair.id),
                token,
                json!({}),
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{v}");
    }
    assert_eq!(
        run_due(&app.state).await.health_alerts,
        0,
        "on track at the start"
    );

    // One and a half cadences (14 days) without a meeting: at risk.
    let before = smtp.messages().len();
    app.state.clock.advance(Duration::days(21));
    let done = run_due(&app.state).await;
    assert_eq!((done.health_alerts, done.digests), (1, 1), "{done:?}");
    for (to, other) in [
        ("mentor@example.org", "Mentee"),
        ("mentee@example.org", "Mentor"),
    ] {
        assert_eq!(
            new_to(&smtp, to, before),
            [format!("Your mentorship with {other} needs attention")]
        );
    }
    let digest = new_to(&smtp, "coordinator@example.org", before);
    assert_eq!(
        digest,
        ["traditional program: 1 relationship to look at this week"]
    );
    let again = run_due(&app.state).await;
    assert_eq!(
        (again.health_alerts, again.digests),
        (0, 0),
        "once: {again:?}"
    );

    // Three cadences: stalled, told again; the next week, a new digest.
    let before = smtp.messages().len();
    app.state.clock.advance(Duration::days(21));
    let done = run_due(&app.state).await;
    assert_eq!((done.health_alerts, done.digests), (1, 1), "{done:?}");
    assert_eq!(
        new_to(&smtp, "mentee@example.org", before),
        ["Your mentorship with Mentor has stalled"]
    );
    let body = smtp
        .messages()
        .into_iter()
        .skip(before)
        .find(|m| m.to.iter().any(|t| t == "coordinator@example.org"))
        .unwrap()
        .body;
    assert!(body.contains("Mentor and Mentee: stalled"), "{body}");

    // A meeting held puts it back on track; a new decline alerts again. (Six
    // weeks on, the sessions of the start have ended: sign in again.)
    let mentee = app.log_in("mentee@example.org").await;
    let mentor = app.log_in("mentor@example.org").await;
    let held_at = app.state.clock.now() - Duration::hours(2);
    let (s, m) = app
        .post(
            &format!("/api/v1/mentorships/{}/meetings", pair.id),
            &mentee,
            json!({"starts_at": held_at.to_rfc3339(), "duration_minutes": 30}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{m}");
    let (s, v) = app
        .patch(
            &format!("/api/v1/meetings/{}", m["id"].as_str().unwrap()),
            &mentor,
            json!({"status": "held"}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(run_due(&app.state).await.health_alerts, 0);
    app.state.clock.advance(Duration::days(21));
    assert_eq!(run_due(&app.state).await.health_alerts, 1, "at risk again");
    assert!(subjects(&smtp.messages())
        .iter()
        .all(|s| !s.contains("Mentee wrote")));
}

/// `n` scheduled meetings of `pair` starting within the next day, written
/// straight to the store (the API would e-mail an invite for each).
async fn meetings_tomorrow(app: &TestApp, pair: &crate::common::Pair, n: usize) {
    let now = app.state.clock.now();
    let tx = app.state.store.write().await.unwrap();
    for k in 0..n {
        tandem::store::workspace::insert_meeting(
            &tx,
            tandem::store::workspace::NewMeeting {
                mentorship_id: &pair.id,
                starts_at: now + Duration::hours(2) + Duration::seconds(k as i64 * 60),
                minutes: 30,
                location: String::new(),
                agenda: Vec::new(),
                booked: false,
                by: &pair.mentor_id,
                at: now,
            },
        )
        .await
        .unwrap();
    }
    tx.commit().await.unwrap();
}

/// The meeting reminders in the queue: (all, distinct by recipient and meeting;
/// the meetings start a minute apart, and the subject names the time).
async fn queued_reminders(app: &TestApp) -> (i64, i64) {
    let db = app.state.store.read();
    let backend = db.get_database_backend();
    let row = db
        .query_one_raw(Statement::from_string(
            backend,
            "SELECT COUNT(*) AS n, COUNT(DISTINCT to_address || subject) AS d \
             FROM emails WHERE kind = 'meeting_reminder'",
        ))
        .await
        .unwrap()
        .unwrap();
    (row.try_get("", "n").unwrap(), row.try_get("", "d").unwrap())
}

async fn a_run_that_fails_halfway_sends_the_rest_next_time_and_nothing_twice(app: TestApp) {
    let pair = app.active_pair(json!({})).await;
    meetings_tomorrow(&app, &pair, 450).await;
    // The database refuses the claim of one meeting in the second batch (of 200),
    // as a crash there would: that batch's transaction is lost whole.
    let db = app.state.store.read();
    let backend = db.get_database_backend();
    let victim: String = db
        .query_one_raw(Statement::from_string(
            backend,
            "SELECT id FROM meetings ORDER BY starts_at, id LIMIT 1 OFFSET 250",
        ))
        .await
        .unwrap()
        .unwrap()
        .try_get("", "id")
        .unwrap();
    let fail = match backend {
        DatabaseBackend::Postgres => vec![
            format!(
                "CREATE FUNCTION fail_once() RETURNS trigger AS $$ BEGIN \
                 IF NEW.key LIKE 'meeting_reminder:{victim}:%' THEN RAISE EXCEPTION 'simulated crash'; END IF; \
                 RETURN NEW; END $$ LANGUAGE plpgsql"
            ),
            "CREATE TRIGGER fail_once BEFORE INSERT ON notices FOR EACH ROW EXECUTE FUNCTION fail_once()"
                .to_string(),
        ],
        _ => vec![format!(
            "CREATE TRIGGER fail_once BEFORE INSERT ON notices \
             WHEN NEW.key LIKE 'meeting_reminder:{victim}:%' \
             BEGIN SELECT RAISE(ABORT, 'simulated crash'); END"
        )],
    };
    for sql in fail {
        db.execute_unprepared(&sql).await.unwrap();
    }
    let first = run_due(&app.state).await;
    assert_eq!(first.failures.len(), 1, "{first:?}");
    assert_eq!(
        queued_reminders(&app).await,
        (400, 400),
        "the first batch of 200 meetings stands"
    );

    let drop = match backend {
        DatabaseBackend::Postgres => "DROP TRIGGER fail_once ON notices",
        _ => "DROP TRIGGER fail_once",
    };
    db.execute_unprepared(drop).await.unwrap();
    let second = run_due(&app.state).await;
    assert_eq!(second.meeting_reminders, 250, "the rest: {second:?}");
    assert!(second.failures.is_empty(), "{second:?}");
    assert_eq!(
        queued_reminders(&app).await,
        (900, 900),
        "every meeting's two participants, each once"
    );
    assert_eq!(run_due(&app.state).await.meeting_reminders, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn postgres_two_servers_send_each_reminder_once() {
    let Some(app) = TestApp::postgres().await else {
        return;
    };
    let pair = app.active_pair(json!({})).await;
    meetings_tomorrow(&app, &pair, 450).await;
    let second = app.second_server().await;
    let (a, b) = tokio::join!(run_due(&app.state), run_due(&second.state));
    assert!(
        a.failures.is_empty() && b.failures.is_empty(),
        "{a:?} {b:?}"
    );
    assert_eq!(
        a.meeting_reminders + b.meeting_reminders,
        450,
        "each meeting claimed by one server: {a:?} {b:?}"
    );
    assert_eq!(queued_reminders(&app).await, (900, 900));
}

/// `tandem jobs run --now T` as an operator (or a test) runs it: as of T, once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_command_runs_the_jobs_as_of_the_time_given() {
    let app = TestApp::sqlite().await;
    let pair = app.pair(json!({"request_expiry_days": 14})).await;
    let later = (app.state.clock.now() + Duration::days(15)).to_rfc3339();
    let run = |now: &str| {
        std::process::Command::new(env!("CARGO_BIN_EXE_tandem"))
            .args(["jobs", "run", "--now", now])
            .env("TANDEM_KEY", crate::common::TEST_KEY)
            .env("TANDEM_DATABASE_URL", &app.state.config.database_url)
            .env("TANDEM_OUTBOX_DIR", app.outbox.path())
            .output()
            .expect("tandem runs")
    };
    let out = run(&later);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let done: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(done["expired"], 1, "{done}");
    assert_eq!(done["emails_sent"], 2, "both told: {done}");
    let (_, m) = app
        .get(&format!("/api/v1/mentorships/{}", pair.id), &pair.mentee)
        .await;
    assert_eq!(m["status"], "expired");
    let again: serde_json::Value = serde_json::from_slice(&run(&later).stdout).unwrap();
    assert_eq!(again["expired"], 0, "once: {again}");
    let bad = run("next tuesday");
    assert_eq!(bad.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&bad.stderr).contains("RFC 3339"),
        "{}",
        String::from_utf8_lossy(&bad.stderr)
    );
}
