//! Finding a mentor (SPEC §7): text, skill and field match the start of any
//! word in any case; language, seniority and room left narrow the list; and the
//! words follow every change of a profile, an import and an erasure.
use crate::common::TestApp;
use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode};
use serde_json::{json, Value};

crate::on_both_databases!(
    text_skill_and_field_match_the_start_of_any_word_in_any_case,
    language_seniority_and_room_left_narrow_the_list,
    a_seniority_or_room_that_is_not_one_answers_422_naming_it,
    the_words_follow_a_profile_change_an_import_and_an_erasure,
    mentors_are_listed_by_name_whatever_its_case_or_accents_page_after_page,
);

/// The names of a directory page, in order.
fn names(v: &Value) -> Vec<String> {
    v["items"]
        .as_array()
        .unwrap_or_else(|| panic!("a list: {v}"))
        .iter()
        .map(|m| m["name"].as_str().unwrap().to_string())
        .collect()
}

/// A program, its mentors (name → profile) and a mentee; returns (program,
/// admin, mentee, mentors' (id, token)).
async fn directory(
    app: &TestApp,
    mentors: &[(&str, Value)],
) -> (String, String, String, Vec<(String, String)>) {
    let (_, admin) = app.person("Admin").await;
    let (_, mentee) = app.person("Mentee Mia").await;
    let program = app
        .program(&admin, "traditional", json!({"mentor_capacity": 1}))
        .await;
    let mut people = Vec::new();
    for (name, profile) in mentors {
        let (id, token) = app.person(name).await;
        let (s, p) = app.put("/api/v1/me/profile", &token, profile.clone()).await;
        assert_eq!(s, StatusCode::OK, "{p}");
        app.enroll(&program, &token, "mentor").await;
        people.push((id, token));
    }
    app.enroll(&program, &mentee, "mentee").await;
    (program, admin, mentee, people)
}

