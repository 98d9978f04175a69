//! The application served on a free port of 127.0.0.1, for what talks to it over
//! the network (a real browser).
use tandem::AppState;

/// Serves the real application on a free port until the returned sender is
/// dropped; its base URL, the stopper and its state.
pub async fn serve(database_url: &str) -> (String, tokio::sync::oneshot::Sender<()>, AppState) {
    let mut config = crate::app::fast_config(database_url);
    config.outbox_dir = std::env::temp_dir()
        .join(format!(
            "tandem-browser-outbox-{}",
            uuid::Uuid::new_v4().simple()
        ))
        .display()
        .to_string();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    config.base_url = base.clone();
    let app = tandem::build(config).await.expect("app builds");
    let state = app.state.clone();
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(async move {
        app.run(listener, async move {
            let _ = rx.await;
        })
        .await
        .expect("server runs");
    });
    (base, tx, state)
}
