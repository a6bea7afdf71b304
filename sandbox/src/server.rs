//! Assembles the sandbox: shared state, the gate in front of the API (deployment, rate limit,
//! authentication, injected faults), CORS, the sandbox-only routes and the built app.

use crate::clock::Clock;
use crate::config::Config;
use crate::db::Store;
use crate::demo::{self, Rng};
use crate::error::{ApiError, ErrorType};
use crate::ratelimit::TokenBucket;
use crate::{api, control};
use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, HeaderValue, Method};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use base64::Engine;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use tokio::sync::oneshot;
use tower_http::cors::{AllowOrigin, CorsLayer};

/// A fault the next API requests answer with instead of their normal response.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FaultKind {
    /// The documented error body for this type, with its status.
    Error(ErrorType),
    /// A 200 whose body is not JSON, as a broken proxy might send.
    Malformed,
}

/// Everything the handlers share.
pub struct AppState {
    pub config: Config,
    pub store: Mutex<Store>,
    pub clock: Clock,
    pub bucket: TokenBucket,
    faults: Mutex<Option<(FaultKind, u32)>>,
    token_rng: Mutex<Rng>,
    api_requests: AtomicU64,
}

impl AppState {
    fn new(config: Config, store: Store) -> Self {
        let seed = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos() as u64)
            .unwrap_or(7);
        AppState {
            bucket: TokenBucket::new(config.rate, config.burst),
            config,
            store: Mutex::new(store),
            clock: Clock::default(),
            faults: Mutex::new(None),
            token_rng: Mutex::new(Rng::new(seed)),
            api_requests: AtomicU64::new(0),
        }
    }

    /// True if the request carries the Named Token or the Basic credentials of this deployment.
    pub fn authorized(&self, headers: &HeaderMap) -> bool {
        let Some(value) = headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
        else {
            return false;
        };
        let Some((scheme, credentials)) = value.trim().split_once(' ') else {
            return false;
        };
        let credentials = credentials.trim();
        if scheme.eq_ignore_ascii_case("bearer") {
            credentials
                .strip_prefix("O:")
                .is_some_and(|token| same_secret(token, &self.config.api_token))
        } else if scheme.eq_ignore_ascii_case("basic") {
            let decoded = base64::engine::general_purpose::STANDARD.decode(credentials);
            let text = decoded.ok().and_then(|bytes| String::from_utf8(bytes).ok());
            text.as_deref()
                .and_then(|t| t.split_once(':'))
                .is_some_and(|(user, password)| {
                    user == self.config.deployment_id
                        && same_secret(password, &self.config.api_password)
                })
        } else {
            false
        }
    }

    /// `http://host:port` as the browser reached us, for URLs we hand out.
    pub fn public_origin(&self, headers: &HeaderMap) -> String {
        let host = headers
            .get(header::HOST)
            .and_then(|h| h.to_str().ok())
            .filter(|h| !h.is_empty() && h.chars().all(|c| c.is_ascii_graphic()))
            .map(str::to_string)
            .unwrap_or_else(|| self.config.addr.to_string());
        format!("http://{host}")
    }

    /// An 8-digit enrollment token like the documented sample.
    pub fn new_enrollment_token(&self) -> String {
        let mut rng = self.token_rng.lock().unwrap_or_else(|p| p.into_inner());
        format!("{:08}", rng.below(100_000_000))
    }

    /// A fresh random id for sessions and devices created at run time.
    pub fn new_uuid(&self) -> (String, String) {
        let mut rng = self.token_rng.lock().unwrap_or_else(|p| p.into_inner());
        (rng.uuid(), rng.device_id())
    }

    /// How many authenticated API requests have arrived (tests and benchmarks count with it).
    pub fn api_requests(&self) -> u64 {
        self.api_requests.load(Ordering::Relaxed)
    }

    /// Makes the next `count` API requests fail with `kind`.
    pub fn inject_fault(&self, kind: FaultKind, count: u32) {
        *self.faults.lock().unwrap_or_else(|p| p.into_inner()) =
            (count > 0).then_some((kind, count));
    }

    fn take_fault(&self) -> Option<FaultKind> {
        let mut faults = self.faults.lock().unwrap_or_else(|p| p.into_inner());
        let (kind, left) = (*faults)?;
        *faults = (left > 1).then_some((kind, left - 1));
        Some(kind)
    }
}