async fn found(app: &TestApp, program: &str, token: &str, query: &str) -> Vec<String> {
    let (s, v) = app
        .get(
            &format!("/api/v1/programs/{program}/mentors?{query}"),
            token,
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{query}: {v}");
    names(&v)
}

async fn text_skill_and_field_match_the_start_of_any_word_in_any_case(app: TestApp) {
    let (program, _, mentee, _) = directory(
        &app,
        &[
            (
                "Rita Rust",
                json!({"field": "Software Engineering", "skills": ["Leadership", "Rust"],
                       "headline": "Builds compilers"}),
            ),
            (
                "Wanda Ware",
                json!({"field": "Design", "skills": ["Figma"], "bio": "Twenty years of print."}),
            ),
            (
                "Émile Ébène",
                json!({"field": "Économie", "skills": ["Public speaking"],
                       "known_for": "Straße-level research"}),
            ),
        ],
    )
    .await;
    let rita = vec!["Rita Rust".to_string()];
    for query in [
        "q=soft",
        "q=SOFT",
        "q=Soft%20eng",
        "q=compil",
        "skill=lead",
        "skill=LEAD",
        "skill=lea",
        "field=eng",
        "field=soft",
        "field=Software%20Engineering",
        "q=rit",
    ] {
        assert_eq!(found(&app, &program, &mentee, query).await, rita, "{query}");
    }
    // The middle or the end of a word is not its start.
    assert_eq!(
        found(&app, &program, &mentee, "q=ware").await,
        vec!["Wanda Ware"],
        "ware starts Wanda's name, not a word of Software"
    );
    for query in [
        "field=ware",
        "skill=ership",
        "q=neering",
        "field=lead",
        "skill=eng",
    ] {
        assert!(
            found(&app, &program, &mentee, query).await.is_empty(),
            "{query}"
        );
    }
    // Every word of a query must start some word.
    assert!(found(&app, &program, &mentee, "q=soft%20figma")
        .await
        .is_empty());
    // Letters beyond ASCII are lower-cased as Unicode does.
    for query in [
        "q=%C3%A9co",
        "q=%C3%89CO",
        "field=%C3%A9conomie",
        "q=STRASSE",
        "q=stra%C3%9Fe",
    ] {
        let got = found(&app, &program, &mentee, query).await;
        if query == "q=STRASSE" {
            // ß lower-cases to itself, not to "ss": no match, and no error.
            assert!(got.is_empty(), "{query}: {got:?}");
        } else {
            assert_eq!(got, vec!["Émile Ébène"], "{query}");
        }
    }
    assert_eq!(
        found(&app, &program, &mentee, "skill=public%20spea").await,
        vec!["Émile Ébène"]
    );
    // Punctuation alone filters nothing.
    assert_eq!(found(&app, &program, &mentee, "q=%2C%2C").await.len(), 3);
}

async fn language_seniority_and_room_left_narrow_the_list(app: TestApp) {
    let (program, admin, mentee, people) = directory(
        &app,
        &[
            (
                "Ana Alves",
                json!({"languages": ["English", "Brazilian Portuguese"], "seniority": "senior"}),
            ),
            (
                "Ben Brandt",
                json!({"languages": ["German", "English"], "seniority": "lead"}),
            ),
        ],
    )
    .await;
    // Cy mentors with a capacity of his own.
    let (cy_id, cy) = app.person("Cy Chen").await;
    app.put(
        "/api/v1/me/profile",
        &cy,
        json!({"languages": ["Mandarin"]}),
    )
    .await;
    let (s, e) = app
        .post(
            &format!("/api/v1/programs/{program}/enrollments"),
            &admin,
            json!({"role": "mentor", "capacity": 2, "person_id": cy_id}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{e}");
    assert_eq!(
        found(&app, &program, &mentee, "language=english").await,
        vec!["Ana Alves", "Ben Brandt"]
    );
    assert_eq!(
        found(&app, &program, &mentee, "language=%20GERMAN%20").await,
        vec!["Ben Brandt"]
    );
    assert_eq!(
        found(&app, &program, &mentee, "language=brazilian%20portuguese").await,
        vec!["Ana Alves"]
    );
    // A language is one of the mentor's, whole.
    assert!(found(&app, &program, &mentee, "language=portuguese")
        .await
        .is_empty());
    assert!(found(&app, &program, &mentee, "language=eng")
        .await
        .is_empty());
    assert_eq!(
        found(&app, &program, &mentee, "seniority=lead").await,
        vec!["Ben Brandt"]
    );
    assert_eq!(
        found(&app, &program, &mentee, "seniority=senior&language=english").await,
        vec!["Ana Alves"]
    );
    assert!(found(&app, &program, &mentee, "seniority=executive")
        .await
        .is_empty());

    // Ana's one place (the program's capacity) is taken by a proposal; Ben is
    // only asked (a request takes no place); Cy set a capacity of two of his own
    // and holds one.
    let (ana_id, ben_id, cy_id) = (&people[0].0, &people[1].0, &cy_id);
    let mut mentees = Vec::new();
    for name in ["Dee Dobbs", "Eve Eng", "Fay Fox"] {
        let (id, token) = app.person(name).await;
        // A shared language: the pairs below pass the hard rules.
        app.put(
            "/api/v1/me/profile",
            &token,
            json!({"languages": ["English", "Mandarin"]}),
        )
        .await;
        app.enroll(&program, &token, "mentee").await;
        mentees.push((id, token));
    }
    for (mentor, mentee) in [(ana_id, &mentees[0].0), (cy_id, &mentees[2].0)] {
        let (s, m) = app
            .post(
                &format!("/api/v1/programs/{program}/pairs"),
                &admin,
                json!({"mentor_id": mentor, "mentee_id": mentee}),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "{m}");
    }
    app.request(&program, &mentees[1].1, ben_id).await;
    let with_room = found(&app, &program, &mentee, "has_room=true").await;
    assert!(
        !with_room.contains(&"Ana Alves".to_string()),
        "{with_room:?}"
    );
    assert!(
        with_room.contains(&"Ben Brandt".to_string()),
        "{with_room:?}"
    );
    assert!(with_room.contains(&"Cy Chen".to_string()), "{with_room:?}");
    assert_eq!(
        found(&app, &program, &mentee, "has_room=false").await,
        vec!["Ana Alves", "Ben Brandt", "Cy Chen"]
    );
    let (_, all) = app
        .get(&format!("/api/v1/programs/{program}/mentors"), &mentee)
        .await;
    let ana = all["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["id"] == json!(ana_id))
        .unwrap();
    assert_eq!(ana["open_slots"], 0, "{ana}");
    assert_eq!(
        found(
            &app,
            &program,
            &mentee,
            "has_room=true&language=english&seniority=lead"
        )
        .await,
        vec!["Ben Brandt"]
    );
    // Paging keeps the filters.
    let (s, first) = app
        .get(
            &format!("/api/v1/programs/{program}/mentors?has_room=true&limit=1"),
            &mentee,
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{first}");
    assert_eq!(names(&first), vec!["Ben Brandt"]);
    let cursor = first["next_cursor"].as_str().expect("a second page");
    let (_, second) = app
        .get(
            &format!("/api/v1/programs/{program}/mentors?has_room=true&limit=1&cursor={cursor}"),
            &mentee,
        )
        .await;
    assert_eq!(names(&second), vec!["Cy Chen"]);
    assert!(second["next_cursor"].is_null(), "{second}");
}

async fn a_seniority_or_room_that_is_not_one_answers_422_naming_it(app: TestApp) {
    let (program, _, mentee, _) =
        directory(&app, &[("Ana Alves", json!({"seniority": "senior"}))]).await;
    for (query, field) in [
        ("seniority=boss", "seniority"),
        ("seniority=Senior", "seniority"),
        ("has_room=yes", "has_room"),
    ] {
        let (s, e) = app
            .get(
                &format!("/api/v1/programs/{program}/mentors?{query}"),
                &mentee,
            )
            .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{query}: {e}");
        assert!(e["error"]["fields"][field].is_string(), "{query}: {e}");
    }
    // Blank is no filter.
    assert_eq!(
        found(&app, &program, &mentee, "seniority=&has_room=&language=").await,
        vec!["Ana Alves"]
    );
    // Who may not browse still hears so first.
    let (_, outsider) = app.person("Outsider").await;
    let (s, _) = app
        .get(
            &format!("/api/v1/programs/{program}/mentors?seniority=boss"),
            &outsider,
        )
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
}

async fn the_words_follow_a_profile_change_an_import_and_an_erasure(app: TestApp) {
    let (program, admin, mentee, people) = directory(
        &app,
        &[(
            "Rita Rust",
            json!({"field": "Software Engineering", "skills": ["Leadership"], "languages": ["English"]}),
        )],
    )
    .await;
    let rita = &people[0].1;
    assert_eq!(
        found(&app, &program, &mentee, "field=soft").await,
        vec!["Rita Rust"]
    );
    let (s, p) = app
        .put(
            "/api/v1/me/profile",
            rita,
            json!({"field": "Data Science", "skills": ["Statistics"], "languages": ["French"]}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{p}");
    for gone in ["field=soft", "q=soft", "skill=lead", "language=english"] {
        assert!(
            found(&app, &program, &mentee, gone).await.is_empty(),
            "{gone}"
        );
    }
    for now in [
        "field=data",
        "q=sci",
        "skill=stat",
        "language=french",
        "q=rita",
    ] {
        assert_eq!(
            found(&app, &program, &mentee, now).await,
            vec!["Rita Rust"],
            "{now}"
        );
    }

    // An import's new people are found at once, and a re-import's changes too.
    let header =
        "email,name,role,field,seniority,skills,wants_skills,languages,timezone,capacity\n";
    let import = |csv: String| {
        let (app, program, admin) = (&app, &program, &admin);
        async move {
            let (s, v) = app
                .send(
                    Request::builder()
                        .method(Method::POST)
                        .uri(format!("/api/v1/programs/{program}/import"))
                        .header(header::AUTHORIZATION, format!("Bearer {admin}"))
                        .header(header::CONTENT_TYPE, "text/csv")
                        .body(Body::from(csv))
                        .unwrap(),
                )
                .await;
            assert_eq!(s, StatusCode::OK, "{v}");
        }
    };
    import(format!(
        "{header}olu@example.org,Olu Okafor,mentor,Product Management,lead,Roadmapping;Hiring,,English;Yoruba,Africa/Lagos,2\n"
    ))
    .await;
    assert_eq!(
        found(
            &app,
            &program,
            &mentee,
            "skill=road&language=yoruba&seniority=lead"
        )
        .await,
        vec!["Olu Okafor"]
    );
    assert_eq!(
        found(&app, &program, &mentee, "q=okaf").await,
        vec!["Olu Okafor"]
    );
    import(format!(
        "{header}olu@example.org,Olu Okafor,mentor,Operations,lead,Logistics,,English,Africa/Lagos,2\n"
    ))
    .await;
    assert!(found(&app, &program, &mentee, "skill=road")
        .await
        .is_empty());
    assert_eq!(
        found(&app, &program, &mentee, "field=oper&skill=logis").await,
        vec!["Olu Okafor"]
    );

    // An erased account leaves no word behind.
    let (s, e) = app
        .call(
            Method::DELETE,
            "/api/v1/me",
            Some(rita),
            Some(json!({"password": "correct horse battery"})),
        )
        .await;
    assert_eq!(s, StatusCode::NO_CONTENT, "{e}");
    for query in ["q=rita", "field=data", "language=french", ""] {
        assert!(
            !found(&app, &program, &mentee, query)
                .await
                .contains(&"Rita Rust".to_string()),
            "{query}"
        );
    }
}

async fn mentors_are_listed_by_name_whatever_its_case_or_accents_page_after_page(app: TestApp) {
    let (program, _admin, mentee, _) = directory(
        &app,
        &[
            ("émile Roux", json!({"field": "Design"})),
            ("Zoe Ng", json!({"field": "Design"})),
            ("ada Park", json!({"field": "Design"})),
            ("Eric Wu", json!({"field": "Design"})),
            ("Åsa Berg", json!({"field": "Design"})),
        ],
    )
    .await;
    let mut listed = Vec::new();
    let mut cursor: Option<String> = None;
    for _ in 0..10 {
        let after = cursor
            .as_deref()
            .map(|c| format!("&cursor={c}"))
            .unwrap_or_default();
        let (s, page) = app
            .get(
                &format!("/api/v1/programs/{program}/mentors?field=design&limit=2{after}"),
                &mentee,
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{page}");
        listed.extend(names(&page));
        match page["next_cursor"].as_str() {
            Some(next) => cursor = Some(next.to_string()),
            None => break,
        }
    }
    assert_eq!(
        listed,
        ["ada Park", "Åsa Berg", "émile Roux", "Eric Wu", "Zoe Ng"]
    );
}

/// Enrolments made before the directory kept its order get their key from the
/// migration that brought it, so the old rows list in the same order as new ones.
#[tokio::test]
async fn enrolments_made_before_the_directory_order_get_their_key_from_its_migration() {
    use sea_orm::{ConnectionTrait, Database, Statement};
    use tandem_migration::{Migrator, MigratorTrait};
    let db = Database::connect("sqlite::memory:").await.unwrap();
    Migrator::up(&db, Some(14)).await.unwrap();
    let sqlite = sea_orm::DatabaseBackend::Sqlite;
    for sql in [
        "INSERT INTO users (id, email, name, password_hash, is_admin, calendar_token, \
         created_at, disabled) VALUES ('u1', 'e@example.org', ' Émile Roux', 'x', false, \
         't1', '2026-01-01T00:00:00Z', false)",
        "INSERT INTO programs (id, name, description, kind, context, starts_on, ends_on, \
         mentor_capacity, cadence_days, max_mentors_per_mentee, request_expiry_days, \
         max_timezone_gap_hours, weights, created_at) VALUES ('p1', 'P', '', 'traditional', \
         'workplace', '2026-01-01', '2026-12-31', 2, 14, 1, 14, 12, '{}', \
         '2026-01-01T00:00:00Z')",
        "INSERT INTO enrollments (id, program_id, user_id, role, capacity, wants_skills, \
         goals_summary, created_at) VALUES ('e1', 'p1', 'u1', 'mentor', NULL, '[]', '', \
         '2026-01-01T00:00:00Z')",
    ] {
        db.execute_raw(Statement::from_string(sqlite, sql))
            .await
            .unwrap_or_else(|e| panic!("{sql}: {e}"));
    }
    Migrator::up(&db, None).await.unwrap();
    let row = db
        .query_one_raw(Statement::from_string(
            sqlite,
            "SELECT sort_key FROM enrollments WHERE id = 'e1'",
        ))
        .await
        .unwrap()
        .expect("the enrolment");
    let key: String = row.try_get("", "sort_key").unwrap();
    assert_eq!(key, "emile roux");
}
