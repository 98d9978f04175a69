//! The relationship's workspace through the API: goals and milestones, meetings,
//! private notes, action items, feedback, calendar files, office hours, kudos,
//! messages, introductions, progress, timeline, export and erasure.
use crate::common::TestApp;
use crate::on_both_databases;
use axum::http::{Method, StatusCode};
use chrono::{Duration, Utc};
use serde_json::json;

on_both_databases!(
    goals_and_milestones_show_progress,
    career_plan_goals_are_taken_over_once,
    meetings_are_scheduled_held_or_cancelled,
    a_private_note_is_seen_by_its_author_alone,
    action_items_have_an_owner_and_count_when_overdue,
    feedback_is_given_once_after_a_held_meeting,
    calendar_files_parse_back_with_one_uid_and_a_rising_sequence,
    office_hours_offer_free_slots_and_a_booking_takes_one,
    two_bookings_of_one_slot_at_once_leave_one_meeting,
    a_booking_brings_its_agenda_and_meeting_link_into_the_invite,
    kudos_messages_and_introductions,
    progress_and_timeline_tell_how_it_goes,
    erasure_removes_what_the_person_wrote_and_keeps_the_rest,
);

/// An active pair with a coordinator, the admin and a stranger looking on.
pub struct Active {
    pub mentor_id: String,
    pub mentor: String,
    pub mentee_id: String,
    pub mentee: String,
    pub admin: String,
    pub coord: String,
    pub stranger: String,
    pub id: String,
}

