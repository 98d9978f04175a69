//! `tandem match` as a user runs it: files in, pairs and one JSON line out.
use serde_json::Value;
use std::path::Path;
use std::process::{Command, Output};

fn tandem(args: &[&str], dir: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_tandem"))
        .args(args)
        .current_dir(dir)
        .output()
        .expect("tandem runs")
}

fn write(dir: &Path, name: &str, text: &str) {
    std::fs::write(dir.join(name), text).unwrap();
}

fn pairs(dir: &Path) -> Vec<String> {
    let text = std::fs::read_to_string(dir.join("out.csv")).unwrap();
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    assert_eq!(lines.remove(0), "mentee,mentor");
    lines.sort();
    lines
}

/// `tandem match --mentors M --edges E --objective O --out out.csv` in `d`, then `extra`.
fn match_files(d: &Path, mentors: &str, edges: &str, objective: &str, extra: &[&str]) -> Output {
    let mut args = vec![
        "match",
        "--mentors",
        mentors,
        "--edges",
        edges,
        "--objective",
        objective,
        "--out",
        "out.csv",
    ];
    args.extend_from_slice(extra);
    tandem(&args, d)
}

#[test]
fn optimal_and_stable_on_scored_edges() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(d, "mentors.csv", "mentor,capacity\nA,1\nB,1\n");
    // Optimal must match both mentees (x→B, y→A) even though x prefers A most;
    // stable lets x keep A, since A also prefers x, and leaves y unmatched.
    write(
        d,
        "edges.csv",
        "mentee,mentor,mentee_score,mentor_score\nx,A,90,90\nx,B,10,10\ny,A,50,50\n",
    );
    let out = match_files(d, "mentors.csv", "edges.csv", "optimal", &[]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let summary: Value = serde_json::from_slice(&out.stdout).expect("one JSON line on stdout");
    assert_eq!(summary["pairs"], 2);
    assert_eq!(summary["matched_mentees"], 2);
    assert_eq!(summary["total_score"], 120.0);
    assert!(
        summary["load_seconds"].as_f64().unwrap() >= 0.0
            && summary["solve_seconds"].as_f64().unwrap() >= 0.0
    );
    assert_eq!(pairs(d), vec!["x,B", "y,A"]);
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("solving"),
        "progress goes to stderr"
    );

    // The same edges, not grouped by mentee and with spaces around fields: the same answer.
    write(
        d,
        "shuffled.csv",
        "mentee,mentor,mentee_score,mentor_score\nx, A ,90,90\ny,A,50,50\n x ,B,10, 10\n",
    );
    let out = match_files(d, "mentors.csv", "shuffled.csv", "optimal", &["-q"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(pairs(d), vec!["x,B", "y,A"]);

    let out = match_files(d, "mentors.csv", "edges.csv", "stable", &["--quiet"]);
    assert!(out.status.success());
    let summary: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(summary["blocking_pairs"], 0);
    assert_eq!(pairs(d), vec!["x,A"]);
    assert!(out.stderr.is_empty(), "--quiet keeps stderr empty");
}

#[test]
fn verify_proves_the_optimum_and_what_stability_costs() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(d, "mentors.csv", "mentor,capacity\nA,1\nB,1\n");
    write(
        d,
        "edges.csv",
        "mentee,mentor,mentee_score,mentor_score\nx,A,90,90\nx,B,10,10\ny,A,50,50\n",
    );
    let out = match_files(
        d,
        "mentors.csv",
        "edges.csv",
        "optimal",
        &["-q", "--verify"],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let summary: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(summary["certified"], true);
    assert_eq!(summary["max_pairs"], 2);
    assert_eq!(summary["best_total"], 120.0);
    assert_eq!(summary["total_score"], 120.0);
    assert!(summary["premium"].as_i64().unwrap() > 120);

    // Stable keeps x with A and leaves y out: one pair fewer than the proven best.
    let out = match_files(d, "mentors.csv", "edges.csv", "stable", &["-q", "--verify"]);
    assert!(out.status.success());
    let summary: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(summary["pairs"], 1);
    assert_eq!(summary["total_score"], 180.0);
    assert_eq!(summary["max_pairs"], 2);
    assert_eq!(summary["best_total"], 120.0);

    // Without --verify the summary claims nothing.
    let out = match_files(d, "mentors.csv", "edges.csv", "optimal", &["-q"]);
    let summary: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(summary.get("certified").is_none() && summary.get("max_pairs").is_none());
}

#[test]
fn malformed_files_name_the_line() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(d, "mentors.csv", "mentor,capacity\nA,1\nB,many\n");
    write(
        d,
        "edges.csv",
        "mentee,mentor,mentee_score,mentor_score\nx,A,1,1\n",
    );
    let cases = [
        ("mentors.csv", "edges.csv", "mentors.csv: line 3"),
        ("good_mentors.csv", "bad_score.csv", "bad_score.csv: line 3"),
        (
            "good_mentors.csv",
            "unknown_mentor.csv",
            "unknown_mentor.csv: line 2",
        ),
        (
            "good_mentors.csv",
            "bad_header.csv",
            "bad_header.csv: line 1",
        ),
        ("good_mentors.csv", "duplicate.csv", "more than once"),
    ];
    write(d, "good_mentors.csv", "mentor,capacity\nA,1\n");
    write(
        d,
        "bad_score.csv",
        "mentee,mentor,mentee_score,mentor_score\nx,A,1,1\ny,A,high,1\n",
    );
    write(
        d,
        "unknown_mentor.csv",
        "mentee,mentor,mentee_score,mentor_score\nx,Z,1,1\n",
    );
    write(d, "bad_header.csv", "mentee,mentor,score\nx,A,1\n");
    write(
        d,
        "duplicate.csv",
        "mentee,mentor,mentee_score,mentor_score\nx,A,1,1\nx,A,2,2\n",
    );
    for (mentors, edges, expected) in cases {
        let out = match_files(d, mentors, edges, "optimal", &["-q"]);
        assert!(!out.status.success(), "{edges} accepted");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            err.contains(expected),
            "{edges}: expected {expected:?} in {err}"
        );
        assert!(
            !err.contains("backtrace"),
            "a clean message, not a backtrace: {err}"
        );
    }
}

