//! The ceiling of the read benchmarks: bare axum with one handler that serialises a
//! mentorship-shaped value, and nothing else (no database, no authentication, no
//! middleware). Tandem's reads are measured as a share of what this serves.
//!
//! `tandem-ceiling [ADDR]` listens on ADDR (default 127.0.0.1:8090); every path answers.
use axum::{routing::get, Json, Router};
use serde::Serialize;

#[derive(Serialize)]
struct Member {
    id: &'static str,
    name: &'static str,
}

#[derive(Serialize)]
struct MenteeMember {
    id: &'static str,
    name: &'static str,
    accepted: bool,
}

/// The fields and sizes of `GET /api/v1/mentorships/{id}` as a participant sees it.
#[derive(Serialize)]
struct Mentorship {
    id: &'static str,
    program_id: &'static str,
    program_name: &'static str,
    program_kind: &'static str,
    mentor: Member,
    mentor_accepted: bool,
    mentees: Vec<MenteeMember>,
    status: &'static str,
    origin: &'static str,
    created_at: &'static str,
    expires_at: &'static str,
    started_at: &'static str,
    ended_at: Option<&'static str>,
    end_reason: Option<&'static str>,
    merged_into: Option<&'static str>,
    intro: &'static str,
    reasons: &'static str,
    ask: &'static str,
    allowed_actions: [&'static str; 3],
    my_role: &'static str,
}

async fn mentorship() -> Json<Mentorship> {
    Json(Mentorship {
        id: "6f1c2b9e-3d4a-4c8e-9b1f-2a7d5e8c0f13",
        program_id: "0b8e7d6c-5a4f-4e3d-8c2b-1a0f9e8d7c6b",
        program_name: "Engineering & Product Mentoring 2027",
        program_kind: "traditional",
        mentor: Member {
            id: "9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d",
            name: "Amara Okafor",
        },
        mentor_accepted: true,
        mentees: vec![MenteeMember {
            id: "1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d",
            name: "Noah Williams",
            accepted: true,
        }],
        status: "active",
        origin: "request",
        created_at: "2026-11-20T09:14:03.512Z",
        expires_at: "2026-12-04T09:14:03.512Z",
        started_at: "2026-11-21T16:40:11.027Z",
        ended_at: None,
        end_reason: None,
        merged_into: None,
        intro: "Hi, I'm Noah Williams, junior.",
        reasons: "Your work on scaling payments to 10k requests/s is exactly where I want to grow.",
        ask: "Could we start with a 30-minute video call?",
        allowed_actions: ["pause", "complete", "end"],
        my_role: "mentee",
    })
}

#[tokio::main]
async fn main() {
    let addr = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "127.0.0.1:8090".into());
    let listener = tokio::net::TcpListener::bind(&addr)
        .await
        .unwrap_or_else(|e| panic!("cannot listen on {addr}: {e}"));
    let app = Router::new().fallback(get(mentorship));
    axum::serve(listener, app).await.expect("serving");
}