pub async fn active(app: &TestApp) -> Active {
    let (_, admin) = app.person("Admin").await;
    let (mentor_id, mentor) = app.person("Mentor").await;
    let (mentee_id, mentee) = app.person("Mentee").await;
    let (coord_id, coord) = app.person("Coord").await;
    let (_, stranger) = app.person("Stranger").await;
    let program = app.program(&admin, "traditional", json!({})).await;
    let (s, _) = app
        .post(
            &format!("/api/v1/programs/{program}/coordinators"),
            &admin,
            json!({"person_id": coord_id}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED);
    app.enroll(&program, &mentor, "mentor").await;
    app.enroll(&program, &mentee, "mentee").await;
    let id = app.request(&program, &mentee, &mentor_id).await;
    let (s, m) = app
        .post(
            &format!("/api/v1/mentorships/{id}/accept"),
            &mentor,
            json!({}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{m}");
    Active {
        mentor_id,
        mentor,
        mentee_id,
        mentee,
        admin,
        coord,
        stranger,
        id,
    }
}

pub fn at(days: i64) -> String {
    (Utc::now() + Duration::days(days))
        .format("%Y-%m-%dT%H:%M:%SZ")
        .to_string()
}

pub fn day(days: i64) -> String {
    (Utc::now() + Duration::days(days))
        .format("%Y-%m-%d")
        .to_string()
}

/// A meeting `days` from now (negative: in the past); returns its id.
pub async fn meeting(app: &TestApp, a: &Active, days: i64) -> String {
    let (s, m) = app
        .post(
            &format!("/api/v1/mentorships/{}/meetings", a.id),
            &a.mentee,
            json!({"starts_at": at(days), "duration_minutes": 45, "location": "Room 4", "agenda": ["Goals", "Next steps"]}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{m}");
    m["id"].as_str().unwrap().to_string()
}

/// A meeting that took place and is marked held.
pub async fn held_meeting(app: &TestApp, a: &Active) -> String {
    let id = meeting(app, a, -2).await;
    let (s, m) = app
        .patch(
            &format!("/api/v1/meetings/{id}"),
            &a.mentor,
            json!({"status": "held"}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{m}");
    id
}

async fn goals_and_milestones_show_progress(app: TestApp) {
    let a = active(&app).await;
    let goals = format!("/api/v1/mentorships/{}/goals", a.id);
    let (s, g) = app
        .post(&goals, &a.mentee, json!({"title": "Lead a design review", "description": "By spring", "horizon": "long", "due_on": day(90)}))
        .await;
    assert_eq!(s, StatusCode::CREATED, "{g}");
    assert_eq!(g["status"], "open");
    assert_eq!(g["horizon"], "long");
    assert_eq!(
        g["progress"],
        json!({"achieved": 0, "total": 0, "percent": 0})
    );
    let goal = g["id"].as_str().unwrap();
    for (body, field) in [
        (json!({"title": "  "}), "title"),
        (json!({"title": "x", "horizon": "medium"}), "horizon"),
        (json!({"title": "x", "due_on": "2027-13-01"}), "due_on"),
    ] {
        let (s, e) = app.post(&goals, &a.mentor, body).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
        assert!(e["error"]["fields"][field].is_string(), "{e}");
    }
    let mut milestones = Vec::new();
    for title in [
        "Shadow a review",
        "Run one with help",
        "Run one alone",
        "Write it up",
    ] {
        let (s, m) = app
            .post(
                &format!("/api/v1/goals/{goal}/milestones"),
                &a.mentor,
                json!({"title": title, "due_on": day(30)}),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "{m}");
        assert_eq!(m["status"], "not_started");
        milestones.push(m["id"].as_str().unwrap().to_string());
    }
    let step = |id: &str, status: &str| {
        let id = id.to_string();
        let status = status.to_string();
        let app = &app;
        let token = a.mentee.clone();
        async move {
            app.patch(
                &format!("/api/v1/milestones/{id}"),
                &token,
                json!({"status": status}),
            )
            .await
        }
    };
    assert_eq!(step(&milestones[0], "in_progress").await.0, StatusCode::OK);
    let (s, m) = step(&milestones[0], "achieved").await;
    assert_eq!(s, StatusCode::OK);
    assert!(m["achieved_at"].is_string());
    assert_eq!(step(&milestones[1], "achieved").await.0, StatusCode::OK);
    assert_eq!(step(&milestones[2], "missed").await.0, StatusCode::OK);
    // Forward only: an achieved or missed milestone stays so.
    for (id, to) in [
        (&milestones[0], "in_progress"),
        (&milestones[2], "achieved"),
        (&milestones[3], "not_started"),
    ] {
        let (s, e) = step(id, to).await;
        assert_eq!(s, StatusCode::CONFLICT, "{id} → {to}: {e}");
    }
    assert_eq!(
        step(&milestones[3], "done").await.0,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    let (_, list) = app.get(&goals, &a.mentor).await;
    assert_eq!(
        list["items"][0]["progress"],
        json!({"achieved": 2, "total": 4, "percent": 50})
    );
    assert_eq!(list["items"][0]["milestones"].as_array().unwrap().len(), 4);
    let (s, g) = app
        .patch(
            &format!("/api/v1/goals/{goal}"),
            &a.mentor,
            json!({"status": "achieved"}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{g}");
    assert_eq!(g["status"], "achieved");
    assert_eq!(g["progress"]["percent"], 100);
    let (s, _) = app
        .patch(
            &format!("/api/v1/goals/{goal}"),
            &a.mentor,
            json!({"status": "finished"}),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    let (_, progress) = app
        .get(&format!("/api/v1/mentorships/{}/progress", a.id), &a.mentee)
        .await;
    assert_eq!(progress["milestones"], json!({"achieved": 2, "total": 4}));
    // Those outside the pair: 403 for who oversees the program, 404 for the rest.
    for (token, status) in [
        (&a.coord, StatusCode::FORBIDDEN),
        (&a.admin, StatusCode::FORBIDDEN),
        (&a.stranger, StatusCode::NOT_FOUND),
    ] {
        assert_eq!(app.get(&goals, token).await.0, status);
        assert_eq!(
            app.patch(
                &format!("/api/v1/goals/{goal}"),
                token,
                json!({"status": "dropped"})
            )
            .await
            .0,
            status
        );
        assert_eq!(
            app.patch(
                &format!("/api/v1/milestones/{}", milestones[3]),
                token,
                json!({"status": "missed"})
            )
            .await
            .0,
            status
        );
    }
    assert_eq!(
        app.patch("/api/v1/goals/nope", &a.mentee, json!({}))
            .await
            .0,
        StatusCode::NOT_FOUND
    );
}

async fn career_plan_goals_are_taken_over_once(app: TestApp) {
    let a = active(&app).await;
    let (s, _) = app
        .put(
            "/api/v1/me/plan",
            &a.mentee,
            json!({"strengths": [], "improve": [], "short_term_goals": ["Ship the API"], "long_term_goals": ["Become a tech lead"]}),
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    let from_plan = format!("/api/v1/mentorships/{}/goals/from-plan", a.id);
    let (s, goals) = app.post(&from_plan, &a.mentee, json!({})).await;
    assert_eq!(s, StatusCode::OK, "{goals}");
    let titles: Vec<(&str, &str)> = goals["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| (g["title"].as_str().unwrap(), g["horizon"].as_str().unwrap()))
        .collect();
    assert_eq!(
        titles,
        [("Ship the API", "short"), ("Become a tech lead", "long")]
    );
    // Taking them over again (the mentor, for the mentee) adds nothing twice.
    let (_, again) = app.post(&from_plan, &a.mentor, json!({})).await;
    assert_eq!(again["items"].as_array().unwrap().len(), 2);
    assert_eq!(
        app.post(&from_plan, &a.coord, json!({})).await.0,
        StatusCode::FORBIDDEN
    );
}

async fn meetings_are_scheduled_held_or_cancelled(app: TestApp) {
    // Times computed once: the clock moves on while the test runs.
    let (moved, took_place) = (at(4), at(-1));
    let (_, admin) = app.person("Admin").await;
    let (mentor_id, mentor) = app.person("Mentor").await;
    let (_, mentee) = app.person("Mentee").await;
    let program = app.program(&admin, "traditional", json!({})).await;
    app.enroll(&program, &mentor, "mentor").await;
    app.enroll(&program, &mentee, "mentee").await;
    let id = app.request(&program, &mentee, &mentor_id).await;
    let path = format!("/api/v1/mentorships/{id}/meetings");
    // Only an active relationship schedules meetings.
    let (s, e) = app.post(&path, &mentee, json!({"starts_at": at(3)})).await;
    assert_eq!(s, StatusCode::CONFLICT, "{e}");
    app.post(
        &format!("/api/v1/mentorships/{id}/accept"),
        &mentor,
        json!({}),
    )
    .await;
    for (body, field) in [
        (json!({}), "starts_at"),
        (json!({"starts_at": "next tuesday"}), "starts_at"),
        (
            json!({"starts_at": at(3), "duration_minutes": 2}),
            "duration_minutes",
        ),
        (
            json!({"starts_at": at(3), "agenda": ["x".repeat(501)]}),
            "agenda",
        ),
    ] {
        let (s, e) = app.post(&path, &mentee, body).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
        assert!(e["error"]["fields"][field].is_string(), "{e}");
    }
    let (s, m) = app
        .post(&path, &mentee, json!({"starts_at": at(3), "location": "https://meet.example/abc", "agenda": ["Intro", "Goals"]}))
        .await;
    assert_eq!(s, StatusCode::CREATED, "{m}");
    assert_eq!(m["status"], "scheduled");
    assert_eq!(m["duration_minutes"], 60, "the default length");
    assert_eq!(m["agenda"], json!(["Intro", "Goals"]));
    assert_eq!(m["sequence"], 0);
    assert_eq!(
        m["allowed_actions"],
        json!(["cancel", "reschedule", "take_notes"])
    );
    let future = m["id"].as_str().unwrap().to_string();
    let one = format!("/api/v1/meetings/{future}");
    // Held needs a start in the past.
    let (s, e) = app.patch(&one, &mentor, json!({"status": "held"})).await;
    assert_eq!(s, StatusCode::CONFLICT, "{e}");
    let (s, e) = app
        .patch(&one, &mentor, json!({"status": "scheduled"}))
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
    let (s, m) = app
        .patch(
            &one,
            &mentor,
            json!({"starts_at": moved, "agenda": ["Intro"]}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{m}");
    assert_eq!(m["sequence"], 1);
    assert_eq!(m["starts_at"], moved);
    let (s, m) = app
        .patch(&one, &mentor, json!({"status": "cancelled"}))
        .await;
    assert_eq!(s, StatusCode::OK, "{m}");
    assert_eq!(m["status"], "cancelled");
    assert_eq!(m["sequence"], 2);
    for body in [
        json!({"status": "held"}),
        json!({"status": "cancelled"}),
        json!({"starts_at": at(5)}),
        json!({"shared_notes": "x"}),
    ] {
        assert_eq!(app.patch(&one, &mentee, body).await.0, StatusCode::CONFLICT);
    }
    // A start in the past records a meeting that took place: scheduled, then held.
    let (s, m) = app
        .post(&path, &mentor, json!({"starts_at": took_place}))
        .await;
    assert_eq!(s, StatusCode::CREATED);
    assert_eq!(m["status"], "scheduled");
    let past = m["id"].as_str().unwrap();
    let (s, m) = app
        .patch(
            &format!("/api/v1/meetings/{past}"),
            &mentee,
            json!({"status": "held", "shared_notes": "We agreed on a plan."}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{m}");
    assert_eq!(m["status"], "held");
    assert_eq!(m["shared_notes"], "We agreed on a plan.");
    let (s, _) = app
        .patch(
            &format!("/api/v1/meetings/{past}"),
            &mentee,
            json!({"status": "cancelled"}),
        )
        .await;
    assert_eq!(s, StatusCode::CONFLICT);
    let scheduled = app
        .emails()
        .iter()
        .filter(|e| e.contains("Meeting scheduled"))
        .count();
    assert_eq!(
        scheduled, 2,
        "invites for the meeting ahead, none for the one recorded afterwards"
    );
    let (_, list) = app.get(&path, &mentor).await;
    let starts: Vec<&str> = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["starts_at"].as_str().unwrap())
        .collect();
    assert_eq!(
        starts,
        [took_place.as_str(), moved.as_str()],
        "earliest first"
    );
    let (_, page) = app.get(&format!("{path}?limit=1"), &mentor).await;
    assert_eq!(page["items"].as_array().unwrap().len(), 1);
    let cursor = page["next_cursor"].as_str().unwrap();
    let (_, next) = app
        .get(&format!("{path}?limit=1&cursor={cursor}"), &mentor)
        .await;
    assert_eq!(next["items"][0]["id"], future);
}

async fn a_private_note_is_seen_by_its_author_alone(app: TestApp) {
    let a = active(&app).await;
    let m = meeting(&app, &a, 2).await;
    let note = format!("/api/v1/meetings/{m}/private-note");
    let (s, n) = app
        .put(
            &note,
            &a.mentor,
            json!({"body": "She seems unsure about the deadline."}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{n}");
    let (_, mine) = app.get(&format!("/api/v1/meetings/{m}"), &a.mentor).await;
    assert_eq!(mine["private_note"], "She seems unsure about the deadline.");
    let (_, theirs) = app.get(&format!("/api/v1/meetings/{m}"), &a.mentee).await;
    assert!(theirs["private_note"].is_null(), "{theirs}");
    let (_, list) = app
        .get(&format!("/api/v1/mentorships/{}/meetings", a.id), &a.mentee)
        .await;
    assert!(list["items"][0]["private_note"].is_null());
    assert!(!list.to_string().contains("unsure"));
    // The mentee's own note is theirs; the mentor's stays the mentor's.
    app.put(&note, &a.mentee, json!({"body": "Ask about the deadline."}))
        .await;
    let (_, theirs) = app.get(&format!("/api/v1/meetings/{m}"), &a.mentee).await;
    assert_eq!(theirs["private_note"], "Ask about the deadline.");
    let (_, mine) = app.get(&format!("/api/v1/meetings/{m}"), &a.mentor).await;
    assert_eq!(mine["private_note"], "She seems unsure about the deadline.");
    for (token, status) in [
        (&a.coord, StatusCode::FORBIDDEN),
        (&a.admin, StatusCode::FORBIDDEN),
        (&a.stranger, StatusCode::NOT_FOUND),
    ] {
        assert_eq!(
            app.get(&format!("/api/v1/meetings/{m}"), token).await.0,
            status
        );
        assert_eq!(
            app.put(&note, token, json!({"body": "mine now"})).await.0,
            status
        );
    }
    let (_, export) = app.get("/api/v1/me/export", &a.mentee).await;
    let text = export.to_string();
    assert!(text.contains("Ask about the deadline."));
    assert!(
        !text.contains("unsure"),
        "the other participant's note is in an export"
    );
    let (_, export) = app.get("/api/v1/me/export", &a.mentor).await;
    assert!(export.to_string().contains("unsure"));
    assert!(!export.to_string().contains("Ask about the deadline."));
    // An empty body removes the note.
    app.put(&note, &a.mentor, json!({"body": ""})).await;
    let (_, mine) = app.get(&format!("/api/v1/meetings/{m}"), &a.mentor).await;
    assert!(mine["private_note"].is_null());
}

async fn action_items_have_an_owner_and_count_when_overdue(app: TestApp) {
    let a = active(&app).await;
    let m = meeting(&app, &a, -1).await;
    let items = format!("/api/v1/meetings/{m}/action-items");
    let (s, e) = app
        .post(
            &items,
            &a.mentor,
            json!({"title": "Read the RFC", "owner_id": "someone-else"}),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
    assert!(e["error"]["fields"]["owner_id"].is_string());
    let (s, late) = app
        .post(
            &items,
            &a.mentor,
            json!({"title": "Read the RFC", "owner_id": a.mentee_id, "due_on": day(-2)}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{late}");
    assert_eq!(late["owner"], json!({"id": a.mentee_id, "name": "Mentee"}));
    assert_eq!(late["overdue"], true);
    let (s, mine) = app
        .post(
            &items,
            &a.mentor,
            json!({"title": "Send the slides", "due_on": day(0)}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED);
    assert_eq!(
        mine["owner"]["id"], a.mentor_id,
        "the caller owns it by default"
    );
    assert_eq!(mine["overdue"], false, "due today is not overdue");
    let progress = format!("/api/v1/mentorships/{}/progress", a.id);
    let (_, p) = app.get(&progress, &a.mentee).await;
    assert_eq!(
        (
            p["open_action_items"].as_u64(),
            p["overdue_action_items"].as_u64()
        ),
        (Some(2), Some(1))
    );
    assert_eq!(p["health"], "at_risk");
    assert!(p["reasons"]
        .as_array()
        .unwrap()
        .contains(&json!("overdue_action_items")));
    let late_id = late["id"].as_str().unwrap();
    let (s, done) = app
        .patch(
            &format!("/api/v1/action-items/{late_id}"),
            &a.mentee,
            json!({"done": true}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{done}");
    assert_eq!(
        (done["done"].as_bool(), done["overdue"].as_bool()),
        (Some(true), Some(false))
    );
    assert!(done["done_at"].is_string());
    let (_, p) = app.get(&progress, &a.mentee).await;
    assert_eq!(
        (
            p["open_action_items"].as_u64(),
            p["overdue_action_items"].as_u64()
        ),
        (Some(1), Some(0))
    );
    let (s, undone) = app
        .patch(
            &format!("/api/v1/action-items/{late_id}"),
            &a.mentee,
            json!({"done": false}),
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    assert!(undone["done_at"].is_null());
    let (_, meeting) = app.get(&format!("/api/v1/meetings/{m}"), &a.mentor).await;
    assert_eq!(meeting["action_items"].as_array().unwrap().len(), 2);
    for (token, status) in [
        (&a.coord, StatusCode::FORBIDDEN),
        (&a.stranger, StatusCode::NOT_FOUND),
    ] {
        assert_eq!(
            app.post(&items, token, json!({"title": "x"})).await.0,
            status
        );
        assert_eq!(
            app.patch(
                &format!("/api/v1/action-items/{late_id}"),
                token,
                json!({"done": true})
            )
            .await
            .0,
            status
        );
    }
}

async fn feedback_is_given_once_after_a_held_meeting(app: TestApp) {
    let a = active(&app).await;
    let upcoming = meeting(&app, &a, 1).await;
    let body = json!({"rating": 4, "went_well": "Clear plan", "to_improve": "Start on time", "encouragement": "Great progress"});
    let (s, e) = app
        .post(
            &format!("/api/v1/meetings/{upcoming}/feedback"),
            &a.mentee,
            body.clone(),
        )
        .await;
    assert_eq!(s, StatusCode::CONFLICT, "{e}");
    let m = held_meeting(&app, &a).await;
    let path = format!("/api/v1/meetings/{m}/feedback");
    for bad in [
        json!({"rating": 0}),
        json!({"rating": 6}),
        json!({"rating": 3, "went_well": "x".repeat(2001)}),
    ] {
        assert_eq!(
            app.post(&path, &a.mentee, bad).await.0,
            StatusCode::UNPROCESSABLE_ENTITY
        );
    }
    let (s, f) = app.post(&path, &a.mentee, body.clone()).await;
    assert_eq!(s, StatusCode::CREATED, "{f}");
    assert_eq!(f["author"]["id"], a.mentee_id);
    let (s, _) = app.post(&path, &a.mentee, body).await;
    assert_eq!(s, StatusCode::CONFLICT, "twice");
    let (s, _) = app
        .post(
            &path,
            &a.mentor,
            json!({"rating": 1, "went_well": "", "to_improve": "Prepare", "encouragement": ""}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED);
    let (s, both) = app.get(&path, &a.mentor).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(both["items"].as_array().unwrap().len(), 2);
    assert!(
        both.to_string().contains("Clear plan"),
        "the other participant reads it"
    );
    let (_, meeting) = app.get(&format!("/api/v1/meetings/{m}"), &a.mentor).await;
    assert_eq!(meeting["feedback_given"], true);
    // Coordinators see the average, never a text.
    for (token, status) in [
        (&a.coord, StatusCode::FORBIDDEN),
        (&a.admin, StatusCode::FORBIDDEN),
        (&a.stranger, StatusCode::NOT_FOUND),
    ] {
        assert_eq!(app.get(&path, token).await.0, status);
        assert_eq!(app.post(&path, token, json!({"rating": 5})).await.0, status);
    }
    let (s, p) = app
        .get(&format!("/api/v1/mentorships/{}/progress", a.id), &a.coord)
        .await;
    assert_eq!(s, StatusCode::OK, "{p}");
    assert_eq!(
        p["average_rating"],
        serde_json::Value::Null,
        "two ratings would tell each person's answer"
    );
    let (_, p) = app
        .get(&format!("/api/v1/mentorships/{}/progress", a.id), &a.mentee)
        .await;
    assert_eq!(
        p["average_rating"], 2.5,
        "participants read their own average"
    );
    assert!(p["reasons"]
        .as_array()
        .unwrap()
        .contains(&json!("low_ratings")));
    assert!(!p.to_string().contains("Clear plan"));
}

/// Parses a calendar file with an independent parser: (UID, SEQUENCE, STATUS, DTSTART) per event.
fn events(ics: &str) -> Vec<(String, String, String, String)> {
    let mut parser = ical::IcalParser::new(std::io::BufReader::new(ics.as_bytes()));
    let calendar = parser.next().expect("one calendar").expect("it parses");
    assert!(parser.next().is_none());
    calendar
        .events
        .iter()
        .map(|e| {
            let get = |name: &str| {
                e.properties
                    .iter()
                    .find(|p| p.name == name)
                    .and_then(|p| p.value.clone())
                    .unwrap_or_default()
            };
            (get("UID"), get("SEQUENCE"), get("STATUS"), get("DTSTART"))
        })
        .collect()
}

/// The `text/calendar` part of an e-mail as written to the outbox, decoded.
fn attached_calendar(mail: &str) -> String {
    let at = mail
        .find("Content-Type: text/calendar")
        .expect("a calendar part");
    let part = &mail[at..];
    let (headers, rest) = part.split_once("\r\n\r\n").expect("the part's headers end");
    let body = rest.split("\r\n--").next().unwrap();
    if headers.contains("base64") {
        use base64::Engine;
        let joined: String = body.split_whitespace().collect();
        String::from_utf8(
            base64::engine::general_purpose::STANDARD
                .decode(joined)
                .unwrap(),
        )
        .unwrap()
    } else if headers.contains("quoted-printable") {
        body.replace("=\r\n", "").replace("=3D", "=")
    } else {
        body.to_string()
    }
}

/// GETs a calendar file: the status, its content type and its text.
async fn ics(app: &TestApp, path: &str, token: Option<&str>) -> (StatusCode, String, String) {
    use http_body_util::BodyExt;
    use tower::ServiceExt;
    let mut req = axum::http::Request::builder().method(Method::GET).uri(path);
    if let Some(t) = token {
        req = req.header("authorization", format!("Bearer {t}"));
    }
    let res = app
        .router
        .clone()
        .oneshot(req.body(axum::body::Body::empty()).unwrap())
        .await
        .unwrap();
    let status = res.status();
    let kind = res
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_string())
        .unwrap_or_default();
    let body = res.into_body().collect().await.unwrap().to_bytes();
    (status, kind, String::from_utf8(body.to_vec()).unwrap())
}

async fn calendar_files_parse_back_with_one_uid_and_a_rising_sequence(app: TestApp) {
    let a = active(&app).await;
    let m = meeting(&app, &a, 3).await;
    let invite = format!("/api/v1/meetings/{m}/invite.ics");
    let (s, kind, text) = ics(&app, &invite, Some(&a.mentor)).await;
    assert_eq!(s, StatusCode::OK);
    assert!(kind.starts_with("text/calendar"), "{kind}");
    let first = events(&text);
    assert_eq!(first.len(), 1);
    let (uid, sequence, status, start) = first[0].clone();
    assert!(uid.contains(&m));
    assert_eq!((sequence.as_str(), status.as_str()), ("0", "CONFIRMED"));
    let (_, json) = app.get(&format!("/api/v1/meetings/{m}"), &a.mentor).await;
    let expected = json["starts_at"].as_str().unwrap().replace(['-', ':'], "");
    assert_eq!(start, expected, "in UTC");
    app.patch(
        &format!("/api/v1/meetings/{m}"),
        &a.mentee,
        json!({"location": "Room 9"}),
    )
    .await;
    app.patch(
        &format!("/api/v1/meetings/{m}"),
        &a.mentee,
        json!({"status": "cancelled"}),
    )
    .await;
    // Both got each change by e-mail, the calendar file attached, one UID throughout.
    let mails = app.emails();
    for (subject, sequence, status) in [
        ("Meeting scheduled", "0", "CONFIRMED"),
        ("Meeting changed", "1", "CONFIRMED"),
        ("Meeting cancelled", "2", "CANCELLED"),
    ] {
        let sent: Vec<&String> = mails.iter().filter(|e| e.contains(subject)).collect();
        assert_eq!(sent.len(), 2, "{subject} to both participants");
        for mail in sent {
            let parsed = events(&attached_calendar(mail));
            assert_eq!(parsed[0].0, uid);
            assert_eq!(
                (parsed[0].1.as_str(), parsed[0].2.as_str()),
                (sequence, status),
                "{subject}"
            );
        }
    }
    let (_, _, text) = ics(&app, &invite, Some(&a.mentee)).await;
    let after = events(&text);
    assert_eq!(after[0].0, uid, "one UID for the meeting's life");
    assert_eq!(after[0].1, "2");
    assert_eq!(after[0].2, "CANCELLED");
    for (token, status) in [
        (Some(a.coord.as_str()), StatusCode::FORBIDDEN),
        (Some(a.stranger.as_str()), StatusCode::NOT_FOUND),
        (None, StatusCode::UNAUTHORIZED),
    ] {
        assert_eq!(ics(&app, &invite, token).await.0, status);
    }
    // The personal feed lists every meeting of the person, and a new secret retires the old URL.
    let other = meeting(&app, &a, 5).await;
    let (s, cal) = app.get("/api/v1/me/calendar", &a.mentee).await;
    assert_eq!(s, StatusCode::OK);
    let url = cal["url"].as_str().unwrap();
    assert!(
        url.starts_with("http://127.0.0.1:8080/calendar/") && url.ends_with(".ics"),
        "{url}"
    );
    let path = url.trim_start_matches("http://127.0.0.1:8080");
    let (s, kind, text) = ics(&app, path, None).await;
    assert_eq!(s, StatusCode::OK);
    assert!(kind.starts_with("text/calendar"));
    let uids: Vec<String> = events(&text).into_iter().map(|e| e.0).collect();
    assert_eq!(uids.len(), 2);
    assert!(uids.iter().any(|u| u.contains(&other)));
    let (_, mentor_cal) = app.get("/api/v1/me/calendar", &a.mentor).await;
    assert_ne!(
        mentor_cal["url"], cal["url"],
        "each person has their own feed"
    );
    let (s, rotated) = app
        .post("/api/v1/me/calendar/rotate", &a.mentee, json!({}))
        .await;
    assert_eq!(s, StatusCode::OK);
    assert_ne!(rotated["url"], cal["url"]);
    assert_eq!(
        ics(&app, path, None).await.0,
        StatusCode::NOT_FOUND,
        "the old URL is revoked"
    );
    let new_path = rotated["url"]
        .as_str()
        .unwrap()
        .trim_start_matches("http://127.0.0.1:8080")
        .to_string();
    assert_eq!(ics(&app, &new_path, None).await.0, StatusCode::OK);
    assert_eq!(
        ics(&app, "/calendar/not-a-token.ics", None).await.0,
        StatusCode::NOT_FOUND
    );
}

/// The next date (after today) that falls on the given ISO weekday (1 = Monday).
fn next_weekday(weekday: u32) -> chrono::NaiveDate {
    use chrono::Datelike;
    let mut d = Utc::now().date_naive() + Duration::days(2);
    while d.weekday().number_from_monday() != weekday {
        d += Duration::days(1);
    }
    d
}

async fn publish_hours(app: &TestApp, mentor: &str) {
    let (s, h) = app
        .put(
            "/api/v1/me/availability",
            mentor,
            json!({"timezone": "Europe/Berlin", "slot_minutes": 30, "location": "Video call",
                   "windows": [{"weekday": 3, "start": "09:00", "end": "10:00"}]}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{h}");
}

async fn office_hours_offer_free_slots_and_a_booking_takes_one(app: TestApp) {
    let a = active(&app).await;
    let (_, none) = app.get("/api/v1/me/availability", &a.mentor).await;
    assert_eq!(none["windows"], json!([]));
    for bad in [
        json!({"timezone": "Mars/Olympus", "windows": []}),
        json!({"slot_minutes": 5, "windows": []}),
        json!({"windows": [{"weekday": 8, "start": "09:00", "end": "10:00"}]}),
        json!({"windows": [{"weekday": 1, "start": "11:00", "end": "10:00"}]}),
    ] {
        assert_eq!(
            app.put("/api/v1/me/availability", &a.mentor, bad).await.0,
            StatusCode::UNPROCESSABLE_ENTITY
        );
    }
    publish_hours(&app, &a.mentor).await;
    let wednesday = next_weekday(3);
    let slots = format!("/api/v1/mentorships/{}/slots?from={wednesday}&days=1", a.id);
    let (s, free) = app.get(&slots, &a.mentee).await;
    assert_eq!(s, StatusCode::OK, "{free}");
    let starts: Vec<String> = free["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["starts_at"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(starts.len(), 2, "{free}");
    let (s, booked) = app
        .post(
            &format!("/api/v1/mentorships/{}/bookings", a.id),
            &a.mentee,
            json!({"starts_at": starts[0]}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{booked}");
    assert_eq!(booked["status"], "scheduled");
    assert_eq!(booked["duration_minutes"], 30);
    assert_eq!(booked["location"], "Video call");
    assert_eq!(booked["booked"], true);
    let (_, free) = app.get(&slots, &a.mentor).await;
    assert_eq!(
        free["items"].as_array().unwrap().len(),
        1,
        "the booked slot is no longer free"
    );
    let book = format!("/api/v1/mentorships/{}/bookings", a.id);
    assert_eq!(
        app.post(&book, &a.mentee, json!({"starts_at": starts[0]}))
            .await
            .0,
        StatusCode::CONFLICT
    );
    let off_hours = format!("{wednesday}T15:00:00Z");
    assert_eq!(
        app.post(&book, &a.mentee, json!({"starts_at": off_hours}))
            .await
            .0,
        StatusCode::CONFLICT
    );
    assert_eq!(
        app.post(&book, &a.mentee, json!({"starts_at": "soon"}))
            .await
            .0,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    assert_eq!(
        app.get(
            &format!("/api/v1/mentorships/{}/slots?days=0", a.id),
            &a.mentee
        )
        .await
        .0,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    assert_eq!(
        app.get(
            &format!("/api/v1/mentorships/{}/slots?from=tomorrow", a.id),
            &a.mentee
        )
        .await
        .0,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    for (token, status) in [
        (&a.coord, StatusCode::FORBIDDEN),
        (&a.stranger, StatusCode::NOT_FOUND),
    ] {
        assert_eq!(app.get(&slots, token).await.0, status);
        assert_eq!(
            app.post(&book, token, json!({"starts_at": starts[1]}))
                .await
                .0,
            status
        );
    }
    let (_, cal) = app.get("/api/v1/me/calendar", &a.mentor).await;
    let path = cal["url"]
        .as_str()
        .unwrap()
        .trim_start_matches("http://127.0.0.1:8080")
        .to_string();
    assert_eq!(
        events(&ics(&app, &path, None).await.2).len(),
        1,
        "the booking is in the mentor's calendar"
    );
}

/// One property of the only event of a calendar file.
fn property(ics: &str, name: &str) -> Option<String> {
    let mut parser = ical::IcalParser::new(std::io::BufReader::new(ics.as_bytes()));
    let calendar = parser.next()?.ok()?;
    calendar.events[0]
        .properties
        .iter()
        .find(|p| p.name == name)
        .and_then(|p| p.value.clone())
}

async fn a_booking_brings_its_agenda_and_meeting_link_into_the_invite(app: TestApp) {
    let a = active(&app).await;
    publish_hours(&app, &a.mentor).await;
    let wednesday = next_weekday(3);
    let slots = format!("/api/v1/mentorships/{}/slots?from={wednesday}&days=1", a.id);
    let (_, free) = app.get(&slots, &a.mentee).await;
    let starts: Vec<String> = free["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["starts_at"].as_str().unwrap().to_string())
        .collect();
    let book = format!("/api/v1/mentorships/{}/bookings", a.id);
    for (bad, field) in [
        (
            json!({"starts_at": starts[0], "agenda": vec!["x"; 31]}),
            "agenda",
        ),
        (
            json!({"starts_at": starts[0], "location": "x".repeat(301)}),
            "location",
        ),
    ] {
        let (s, v) = app.post(&book, &a.mentee, bad).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
        assert!(v["error"]["fields"][field].is_string(), "{v}");
    }
    let link = "https://meet.example.org/pair-a";
    let (s, booked) = app
        .post(
            &book,
            &a.mentee,
            json!({"starts_at": starts[0], "agenda": ["Career plan", " ", "Code review"], "location": link}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{booked}");
    assert_eq!(booked["location"], link);
    assert_eq!(booked["agenda"], json!(["Career plan", "Code review"]));
    let id = booked["id"].as_str().unwrap();
    let (s, _, file) = ics(
        &app,
        &format!("/api/v1/meetings/{id}/invite.ics"),
        Some(&a.mentee),
    )
    .await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(property(&file, "UID").unwrap(), format!("{id}@tandem"));
    assert_eq!(property(&file, "LOCATION").as_deref(), Some(link));
    assert_eq!(property(&file, "URL").as_deref(), Some(link), "{file}");
    let mail = app
        .emails()
        .into_iter()
        .find(|m| {
            m.contains("text/calendar") && attached_calendar(m).contains(&format!("{id}@tandem"))
        })
        .expect("the invitation e-mail");
    let attached = attached_calendar(&mail);
    assert_eq!(property(&attached, "LOCATION").as_deref(), Some(link));
    assert_eq!(property(&attached, "URL").as_deref(), Some(link));

    // A place that is no link: the invite names it and links to the pair's page.
    let (s, room) = app
        .post(
            &book,
            &a.mentee,
            json!({"starts_at": starts[1], "location": "Room 4.12"}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{room}");
    let (_, _, file) = ics(
        &app,
        &format!(
            "/api/v1/meetings/{}/invite.ics",
            room["id"].as_str().unwrap()
        ),
        Some(&a.mentor),
    )
    .await;
    assert_eq!(property(&file, "LOCATION").as_deref(), Some("Room 4.12"));
    assert!(property(&file, "URL")
        .unwrap()
        .ends_with(&format!("/mentorships/{}", a.id)));
}

async fn two_bookings_of_one_slot_at_once_leave_one_meeting(app: TestApp) {
    let (_, admin) = app.person("Admin").await;
    let (mentor_id, mentor) = app.person("Mentor").await;
    let program = app
        .program(&admin, "traditional", json!({"mentor_capacity": 2}))
        .await;
    app.enroll(&program, &mentor, "mentor").await;
    let mut pairs = Vec::new();
    for name in ["Ana", "Ben"] {
        let (_, mentee) = app.person(name).await;
        app.enroll(&program, &mentee, "mentee").await;
        let id = app.request(&program, &mentee, &mentor_id).await;
        app.post(
            &format!("/api/v1/mentorships/{id}/accept"),
            &mentor,
            json!({}),
        )
        .await;
        pairs.push((id, mentee));
    }
    publish_hours(&app, &mentor).await;
    let wednesday = next_weekday(3);
    let (_, free) = app
        .get(
            &format!(
                "/api/v1/mentorships/{}/slots?from={wednesday}&days=1",
                pairs[0].0
            ),
            &pairs[0].1,
        )
        .await;
    let slot = free["items"][0]["starts_at"].clone();
    let paths: Vec<String> = pairs
        .iter()
        .map(|(id, _)| format!("/api/v1/mentorships/{id}/bookings"))
        .collect();
    for _ in 0..5 {
        let body = json!({"starts_at": slot});
        let (x, y) = tokio::join!(
            app.post(&paths[0], &pairs[0].1, body.clone()),
            app.post(&paths[1], &pairs[1].1, body.clone())
        );
        let answers = [x.0, y.0];
        let won = answers
            .iter()
            .filter(|s| **s == StatusCode::CREATED)
            .count();
        let lost = answers
            .iter()
            .filter(|s| **s == StatusCode::CONFLICT)
            .count();
        // The first round books the slot once; later rounds find it taken.
        assert!(won <= 1 && won + lost == 2, "{answers:?}");
    }
    let mut held = 0;
    for (id, mentee) in &pairs {
        let (_, list) = app
            .get(&format!("/api/v1/mentorships/{id}/meetings"), mentee)
            .await;
        held += list["items"].as_array().unwrap().len();
    }
    assert_eq!(held, 1, "one slot, one meeting");
}

async fn kudos_messages_and_introductions(app: TestApp) {
    let a = active(&app).await;
    let messages = format!("/api/v1/mentorships/{}/messages", a.id);
    for (i, token) in [&a.mentee, &a.mentor, &a.mentee].iter().enumerate() {
        let (s, m) = app
            .post(&messages, token, json!({"body": format!("message {i}")}))
            .await;
        assert_eq!(s, StatusCode::CREATED, "{m}");
    }
    assert_eq!(
        app.post(&messages, &a.mentee, json!({"body": " "})).await.0,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    let (_, page) = app.get(&format!("{messages}?limit=2"), &a.mentor).await;
    let bodies: Vec<&str> = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["body"].as_str().unwrap())
        .collect();
    assert_eq!(bodies, ["message 0", "message 1"], "oldest first");
    let cursor = page["next_cursor"].as_str().unwrap();
    let (_, rest) = app
        .get(&format!("{messages}?limit=2&cursor={cursor}"), &a.mentor)
        .await;
    assert_eq!(rest["items"][0]["body"], "message 2");
    assert!(rest["next_cursor"].is_null());
    let kudos = format!("/api/v1/mentorships/{}/kudos", a.id);
    let (s, k) = app
        .post(
            &kudos,
            &a.mentee,
            json!({"message": "Thank you for the review tips!"}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{k}");
    assert_eq!(k["author"]["name"], "Mentee");
    app.post(&kudos, &a.mentor, json!({"message": "Proud of your talk"}))
        .await;
    let (_, list) = app.get(&kudos, &a.mentee).await;
    assert_eq!(
        list["items"][0]["message"], "Proud of your talk",
        "newest first"
    );
    let mail = app.emails();
    assert!(mail
        .iter()
        .any(|e| e.contains("mentor@example.org") && e.contains("Thank you for the review tips!")));
    let intro = format!("/api/v1/mentorships/{}/introductions", a.id);
    let body = json!({"contact_name": "Grace Contact", "contact_email": "grace@example.net", "note": "She runs the platform team you asked about."});
    let (s, _) = app.post(&intro, &a.mentee, body.clone()).await;
    assert_eq!(s, StatusCode::FORBIDDEN, "only the mentor introduces");
    let (s, e) = app
        .post(
            &intro,
            &a.mentor,
            json!({"contact_name": "Grace", "contact_email": "not-an-address"}),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
    let (s, i) = app.post(&intro, &a.mentor, body).await;
    assert_eq!(s, StatusCode::CREATED, "{i}");
    let mail = app.emails();
    let to_contact = mail
        .iter()
        .find(|e| {
            e.contains("To: \"Grace Contact\" <grace@example.net>")
                || e.contains("To: Grace Contact <grace@example.net>")
        })
        .expect("an e-mail to the contact");
    assert!(
        to_contact.contains("Mentor")
            && to_contact.contains("Mentee")
            && to_contact.contains("platform team")
    );
    let to_mentee = mail
        .iter()
        .find(|e| e.contains("mentee@example.org") && e.contains("introduces you to Grace Contact"))
        .expect("an e-mail to the mentee");
    assert!(to_mentee.contains("grace@example.net") && to_mentee.contains("platform team"));
    let (_, list) = app.get(&intro, &a.mentee).await;
    assert_eq!(list["items"].as_array().unwrap().len(), 1);
    for (token, status) in [
        (&a.coord, StatusCode::FORBIDDEN),
        (&a.admin, StatusCode::FORBIDDEN),
        (&a.stranger, StatusCode::NOT_FOUND),
    ] {
        for path in [&messages, &kudos, &intro] {
            assert_eq!(app.get(path, token).await.0, status, "{path}");
        }
        assert_eq!(
            app.post(&messages, token, json!({"body": "hi"})).await.0,
            status
        );
        assert_eq!(
            app.post(&kudos, token, json!({"message": "hi"})).await.0,
            status
        );
    }
}

async fn progress_and_timeline_tell_how_it_goes(app: TestApp) {
    let a = active(&app).await;
    let progress = format!("/api/v1/mentorships/{}/progress", a.id);
    let (s, p) = app.get(&progress, &a.mentor).await;
    assert_eq!(s, StatusCode::OK, "{p}");
    assert_eq!(p["health"], "on_track");
    assert_eq!(p["meetings_held"], 0);
    assert_eq!(p["next_meeting_due_on"], day(14));
    assert!(p["average_rating"].is_null());
    let agreement = format!("/api/v1/mentorships/{}/agreement", a.id);
    app.put(
        &agreement,
        &a.mentee,
        json!({"goals": "Grow as a reviewer", "cadence_days": 7}),
    )
    .await;
    app.post(&format!("{agreement}/sign"), &a.mentee, json!({}))
        .await;
    app.post(&format!("{agreement}/sign"), &a.mentor, json!({}))
        .await;
    let m = held_meeting(&app, &a).await;
    app.post(
        &format!("/api/v1/mentorships/{}/kudos", a.id),
        &a.mentor,
        json!({"message": "Well done"}),
    )
    .await;
    let (_, p) = app.get(&progress, &a.mentee).await;
    assert_eq!(p["meetings_held"], 1);
    assert_eq!(p["cadence_days"], 7);
    assert_eq!(
        p["next_meeting_due_on"],
        day(5),
        "a cadence after the meeting held"
    );
    for (token, status) in [
        (&a.coord, StatusCode::OK),
        (&a.admin, StatusCode::OK),
        (&a.stranger, StatusCode::NOT_FOUND),
    ] {
        assert_eq!(app.get(&progress, token).await.0, status);
    }
    let timeline = format!("/api/v1/mentorships/{}/timeline", a.id);
    let (s, t) = app.get(&timeline, &a.mentee).await;
    assert_eq!(s, StatusCode::OK, "{t}");
    let kinds: Vec<&str> = t["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap())
        .collect();
    assert_eq!(
        kinds,
        ["kudos", "agreement_signed", "started", "meeting_held"],
        "newest first: {t}"
    );
    let ats: Vec<&str> = t["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["at"].as_str().unwrap())
        .collect();
    assert!(ats.windows(2).all(|w| w[0] >= w[1]));
    for (token, status) in [
        (&a.coord, StatusCode::FORBIDDEN),
        (&a.stranger, StatusCode::NOT_FOUND),
    ] {
        assert_eq!(app.get(&timeline, token).await.0, status);
    }
    let _ = m;
    // Quiet since the start for 1.5 cadences puts it at risk; three cadences stall it.
    app.state.clock.advance(Duration::days(11));
    let (_, p) = app.get(&progress, &a.mentee).await;
    assert_eq!(p["health"], "at_risk", "{p}");
    app.state.clock.advance(Duration::days(11));
    let (_, p) = app.get(&progress, &a.mentee).await;
    assert_eq!(p["health"], "stalled", "{p}");
    assert_eq!(p["reasons"][0], "no_meeting_for_3x_cadence");
}

async fn erasure_removes_what_the_person_wrote_and_keeps_the_rest(app: TestApp) {
    let a = active(&app).await;
    let m = held_meeting(&app, &a).await;
    let id = &a.id;
    app.post(
        &format!("/api/v1/mentorships/{id}/messages"),
        &a.mentee,
        json!({"body": "mentee says hi"}),
    )
    .await;
    app.post(
        &format!("/api/v1/mentorships/{id}/messages"),
        &a.mentor,
        json!({"body": "mentor says hi"}),
    )
    .await;
    app.post(
        &format!("/api/v1/mentorships/{id}/kudos"),
        &a.mentee,
        json!({"message": "mentee thanks"}),
    )
    .await;
    app.post(
        &format!("/api/v1/meetings/{m}/feedback"),
        &a.mentee,
        json!({"rating": 5, "went_well": "mentee feedback"}),
    )
    .await;
    app.post(
        &format!("/api/v1/meetings/{m}/feedback"),
        &a.mentor,
        json!({"rating": 4, "went_well": "mentor feedback"}),
    )
    .await;
    app.put(
        &format!("/api/v1/meetings/{m}/private-note"),
        &a.mentee,
        json!({"body": "mentee private"}),
    )
    .await;
    app.post(
        &format!("/api/v1/mentorships/{id}/goals"),
        &a.mentee,
        json!({"title": "mentee goal"}),
    )
    .await;
    let (s, _) = app
        .call(
            Method::DELETE,
            "/api/v1/me",
            Some(&a.mentee),
            Some(json!({"password": "correct horse battery"})),
        )
        .await;
    assert_eq!(s, StatusCode::NO_CONTENT);
    assert_eq!(
        app.get("/api/v1/me", &a.mentee).await.0,
        StatusCode::UNAUTHORIZED,
        "sessions end"
    );
    let (_, export) = app.get("/api/v1/me/export", &a.mentor).await;
    let text = export.to_string();
    for gone in [
        "mentee says hi",
        "mentee thanks",
        "mentee feedback",
        "mentee private",
    ] {
        assert!(!text.contains(gone), "{gone} survived the erasure");
    }
    assert!(!text.contains("mentee goal"), "the goal they set goes too");
    for kept in ["mentor says hi", "mentor feedback"] {
        assert!(text.contains(kept), "{kept} was lost");
    }
    let (_, r) = app
        .get(&format!("/api/v1/mentorships/{id}"), &a.mentor)
        .await;
    assert_eq!(
        (r["status"].as_str(), r["end_reason"].as_str()),
        (Some("ended"), Some("account_erased"))
    );
    // Nor does the e-mail queue keep a copy of what they wrote.
    use sea_orm::EntityTrait;
    let queued = tandem::store::entities::email::Entity::find()
        .all(app.state.store.read())
        .await
        .unwrap();
    assert!(
        queued.iter().all(|e| !e.body.contains("mentee thanks")),
        "the kudos text survives in the queue"
    );
    let (_, messages) = app
        .get(&format!("/api/v1/mentorships/{id}/messages"), &a.mentor)
        .await;
    assert_eq!(messages["items"].as_array().unwrap().len(), 1);
}
