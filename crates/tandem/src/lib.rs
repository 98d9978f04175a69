//! Tandem: a self-hosted mentorship-program platform.
//!
//! `build(config)` gives an [`App`]; `App::run(listener, shutdown)` serves it.
//! Production and tests take the same path.
pub mod api;
pub mod auth;
pub mod clock;
pub mod config;
pub mod demo;
pub mod domain;
pub mod email;
pub mod error;
pub mod jobs;
pub mod matchfile;
pub mod service;
pub mod store;
pub mod web;

use anyhow::Context;
use axum::http::{header, HeaderValue};
use axum::Router;
use clock::Clock;
use config::Config;
use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use store::Store;
use tokio::net::TcpListener;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::TraceLayer;

/// Shared by every handler.
#[derive(Clone)]
pub struct AppState {
    pub store: Store,
    pub config: Arc<Config>,
    pub clock: Clock,
    pub mailer: Arc<email::Mailer>,
    /// A hash to verify against for unknown accounts, so both cases cost the same.
    pub decoy_hash: String,
}

pub struct App {
    pub state: AppState,
}

/// Opens the database, runs migrations, and prepares the application.
pub async fn build(config: Config) -> anyhow::Result<App> {
    let store = Store::connect(&config.database_url).await?;
    store.migrate().await?;
    let mailer = Arc::new(email::Mailer::from_config(&config)?);
    let mut state = AppState {
        store,
        config: Arc::new(config),
        clock: Clock::default(),
        mailer,
        decoy_hash: String::new(),
    };
    state.decoy_hash = auth::hash_password(&state, &auth::random_token()).await?;
    Ok(App { state })
}

impl App {
    /// The whole HTTP surface: JSON API, OpenAPI, pages, health.
    pub fn router(&self) -> Router {
        Router::new()
            .merge(api::router(self.state.clone()))
            .merge(web::router(self.state.clone()))
            .method_not_allowed_fallback(|| async { error::AppError::MethodNotAllowed })
            .layer(SetResponseHeaderLayer::overriding(
                header::X_CONTENT_TYPE_OPTIONS,
                HeaderValue::from_static("nosniff"),
            ))
            .layer(SetResponseHeaderLayer::if_not_present(
                header::REFERRER_POLICY,
                HeaderValue::from_static("same-origin"),
            ))
            .layer(tower_http::limit::RequestBodyLimitLayer::new(
                2 * 1024 * 1024,
            ))
            .layer(TraceLayer::new_for_http())
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
        self.state.store.db.clone().close().await.ok();
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
