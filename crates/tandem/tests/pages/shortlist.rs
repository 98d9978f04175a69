//! The shortlist page.
use super::*;

#[tokio::test]
async fn the_shortlist_is_a_table_with_the_four_columns() {
    let (router, _dir) = app().await;
    let (_admin, _mentor, mut mentee, program) = program_with_people(&router).await;

    let empty = mentee.get("/shortlist").await;
    assert!(empty.body.contains(r#"id="shortlist-empty""#));

    let directory = mentee
        .get(&format!("/programs/{program}/mentors?skill=rust"))
        .await;
    assert!(directory.body.contains("Margaret Mentor"));
    let mentor_id = directory
        .body
        .split(r#"id="ask-"#)
        .nth(1)
        .and_then(|s| s.split('"').next())
        .expect("an ask button")
        .to_string();
    let added = mentee
        .post(
            "/shortlist",
            &[
                ("person_id", &mentor_id),
                ("connection", "Met at RustConf"),
                ("back", "/shortlist"),
            ],
        )
        .await;
    assert_eq!(added.status, StatusCode::SEE_OTHER);

    let page = mentee.get("/shortlist").await;
    assert!(page.body.contains("<table"));
    let headers: Vec<&str> = page
        .body
        .split(r#"<th scope="col">"#)
        .skip(1)
        .map(|s| s.split('<').next().unwrap())
        .collect();
    assert_eq!(
        &headers[..4],
        ["Name", "Field", "Known for", "Connection to you"]
    );
    for cell in [
        "Margaret Mentor",
        "Software engineering",
        "Apollo guidance",
        "Met at RustConf",
    ] {
        assert!(
            page.body.contains(&format!(">{cell}</td>"))
                || page.body.contains(&format!(">{cell}</a></td>")),
            "{cell}"
        );
    }
}
