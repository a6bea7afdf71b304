//! Roster's proxy: serves the built console and forwards its calls to one real backend, so the
//! browser talks only to this origin (for backends that send no CORS headers).
//!
//! `/backend/{path}` goes to `{upstream}/{path}` with the method, the query, the body
//! (streamed) and only the `Authorization`, `Content-Type` and `Accept` headers; the answer
//! comes back streamed. Nothing else is forwarded anywhere: the upstream is fixed at start, a
//! request in absolute form or for another `Host` is refused, and dot segments cannot climb
//! above the upstream's path. Credentials are never logged or stored: a log line holds the
//! method, the path without its query, the status and the time.

use crate::assets;
use crate::journeyapps::error::{ApiError, ErrorType};
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::header::{ACCEPT, AUTHORIZATION, CACHE_CONTROL, CONTENT_TYPE, HOST, RETRY_AFTER};
use axum::http::{HeaderValue, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{any, get};
use axum::{Json, Router};
use clap::Parser;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::oneshot;

/// Where the console finds the backend, relative to `config.json`.
pub const MOUNT: &str = "/backend";

/// Roster's proxy: the built console, and its calls forwarded to one real backend.
#[derive(Debug, Clone, Parser)]
#[command(name = "roster-proxy", version, args_override_self = true)]
pub struct ProxyConfig {
    /// The backend's base URL, as you would type it on the connect screen, e.g.
    /// https://x.backend.eu.journeyapps.com/api/v4/<deployment id>.
    #[arg(long)]
    pub upstream: String,

    /// The kind of backend: journeyapps, portos, authsessions or usergrid.
    #[arg(long, default_value = "journeyapps")]
    pub kind: String,

    /// The backend's name on the connect screen.
    #[arg(long, default_value = "Proxied backend")]
    pub name: String,

    /// Address to listen on (port 0 picks a free port).
    #[arg(long, default_value = "127.0.0.1:8080")]
    pub addr: SocketAddr,

    /// The built console to serve at `/` (Trunk's `dist/`).
    #[arg(long, default_value = "dist")]
    pub dist: PathBuf,

    /// Seconds the backend has to answer before the console is told it did not.
    #[arg(long, default_value_t = 30)]
    pub timeout: u64,

    /// The origin browsers reach this proxy at when it is not the listen address (its Host
    /// is then accepted too), e.g. https://roster.example.com.
    #[arg(long)]
    pub public_origin: Option<String>,
}

impl ProxyConfig {
    /// A config from arguments as they would be typed after the program name.
    pub fn from_args<I, S>(args: I) -> Result<ProxyConfig, clap::Error>
    where
        I: IntoIterator<Item = S>,
        S: Into<std::ffi::OsString> + Clone,
    {
        let program = std::iter::once(std::ffi::OsString::from("roster-proxy"));
        ProxyConfig::try_parse_from(program.chain(args.into_iter().map(Into::into)))
    }
}

/// The upstream's base URL, checked: `http(s)://host[:port][/path]`, no query or fragment.
pub fn upstream_base(text: &str) -> Result<String, String> {
    let base = text.trim().trim_end_matches('/');
    let rest = base
        .strip_prefix("https://")
        .or_else(|| base.strip_prefix("http://"));
    let host = rest.map(|r| r.split('/').next().unwrap_or_default());
    match host {
        Some(host) if !host.is_empty() && !base.contains(['?', '#', '@', ' ']) => {
            Ok(base.to_string())
        }
        _ => Err(format!(
            "--upstream must be the backend's base URL, http(s)://host/path, not {text:?}"
        )),
    }
}

/// The hosts this proxy answers for: its listen address (and loopback names for it), and the
/// public origin's.
fn allowed_hosts(addr: SocketAddr, public_origin: Option<&str>) -> Vec<String> {
    let port = addr.port();
    let mut hosts = vec![
        format!("127.0.0.1:{port}"),
        format!("localhost:{port}"),
        format!("[::1]:{port}"),
    ];
    if !addr.ip().is_unspecified() {
        hosts.push(addr.to_string());
    }
    if let Some(origin) = public_origin {
        let host = origin
            .trim()
            .trim_end_matches('/')
            .split("://")
            .nth(1)
            .unwrap_or_default();
        hosts.push(host.to_string());
        // The default port may be left out of Host.
        for default in [":80", ":443"] {
            if let Some(bare) = host.strip_suffix(default) {
                hosts.push(bare.to_string());
            }
        }
    }
    hosts.into_iter().map(|h| h.to_ascii_lowercase()).collect()
}

/// Whether a path segment, decoded, is `.` or `..`.
fn is_dot_segment(segment: &str) -> bool {
    let decoded = segment.to_ascii_lowercase().replace("%2e", ".");
    decoded == "." || decoded == ".."
}

/// Where the proxy's log lines go.
pub type Log = Arc<dyn Fn(String) + Send + Sync>;

struct Proxy {
    upstream: String,
    kind: String,
    name: String,
    client: reqwest::Client,
    timeout: u64,
    allowed_hosts: Vec<String>,
    log: Log,
}

/// An error in the JourneyApps shape, which the console reads for every backend it proxies.
fn refuse(status: StatusCode, kind: &'static str, detail: String) -> Response {
    let mut body = ApiError::new(ErrorType::InvalidApiRequest, detail).body();
    body.kind = kind;
    body.title = "Roster proxy";
    (status, Json(body)).into_response()
}

/// In front of everything: only requests for this proxy's own host, in origin form.
async fn guard(State(proxy): State<Arc<Proxy>>, request: Request, next: Next) -> Response {
    if request.uri().scheme().is_some() || request.uri().authority().is_some() {
        return refuse(
            StatusCode::BAD_REQUEST,
            "INVALID_API_REQUEST",
            "This proxy forwards only to its configured backend: absolute URLs are refused".into(),
        );
    }
    let host = request
        .headers()
        .get(HOST)
        .and_then(|h| h.to_str().ok())
        .map(str::to_ascii_lowercase)
        .unwrap_or_default();
    if !proxy.allowed_hosts.contains(&host) {
        return refuse(
            StatusCode::MISDIRECTED_REQUEST,
            "INVALID_API_REQUEST",
            "This proxy does not answer for that host".into(),
        );
    }
    next.run(request).await
}

/// `/backend/{path}` → `{upstream}/{path}`.
async fn forward(State(proxy): State<Arc<Proxy>>, request: Request) -> Response {
    let started = Instant::now();
    let path = request.uri().path().to_string();
    let rest = path.strip_prefix(MOUNT).unwrap_or_default();
    if rest.split('/').any(is_dot_segment) {
        return refuse(
            StatusCode::BAD_REQUEST,
            "INVALID_API_REQUEST",
            "Dot segments are refused: the proxy reaches only below the backend's base URL".into(),
        );
    }
    let query = request
        .uri()
        .query()
        .map(|q| format!("?{q}"))
        .unwrap_or_default();
    let url = format!("{}{rest}{query}", proxy.upstream);
    let method = request.method().clone();
    let mut outgoing = proxy.client.request(method.clone(), &url);
    for name in [AUTHORIZATION, CONTENT_TYPE, ACCEPT] {
        if let Some(value) = request.headers().get(&name) {
            outgoing = outgoing.header(name, value);
        }
    }
    let body = reqwest::Body::wrap_stream(request.into_body().into_data_stream());
    let answer = outgoing.body(body).send().await;
    let response = match answer {
        Ok(answer) => {
            let status = answer.status();
            let kept: Vec<_> = [CONTENT_TYPE, RETRY_AFTER]
                .into_iter()
                .filter_map(|name| Some((name.clone(), answer.headers().get(&name)?.clone())))
                .collect();
            let mut response = Body::from_stream(answer.bytes_stream()).into_response();
            *response.status_mut() = status;
            response.headers_mut().extend(kept);
            response
        }
        Err(err) if err.is_timeout() => refuse(
            StatusCode::GATEWAY_TIMEOUT,
            "GATEWAY_TIMEOUT",
            format!(
                "The backend did not answer within {} s (Roster's proxy stopped waiting)",
                proxy.timeout
            ),
        ),
        // reqwest's own words would name the URL, query included: say it plainly instead.
        Err(err) => refuse(
            StatusCode::BAD_GATEWAY,
            "BAD_GATEWAY",
            if err.is_connect() {
                "Roster's proxy could not connect to the backend".to_string()
            } else {
                "The backend's answer broke off".to_string()
            },
        ),
    };
    (proxy.log)(format!(
        "{method} {path} -> {} in {} ms",
        response.status().as_u16(),
        started.elapsed().as_millis()
    ));
    let mut response = response;
    response
        .headers_mut()
        .insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// `config.json`: the proxied backend, preset on the connect screen (no secrets).
async fn app_config(State(proxy): State<Arc<Proxy>>) -> Response {
    Json(serde_json::json!({
        "backends": [{ "name": proxy.name, "kind": proxy.kind, "base_url": MOUNT.trim_start_matches('/') }]
    }))
    .into_response()
}

/// The whole application of a proxy.
fn router(proxy: Arc<Proxy>, config: &ProxyConfig) -> Router {
    Router::new()
        .route(MOUNT, any(forward))
        .route(&format!("{MOUNT}/{{*rest}}"), any(forward))
        .route("/config.json", get(app_config))
        .fallback_service(assets::service(&config.dist))
        .layer(middleware::from_fn_with_state(proxy.clone(), guard))
        .with_state(proxy)
}

/// A proxy running in the background of this process (the binary and the tests use it).
pub struct RunningProxy {
    pub addr: SocketAddr,
    shutdown: Option<oneshot::Sender<()>>,
    task: tokio::task::JoinHandle<()>,
}

impl RunningProxy {
    /// `http://addr`, where the console is served.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Stops accepting requests and finishes those in flight.
    pub async fn stop(mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        let _ = (&mut self.task).await;
    }
}

/// Starts a proxy as `config` says, writing its log lines to `log`.
pub async fn start(
    config: ProxyConfig,
    log: Log,
) -> Result<RunningProxy, Box<dyn std::error::Error + Send + Sync>> {
    let upstream = upstream_base(&config.upstream)?;
    if roster_kind(&config.kind).is_none() {
        return Err(format!("--kind {:?} is not a kind Roster knows", config.kind).into());
    }
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(config.timeout.max(1)))
        .connect_timeout(Duration::from_secs(10))
        .redirect(reqwest::redirect::Policy::none())
        .build()?;
    let listener = tokio::net::TcpListener::bind(config.addr).await?;
    let addr = listener.local_addr()?;
    let proxy = Arc::new(Proxy {
        upstream,
        kind: config.kind.clone(),
        name: config.name.clone(),
        client,
        timeout: config.timeout.max(1),
        allowed_hosts: allowed_hosts(addr, config.public_origin.as_deref()),
        log,
    });
    let app = router(proxy, &config);
    let (tx, rx) = oneshot::channel::<()>();
    let task = tokio::spawn(async move {
        let served = axum::serve(listener, app)
            .with_graceful_shutdown(async {
                let _ = rx.await;
            })
            .await;
        if let Err(err) = served {
            eprintln!("roster-proxy: server error: {err}");
        }
    });
    Ok(RunningProxy {
        addr,
        shutdown: Some(tx),
        task,
    })
}

/// The kinds the console knows, by their `config.json` name.
fn roster_kind(kind: &str) -> Option<&'static str> {
    ["journeyapps", "portos", "authsessions", "usergrid"]
        .into_iter()
        .find(|k| *k == kind)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_upstream_is_a_base_url_and_nothing_else() {
        assert_eq!(
            upstream_base("https://x.backend.eu.journeyapps.com/api/v4/dep/").unwrap(),
            "https://x.backend.eu.journeyapps.com/api/v4/dep"
        );
        assert!(upstream_base("http://127.0.0.1:9/api").is_ok());
        for bad in [
            "x.example",
            "https://",
            "https://a/b?k=1",
            "https://u:p@a/b",
            "ftp://a",
        ] {
            assert!(upstream_base(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn only_its_own_hosts_are_answered() {
        let addr: SocketAddr = "127.0.0.1:8080".parse().unwrap();
        let hosts = allowed_hosts(addr, Some("https://Roster.example.com:443/"));
        for host in [
            "127.0.0.1:8080",
            "localhost:8080",
            "roster.example.com",
            "roster.example.com:443",
        ] {
            assert!(hosts.contains(&host.to_string()), "{host}");
        }
        assert!(!hosts.contains(&"evil.example".to_string()));
        let any: SocketAddr = "0.0.0.0:8080".parse().unwrap();
        assert!(!allowed_hosts(any, None).contains(&"0.0.0.0:8080".to_string()));
    }

    #[test]
    fn dot_segments_are_spotted_however_written() {
        for dots in [".", "..", "%2e", "%2E%2e", ".%2e"] {
            assert!(is_dot_segment(dots), "{dots}");
        }
        for fine in ["users", "...", "a.b", ""] {
            assert!(!is_dot_segment(fine), "{fine}");
        }
    }
}
