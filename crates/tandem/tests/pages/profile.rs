//! The profile page: the profile and the career plan as one form, the time-zone
//! picker, and words that fit their numbers.
use super::*;

/// The profile page's whole form, as the browser sends it.
fn whole_form<'a>(timezone: &'a str, strengths: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("field", "Software engineering"),
        ("headline", "Backend engineer"),
        ("languages", "English"),
        ("timezone", timezone),
        ("years_experience", "4"),
        ("with_plan", "1"),
        ("strengths", strengths),
        ("short_term_goals", "Ship the billing service\nGive a talk"),
    ]
}

#[tokio::test]
async fn a_plan_typed_beside_the_profile_is_saved_by_the_profile_button() {
    let (router, _dir) = app().await;
    let mut ada = Browser::new(&router);
    ada.sign_up("Ada Lovelace", "ada@example.org").await;

    let page = ada.get("/profile").await;
    assert_eq!(
        page.body.matches("<form").count() - page.body.matches(r#"id="signout-form""#).count(),
        3,
        "profile and plan are one form, beside away and e-mails"
    );
    let saved = ada
        .post("/profile", &whole_form("Europe/Berlin", "Listening"))
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);

    let page = ada.get("/profile").await;
    assert!(page
        .body
        .contains("Your profile and career plan are saved."));
    assert!(
        page.body.contains(">Listening</textarea>"),
        "the plan is kept"
    );
    assert!(page
        .body
        .contains("Ship the billing service\nGive a talk</textarea>"));
    assert!(page.body.contains(r#"value="Backend engineer""#));

    // A profile posted alone (an older page, a script) leaves the plan alone.
    let alone = ada
        .post("/profile", &[("field", "Data"), ("languages", "English")])
        .await;
    assert_eq!(alone.status, StatusCode::SEE_OTHER, "{}", alone.body);
    assert!(ada
        .get("/profile")
        .await
        .body
        .contains(">Listening</textarea>"));

    // The plan's own address still works.
    let plan = ada
        .post("/profile/plan", &[("strengths", "Patience")])
        .await;
    assert_eq!(plan.status, StatusCode::SEE_OTHER);
    assert!(ada
        .get("/profile")
        .await
        .body
        .contains(">Patience</textarea>"));
}

#[tokio::test]
async fn a_refused_profile_shows_everything_typed_in_both_parts_and_saves_nothing() {
    let (router, _dir) = app().await;
    let mut ada = Browser::new(&router);
    ada.sign_up("Ada Lovelace", "ada@example.org").await;

    let mut form = whole_form("Berlin", "Listening");
    form.push(("hours_per_month", "lots"));
    let refused = ada.post("/profile", &form).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.body.contains(r#"id="timezone-error""#));
    assert!(
        refused.body.contains("for Berlin, write Europe/Berlin"),
        "the message names the zone to pick"
    );
    assert!(refused.body.contains(r#"id="hours_per_month-error""#));
    assert!(refused.body.contains(r#"value="Backend engineer""#));
    assert!(refused.body.contains(">Listening</textarea>"));
    assert!(refused
        .body
        .contains("Ship the billing service\nGive a talk</textarea>"));

    let page = ada.get("/profile").await;
    assert!(!page.body.contains("Listening") && !page.body.contains("Backend engineer"));
}

/// The `<select>` of the time zone, from its tag to its end.
fn zone_select(body: &str) -> &str {
    let from = body
        .find(r#"<select id="timezone""#)
        .expect("a time-zone select");
    let to = body[from..].find("</select>").expect("its end");
    &body[from..from + to]
}

#[tokio::test]
async fn the_time_zone_is_picked_from_zones_grouped_by_region_with_the_saved_one_chosen() {
    let (router, _dir) = app().await;
    let mut ada = Browser::new(&router);
    ada.sign_up("Ada Lovelace", "ada@example.org").await;

    let empty = ada.get("/profile").await;
    let select = zone_select(&empty.body);
    assert!(select.contains(r#"<optgroup label="Europe">"#));
    assert!(select.contains(r#"<optgroup label="America">"#));
    assert!(select.contains(r#"<option value="America/New_York">New York</option>"#));
    assert!(
        !select.contains(" selected"),
        "nothing saved, nothing chosen"
    );
    assert!(
        select.contains("data-guess-zone")
            && empty
                .body
                .contains(r#"<script src="/static/timezone.js" defer></script>"#),
        "with nothing saved, the script may choose the browser's zone"
    );
    assert!(empty
        .body
        .contains(r#"<label for="timezone">Time zone</label>"#));

    let script = ada.get("/static/timezone.js").await;
    assert_eq!(script.status, StatusCode::OK);
    assert!(script.headers[header::CONTENT_TYPE]
        .to_str()
        .unwrap()
        .starts_with("text/javascript"));
    assert!(script.body.contains("resolvedOptions().timeZone"));

    let saved = ada.post("/profile", &whole_form("Europe/Berlin", "")).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    let page = ada.get("/profile").await;
    let select = zone_select(&page.body);
    assert!(select.contains(r#"<option value="Europe/Berlin" selected>Berlin</option>"#));
    assert_eq!(select.matches(" selected").count(), 1);
    assert!(
        !select.contains("data-guess-zone"),
        "a saved zone is left as it is"
    );
}