#[test]
fn scores_are_counted_exactly_never_rounded() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(d, "mentors.csv", "mentor,capacity\nA,1\nB,1\n");
    // Rounded to hundredths, {x–B, y–A} would win (20.01 against 20.00) and x would be
    // indifferent between A and B; exactly, {x–A, y–B} wins (20.008 against 20.005) and x
    // prefers B by a thousandth.
    write(
        d,
        "edges.csv",
        "mentee,mentor,mentee_score,mentor_score\n\
         x,A,10.004,0\nx,B,10.005,0\ny,A,10.000,0\ny,B,10.004,0\n",
    );
    let out = match_files(d, "mentors.csv", "edges.csv", "optimal", &["-q"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let summary: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(pairs(d), vec!["x,A", "y,B"]);
    assert_eq!(summary["total_score"], 20.008);
    assert_eq!(summary["decimals"], 3);

    // Mentors rank by a thousandth too: A prefers y (0.002 above x).
    write(
        d,
        "edges.csv",
        "mentee,mentor,mentee_score,mentor_score\nx,A,50.001,1.001\nx,B,50.004,7\ny,A,3,1.003\n",
    );
    let out = match_files(d, "mentors.csv", "edges.csv", "stable", &["-q"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let summary: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(summary["blocking_pairs"], 0);
    assert_eq!(pairs(d), vec!["x,B", "y,A"]);

    // An explicit precision refuses a score with more places, naming the line.
    let out = match_files(
        d,
        "mentors.csv",
        "edges.csv",
        "stable",
        &["-q", "--precision", "2"],
    );
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("line 2") && err.contains("more than --precision 2"),
        "{err}"
    );
    // ... and counts in its places when the file fits them.
    let out = match_files(
        d,
        "mentors.csv",
        "edges.csv",
        "stable",
        &["-q", "--precision", "4"],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let summary: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(summary["decimals"], 4);

    // Trailing zeros are no places: 2.250 and 3.000 count in hundredths, and fit
    // --precision 2.
    write(
        d,
        "edges.csv",
        "mentee,mentor,mentee_score,mentor_score\nx,A,2.250,1.0\ny,B,3.000,0.50\n",
    );
    for extra in [&["-q"][..], &["-q", "--precision", "2"]] {
        let out = match_files(d, "mentors.csv", "edges.csv", "optimal", extra);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let summary: Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(summary["decimals"], 2, "{extra:?}");
        assert_eq!(summary["total_score"], 6.75, "{extra:?}");
    }

    // A score too precise to count exactly is an error, not a rounding.
    write(
        d,
        "edges.csv",
        "mentee,mentor,mentee_score,mentor_score\nx,A,3000.5,1\nx,B,1.0000001,1\n",
    );
    let out = match_files(d, "mentors.csv", "edges.csv", "optimal", &["-q"]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("line 3") && err.contains("no longer fits"),
        "{err}"
    );
}

#[test]
fn people_files_run_candidates_scoring_and_assignment() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let header = "id,role,capacity,email,manager_email,field,seniority,skills,wants_skills,interests,values,education,languages,timezone,learning_style,meeting_preference,hours_per_month";
    let rows = [
        "ana,mentor,1,ana@example.org,,Engineering,lead,rust;leadership,,,candour,,English,Europe/Berlin,,video,4",
        "ben,mentor,2,ben@example.org,,Design,senior,figma,,,,,English,Europe/London,,,4",
        "kai,mentor,3,kai@example.org,,Engineering,lead,rust,,,,,Japanese,Asia/Tokyo,,,4",
        "max,mentee,,max@example.org,,Engineering,junior,,rust;leadership,,candour,,English,Europe/Berlin,visual,video,2",
        "zoe,mentee,,zoe@example.org,,Design,junior,,figma,,,,English,Europe/Paris,,,2",
        "ola,mentee,,ola@example.org,ana@example.org,Engineering,junior,,rust,,,,English,Europe/Berlin,,,2",
    ];
    write(d, "people.csv", &format!("{header}\n{}\n", rows.join("\n")));
    let out = tandem(
        &[
            "match",
            "--people",
            "people.csv",
            "--objective",
            "optimal",
            "--max-timezone-gap-hours",
            "3",
            "--out",
            "out.csv",
        ],
        d,
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let summary: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(summary["candidate_seconds"].is_number());
    let got = pairs(d);
    // Kai shares no language and is 8 hours away; Ana is Ola's manager: hard rules, not weights.
    assert!(got.contains(&"max,ana".to_string()), "{got:?}");
    assert!(got.contains(&"zoe,ben".to_string()), "{got:?}");
    assert!(
        got.iter().all(|p| !p.ends_with(",kai") && p != "ola,ana"),
        "{got:?}"
    );
    write(
        d,
        "bad_people.csv",
        &format!("{header}\nx,teacher,,,,,,,,,,,,,,,\n"),
    );
    let out = tandem(
        &[
            "match",
            "--people",
            "bad_people.csv",
            "--objective",
            "stable",
            "--out",
            "out.csv",
            "-q",
        ],
        d,
    );
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("bad_people.csv: line 2"));
}

/// `tandem import` and `tandem audit verify` on a database a server made: all or
/// nothing with line errors on stderr and exit status 1; a summary; the chain
/// whole, then broken by an edit and named.
#[test]
fn import_from_the_shell_and_verify_the_audit_chain() {
    use sea_orm::{ConnectionTrait, Statement};
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let app = runtime.block_on(tandem_testkit::TestApp::sqlite());
    let url = app.state.config.database_url.clone();
    let program = runtime.block_on(async {
        let (_, admin) = app.person("Admin Person").await;
        app.program(&admin, "traditional", serde_json::json!({}))
            .await
    });
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let run = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_tandem"))
            .args(args)
            .args(["--database-url", &url])
            .env("TANDEM_KEY", tandem_testkit::TEST_KEY)
            .env("TANDEM_OUTBOX_DIR", d.join("outbox"))
            .env_remove("TANDEM_DATABASE_URL")
            .current_dir(d)
            .output()
            .expect("tandem runs")
    };
    write(
        d,
        "bad.csv",
        "email,name,role\nada@example.org,Ada Lovelace,mentee\nnot-an-address,Someone,mentor\nx@example.org,X,boss\n",
    );
    let out = run(&["import", "--program", &program, "bad.csv"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("bad.csv:3: email"), "{stderr}");
    assert!(stderr.contains("bad.csv:4: role"), "{stderr}");
    assert!(stderr.contains("nothing was imported"), "{stderr}");

    write(
        d,
        "good.csv",
        "email,name,role,skills\nada@example.org,Ada Lovelace,mentee,\ngrace@example.org,Grace Hopper,mentor,Compilers;COBOL\n",
    );
    let out = run(&["import", "--program", &program, "good.csv"]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        stdout.contains("2 enrolled, 0 updated, 2 invited"),
        "{stdout}"
    );
    let again = run(&["import", "--program", &program, "good.csv"]);
    assert!(
        String::from_utf8_lossy(&again.stdout).contains("0 enrolled, 0 updated, 0 invited"),
        "a re-import adds no one: {}",
        String::from_utf8_lossy(&again.stdout)
    );
    let out = run(&["import", "--program", "no-such-program", "good.csv"]);
    assert_eq!(out.status.code(), Some(1));

    let out = run(&["audit", "verify"]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // The program's creation and two imports (the refused one wrote nothing).
    assert!(stdout.contains("whole: 3 entries"), "{stdout}");
    runtime.block_on(async {
        let db = app.state.store.read();
        db.execute_raw(Statement::from_string(
            db.get_database_backend(),
            "UPDATE audit_log SET action = 'program.changed' WHERE seq = 2",
        ))
        .await
        .unwrap();
    });
    let out = run(&["audit", "verify"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("entry 2 was changed"), "{stderr}");
}
