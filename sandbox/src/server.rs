//! Assembles the sandbox: each API behind its gate (rate limit, credentials, injected faults),
//! errors always in the API's JSON shape, CORS, the sandbox-only routes and the built app.

use crate::state::AppState;
use crate::{authsessions, control, gate, journeyapps, portos, usergrid};
use axum::extract::State;
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::middleware;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use std::net::SocketAddr;
use std::sync::Arc;
use tokio::sync::oneshot;
use tower_http::cors::{AllowOrigin, CorsLayer};

fn cors(origins: &[String]) -> CorsLayer {
    let allowed: Vec<HeaderValue> = origins
        .iter()
        .filter_map(|o| HeaderValue::from_str(o.trim_end_matches('/')).ok())
        .collect();
    CorsLayer::new()
        .allow_origin(AllowOrigin::list(allowed))
        .allow_methods([
            Method::GET,
            Method::POST,
            Method::PUT,
            Method::DELETE,
            Method::OPTIONS,
        ])
        .allow_headers([header::AUTHORIZATION, header::CONTENT_TYPE])
        .max_age(std::time::Duration::from_secs(600))
}

/// The optional `config.json` the app reads: the sandbox presets each of its APIs (no
/// secrets). The base URLs are relative, so the console resolves them against wherever it was
/// loaded from: the request's `Host` is never trusted.
async fn app_config(State(state): State<Arc<AppState>>) -> Response {
    let journeyapps = format!("api/v4/{}", state.config.deployment_id);
    let portos = portos::MOUNT.trim_start_matches('/');
    let authsessions = authsessions::MOUNT.trim_start_matches('/');
    Json(serde_json::json!({
        "backends": [
            { "name": "Roster sandbox", "kind": "journeyapps", "base_url": journeyapps },
            { "name": "Roster sandbox (PORTOS)", "kind": "portos", "base_url": portos },
            { "name": "Roster sandbox (authenticated sessions)", "kind": "authsessions",
              "base_url": authsessions },
            { "name": "Roster sandbox (Usergrid)", "kind": "usergrid",
              "base_url": usergrid::MOUNT.trim_start_matches('/') },
        ]
    }))
    .into_response()
}

async fn no_app() -> Response {
    (
        StatusCode::NOT_FOUND,
        "Roster sandbox: the app is not served here. Build it (trunk build --release) and start \
         the sandbox with --dist dist.",
    )
        .into_response()
}

/// The whole HTTP application for a state.
pub fn router(state: Arc<AppState>) -> Router {
    let journeyapps = journeyapps::api::routes()
        .layer(middleware::from_fn_with_state(
            state.clone(),
            journeyapps::gate,
        ))
        .layer(cors(&state.config.cors_origins));
    let portos = portos::api::routes()
        .layer(middleware::from_fn_with_state(state.clone(), portos::gate))
        .layer(cors(&state.config.cors_origins));
    let authsessions = authsessions::api::routes()
        .layer(middleware::from_fn_with_state(
            state.clone(),
            authsessions::gate,
        ))
        .layer(cors(&state.config.cors_origins));
    let usergrid = usergrid::api::routes()
        .layer(middleware::from_fn_with_state(
            state.clone(),
            usergrid::gate,
        ))
        .layer(cors(&state.config.cors_origins));
    let app = Router::new()
        .nest("/api", journeyapps)
        .nest(usergrid::MOUNT, usergrid)
        .nest(portos::MOUNT, portos)
        .nest(authsessions::MOUNT, authsessions)
        .nest("/sandbox", control::routes())
        .route("/config.json", get(app_config));
    let app = match &state.config.dist {
        Some(dist) => app.fallback_service(crate::assets::service(dist)),
        None => app.fallback(no_app),
    };
    app.layer(middleware::from_fn(gate::api_answers))
        .with_state(state)
}

/// A sandbox running in the background of this process (the binary and the tests use it).
pub struct RunningSandbox {
    pub addr: SocketAddr,
    pub state: Arc<AppState>,
    shutdown: Option<oneshot::Sender<()>>,
    task: tokio::task::JoinHandle<()>,
}

impl RunningSandbox {
    /// `http://addr`, where the app is served.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The JourneyApps base URL of this deployment.
    pub fn base_url(&self) -> String {
        format!("{}/api/v4/{}", self.url(), self.state.config.deployment_id)
    }

    /// The PORTOS server address.
    pub fn portos_url(&self) -> String {
        format!("{}{}", self.url(), portos::MOUNT)
    }

    /// The Usergrid application's base URL (`{server}/{org}/{app}`).
    pub fn usergrid_url(&self) -> String {
        format!("{}{}", self.url(), usergrid::MOUNT)
    }

    /// The authenticated-sessions API's base URL.
    pub fn authsessions_url(&self) -> String {
        format!("{}{}", self.url(), authsessions::MOUNT)
    }

    /// Stops accepting requests, finishes those in flight and closes the database.
    pub async fn stop(mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        let _ = (&mut self.task).await;
    }
}

/// Opens the databases (seeding demo data into empty ones) and starts serving.
pub async fn start(
    config: crate::config::Config,
) -> Result<RunningSandbox, Box<dyn std::error::Error + Send + Sync>> {
    let listener = tokio::net::TcpListener::bind(config.addr).await?;
    let addr = listener.local_addr()?;
    let public_origin = config.public_origin(addr)?;
    let state = Arc::new(AppState::open(config, public_origin)?);
    let app = router(state.clone());
    let (tx, rx) = oneshot::channel::<()>();
    let task = tokio::spawn(async move {
        let served = axum::serve(listener, app)
            .with_graceful_shutdown(async {
                let _ = rx.await;
            })
            .await;
        if let Err(err) = served {
            eprintln!("roster-sandbox: server error: {err}");
        }
    });
    Ok(RunningSandbox {
        addr,
        state,
        shutdown: Some(tx),
        task,
    })
}
