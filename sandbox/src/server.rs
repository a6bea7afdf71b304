//! Assembles the sandbox: the gate in front of the API (deployment, rate limit, authentication,
//! injected faults), errors always in the API's JSON shape, CORS, the sandbox-only routes and
//! the built app.

use crate::db::Store;
use crate::demo;
use crate::error::{ApiError, ErrorType};
use crate::state::{AppState, FaultKind};
use crate::{api, control};
use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde_json::Value;
use std::net::SocketAddr;
use std::sync::Arc;
use tokio::sync::oneshot;
use tower_http::cors::{AllowOrigin, CorsLayer};

/// The most a listing's body may be when a fault rewrites it.
const REWRITE_LIMIT: usize = 64 * 1024 * 1024;

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
    state.count_request();
    match state.take_fault() {
        None => next.run(request).await,
        Some(FaultKind::Error(kind)) => {
            ApiError::new(kind, "Injected by the sandbox for testing").into_response()
        }
        Some(FaultKind::Malformed) => (
            [(header::CONTENT_TYPE, "application/json")],
            "{\"objects\": [truncated",
        )
            .into_response(),
        Some(FaultKind::Dropped) => cut_off(StatusCode::OK),
        Some(FaultKind::LostAnswer) => cut_off(next.run(request).await.status()),
        Some(FaultKind::HugeTotal) => {
            rewrite_listing(next.run(request).await, FaultKind::HugeTotal).await
        }
        Some(FaultKind::EndlessPages) => {
            let first_page = without_skip(request);
            rewrite_listing(next.run(first_page).await, FaultKind::EndlessPages).await
        }
    }
}

/// An answer whose body breaks off mid-way: the status and a first part are sent, then the
/// connection closes before the rest. (Closed before anything was sent, a browser would resend
/// the request by itself on a fresh connection, and the client would see it succeed.)
fn cut_off(status: StatusCode) -> Response {
    let parts = futures_util::stream::unfold(0, |step| async move {
        match step {
            0 => Some((Ok(Bytes::from_static(b"{\"operations\": [{\"success\"")), 1)),
            1 => {
                // Long enough for the status and the first part to reach the client.
                tokio::time::sleep(std::time::Duration::from_millis(200)).await;
                Some((Err(std::io::Error::other("cut off by the sandbox")), 2))
            }
            _ => None,
        }
    });
    let mut response = Body::from_stream(parts).into_response();
    *response.status_mut() = status;
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    response
}

/// The same request asking for the first page: a backend that ignores `skip`.
fn without_skip(mut request: Request) -> Request {
    let uri = request.uri();
    let query: Vec<&str> = uri
        .query()
        .unwrap_or_default()
        .split('&')
        .filter(|pair| !pair.starts_with("skip="))
        .collect();
    let path_and_query = format!("{}?{}", uri.path(), query.join("&"));
    if let Ok(rewritten) = path_and_query.parse() {
        *request.uri_mut() = rewritten;
    }
    request
}

/// A listing's answer as a hostile backend would send it; other answers are left alone.
async fn rewrite_listing(response: Response, kind: FaultKind) -> Response {
    let (parts, body) = response.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, REWRITE_LIMIT).await else {
        return ApiError::new(ErrorType::InternalServerError, "The answer was too large")
            .into_response();
    };
    let rewritten = match serde_json::from_slice::<Value>(&bytes) {
        Ok(Value::Object(mut listing)) if listing.contains_key("objects") => {
            listing.insert("more".into(), Value::Bool(true));
            match kind {
                FaultKind::HugeTotal => {
                    listing.insert("total".into(), 1_000_000_000_000u64.into());
                }
                _ => {
                    listing.remove("total");
                }
            }
            Value::Object(listing).to_string().into()
        }
        _ => bytes,
    };
    let mut response = Response::from_parts(parts, Body::from(rewritten));
    response.headers_mut().remove(header::CONTENT_LENGTH);
    response
}

/// Whether `path` belongs to the API or to the sandbox's own routes.
fn is_api_path(path: &str) -> bool {
    ["/api", "/sandbox"]
        .iter()
        .any(|prefix| path == *prefix || path.starts_with(&format!("{prefix}/")))
}

/// Every error of the API and of the sandbox's own routes in the API's JSON shape, and no
/// caching of anything they answer: a framework's plain-text rejection (a body over the limit,
/// a path that is not UTF-8, a method not allowed, a path no route matched) becomes the
/// documented error body. Other paths (the console) pass as they are.
async fn api_answers(request: Request, next: Next) -> Response {
    if !is_api_path(request.uri().path()) {
        return next.run(request).await;
    }
    let mut response = next.run(request).await;
    let status = response.status();
    let is_json = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|t| t.to_str().ok())
        .is_some_and(|t| t.starts_with("application/json"));
    if (status.is_client_error() || status.is_server_error()) && !is_json {
        let (kind, detail) = match status {
            StatusCode::PAYLOAD_TOO_LARGE => (
                ErrorType::InvalidApiRequest,
                "The request body is too large (at most 2 MB)",
            ),
            StatusCode::NOT_FOUND | StatusCode::METHOD_NOT_ALLOWED => {
                (ErrorType::RouteError, "No such API route")
            }
            StatusCode::UNSUPPORTED_MEDIA_TYPE => (
                ErrorType::InvalidApiRequest,
                "The request body must be JSON (Content-Type: application/json)",
            ),
            s if s.is_server_error() => (
                ErrorType::InternalServerError,
                "The server could not complete the request",
            ),
            _ => (
                ErrorType::InvalidApiRequest,
                "The request's path, query or body is malformed",
            ),
        };
        response = (status, Json(ApiError::new(kind, detail).body())).into_response();
    }
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
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

/// The optional `config.json` the app reads: the sandbox presets itself (no secrets). The base
/// URL is relative, so the console resolves it against wherever it was loaded from: the
/// request's `Host` is never trusted.
async fn app_config(State(state): State<Arc<AppState>>) -> Response {
    let base_url = format!("api/v4/{}", state.config.deployment_id);
    Json(serde_json::json!({
        "backends": [{ "name": "Roster sandbox", "kind": "journeyapps", "base_url": base_url }]
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
    app.layer(middleware::from_fn(api_answers))
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
    config: crate::config::Config,
) -> Result<RunningSandbox, Box<dyn std::error::Error + Send + Sync>> {
    let mut store = Store::open(config.db_path().as_deref())?;
    if store.user_count()? == 0 && config.demo_users > 0 {
        let (users, sessions) = demo::generate(config.demo_users, chrono::Utc::now());
        store.insert(&users, &sessions)?;
    }
    let listener = tokio::net::TcpListener::bind(config.addr).await?;
    let addr = listener.local_addr()?;
    let public_origin = config.public_origin(addr)?;
    let state = Arc::new(AppState::new(config, store, public_origin));
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
