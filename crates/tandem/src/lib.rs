//! Tandem: a self-hosted mentorship-program platform.
//!
//! `build(config)` gives an [`App`]; `App::run(listener, shutdown)` serves it.
//! Production and tests take the same path.
pub mod api;
pub mod clock;
pub mod config;
pub mod demo;
pub mod domain;
pub mod email;
pub mod error;
pub mod files;
pub mod hashing;
pub mod http;
pub mod jobs;
pub mod matchfile;
pub mod metrics;
pub mod sealing;
pub mod secrets;
pub mod service;
pub mod state;
pub mod store;
pub mod web;

use anyhow::Context;
use axum::Router;
use clock::Clock;
use config::Config;
pub use state::AppState;
use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use store::db::Store;
use tokio::net::TcpListener;
use tower_http::trace::TraceLayer;

pub struct App {
    pub state: AppState,
}

/// Opens the database, runs migrations, and prepares the application.
pub async fn build(config: Config) -> anyhow::Result<App> {
    let store = Store::connect(&config.database_url, config.read_cache).await?;
    store.migrate().await?;
    service::sealing::prepare(&store, &config.keys.source()).await?;
    let mailer = Arc::new(email::Mailer::from_config(&config)?);
    let hasher = Arc::new(hashing::Hasher::new(
        config.argon2_memory_kib,
        config.argon2_iterations,
        std::time::Duration::from_secs(config.hash_wait_seconds.into()),
    )?);
    let decoy = hasher
        .hash(&secrets::random_token())
        .await
        .map_err(|e| anyhow::anyhow!("hashing the decoy password: {e}"))?;
    let state = AppState {
        store,
        config: Arc::new(config),
        clock: Clock::default(),
        mailer,
        hasher,
        decoy_hash: Arc::from(decoy),
        seen: Arc::default(),
        metrics: Arc::default(),
        deliver_soon: Arc::default(),
    };
    Ok(App { state })
}

/// Creates or upgrades the schema of the database at `url`, and nothing else.
pub async fn migrate(url: &str) -> anyhow::Result<()> {
    let store = Store::connect(url, false).await?;
    store.migrate().await?;
    store.close().await;
    Ok(())
}

impl App {
    /// The whole HTTP surface: JSON API, OpenAPI, pages, health.
    pub fn router(&self) -> Router {
        let router = Router::new()
            .merge(api::router(self.state.clone()))
            .merge(web::router(self.state.clone()))
            .merge(
                Router::new()
                    .route("/metrics", axum::routing::get(http::metrics::scrape))
                    .with_state(self.state.clone()),
            )
            .method_not_allowed_fallback(|| async { http::error::method_not_allowed() })
            .layer(axum::middleware::from_fn_with_state(
                self.state.clone(),
                http::session::secure_cookies_behind_proxy,
            ))
            // Per route (after routing), so both see the route's template.
            .layer(axum::middleware::from_fn_with_state(
                self.state.clone(),
                http::metrics::count,
            ))
            .layer(TraceLayer::new_for_http().make_span_with(http::metrics::span));
        http::headers::with_security_headers(router).layer(
            tower_http::limit::RequestBodyLimitLayer::new(2 * 1024 * 1024),
        )
    }

    /// Serves until `shutdown` completes, then finishes in-flight requests.
    pub async fn run(
        self,
        listener: TcpListener,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> anyhow::Result<()> {
        let jobs = jobs::spawn(self.state.clone());
        let router = self.router();
        axum::serve(
            listener,
            router.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .with_graceful_shutdown(shutdown)
        .await
        .context("serving HTTP")?;
        jobs.abort();
        self.state.store.close().await;
        Ok(())
    }
}

/// Completes on SIGINT or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        tokio::signal::ctrl_c().await.ok();
    };
    #[cfg(unix)]
    let term = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
    tracing::info!("shutting down");
}