/// Compares secrets without stopping at the first difference.
fn same_secret(given: &str, expected: &str) -> bool {
    let (a, b) = (given.as_bytes(), expected.as_bytes());
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// In front of every API route: the deployment must exist, then the rate limit, then the
/// credentials, then any injected fault.
async fn api_gate(State(state): State<Arc<AppState>>, request: Request, next: Next) -> Response {
    let path = request.uri().path();
    let path = path.strip_prefix("/api").unwrap_or(path);
    let mut parts = path.trim_start_matches('/').split('/');
    match (parts.next(), parts.next()) {
        (Some("v4"), Some(dep)) if !dep.is_empty() => {
            if dep != state.config.deployment_id {
                return ApiError::new(ErrorType::AccountNotFound, "No deployment with this id")
                    .into_response();
            }
        }
        _ => return api::route_error().await.into_response(),
    }
    if !state.bucket.try_take() {
        return ApiError::new(
            ErrorType::TooManyRequests,
            "Rate limit exceeded: wait at least one second before retrying",
        )
        .into_response();
    }
    if !state.authorized(request.headers()) {
        return ApiError::new(
            ErrorType::AuthenticationFailed,
            "Send a Named Token (Authorization: Bearer O:<token>) or the deployment's Basic credentials",
        )
        .into_response();
    }
    state.api_requests.fetch_add(1, Ordering::Relaxed);
    match state.take_fault() {
        Some(FaultKind::Error(kind)) => {
            ApiError::new(kind, "Injected by the sandbox for testing").into_response()
        }
        Some(FaultKind::Malformed) => (
            [(header::CONTENT_TYPE, "application/json")],
            "{\"objects\": [truncated",
        )
            .into_response(),
        None => next.run(request).await,
    }
}

fn cors(origins: &[String]) -> CorsLayer {
    let allowed: Vec<HeaderValue> = origins
        .iter()
        .filter_map(|o| HeaderValue::from_str(o.trim_end_matches('/')).ok())
        .collect();
    CorsLayer::new()
        .allow_origin(AllowOrigin::list(allowed))
        .allow_methods([Method::GET, Method::POST, Method::OPTIONS])
        .allow_headers([header::AUTHORIZATION, header::CONTENT_TYPE])
        .max_age(std::time::Duration::from_secs(600))
}

/// The optional `config.json` the app reads: the sandbox presets itself (no secrets).
async fn app_config(State(state): State<Arc<AppState>>, headers: HeaderMap) -> Response {
    let base_url = format!(
        "{}/api/v4/{}",
        state.public_origin(&headers),
        state.config.deployment_id
    );
    Json(serde_json::json!({
        "backends": [{ "name": "Roster sandbox", "kind": "journeyapps", "base_url": base_url }]
    }))
    .into_response()
}

async fn no_app() -> Response {
    (
        axum::http::StatusCode::NOT_FOUND,
        "Roster sandbox: the app is not served here. Build it (trunk build --release) and start \
         the sandbox with --dist dist.",
    )
        .into_response()
}

/// The whole HTTP application for a state.
pub fn router(state: Arc<AppState>) -> Router {
    let api = api::routes()
        .layer(middleware::from_fn_with_state(state.clone(), api_gate))
        .layer(cors(&state.config.cors_origins));
    let app = Router::new()
        .nest("/api", api)
        .nest("/sandbox", control::routes())
        .route("/config.json", get(app_config));
    let app = match &state.config.dist {
        Some(dist) => app.fallback_service(crate::assets::service(dist)),
        None => app.fallback(no_app),
    };
    app.with_state(state)
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

    /// Stops accepting requests, finishes those in flight and closes the database.
    pub async fn stop(mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        let _ = (&mut self.task).await;
    }
}

/// Opens the database (seeding demo data into an empty one) and starts serving.
pub async fn start(
    config: Config,
) -> Result<RunningSandbox, Box<dyn std::error::Error + Send + Sync>> {
    let mut store = Store::open(config.db_path().as_deref())?;
    if store.user_count()? == 0 && config.demo_users > 0 {
        let (users, sessions) = demo::generate(config.demo_users, chrono::Utc::now());
        store.insert(&users, &sessions)?;
    }
    let listener = tokio::net::TcpListener::bind(config.addr).await?;
    let addr = listener.local_addr()?;
    let state = Arc::new(AppState::new(config, store));
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
