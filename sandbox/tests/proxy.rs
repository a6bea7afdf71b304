//! The proxy over real HTTP: in front of a sandbox that allows no browser origin, it forwards
//! the console's calls with their credentials and never logs them, refuses to go anywhere but
//! its upstream, and says so when the upstream is too slow.

use roster_sandbox::proxy::{self, ProxyConfig, RunningProxy};
use roster_sandbox::{start, Config, RunningSandbox};
use serde_json::Value;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const TOKEN: &str = "proxy-test-token-s3cret";
const DEPLOYMENT: &str = "64f1a2b3c4d5e6f708192a3b";

async fn sandbox() -> RunningSandbox {
    let config = Config::from_args([
        "--addr",
        "127.0.0.1:0",
        "--db",
        ":memory:",
        "--demo-users",
        "12",
        "--api-token",
        TOKEN,
        "--deployment-id",
        DEPLOYMENT,
    ])
    .unwrap();
    start(config).await.unwrap()
}

/// A proxy to `upstream` (more arguments after), and the lines it logged.
async fn proxy_to(upstream: &str, more: &[&str]) -> (RunningProxy, Arc<Mutex<Vec<String>>>) {
    let lines = Arc::new(Mutex::new(Vec::new()));
    let log = {
        let lines = lines.clone();
        Arc::new(move |line: String| lines.lock().unwrap().push(line))
    };
    let dist = std::env::temp_dir().join(format!("roster-proxy-dist-{}", std::process::id()));
    std::fs::create_dir_all(&dist).unwrap();
    std::fs::write(dist.join("index.html"), "<title>Roster</title>").unwrap();
    let mut args = vec![
        "--addr",
        "127.0.0.1:0",
        "--upstream",
        upstream,
        "--dist",
        dist.to_str().unwrap(),
    ];
    args.extend_from_slice(more);
    let config = ProxyConfig::from_args(args).unwrap();
    (proxy::start(config, log).await.unwrap(), lines)
}

/// Sends raw HTTP/1.1 text and returns the status line.
async fn raw(proxy: &RunningProxy, request: &str) -> String {
    let mut stream = tokio::net::TcpStream::connect(proxy.addr).await.unwrap();
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut answer = vec![0; 4096];
    let n = stream.read(&mut answer).await.unwrap();
    String::from_utf8_lossy(&answer[..n])
        .lines()
        .next()
        .unwrap_or_default()
        .to_string()
}

#[tokio::test]
async fn forwards_calls_with_their_credentials_and_never_logs_them() {
    let sandbox = sandbox().await;
    let (proxy, log) = proxy_to(&sandbox.base_url(), &[]).await;
    let client = reqwest::Client::new();
    let users = client
        .get(format!("{}/backend/users?limit=5&secret=q", proxy.url()))
        .header("Authorization", format!("Bearer O:{TOKEN}"))
        .send()
        .await
        .unwrap();
    assert_eq!(users.status(), 200);
    assert_eq!(users.headers()["cache-control"], "no-store");
    let body: Value = users.json().await.unwrap();
    assert_eq!(body["count"], 5);
    assert_eq!(body["total"], 12);

    // A write, body and all.
    let id = body["objects"][0]["id"].as_str().unwrap().to_string();
    let locked = client
        .post(format!("{}/backend/users/{id}/lock", proxy.url()))
        .header("Authorization", format!("Bearer O:{TOKEN}"))
        .json(&serde_json::json!({"wipe": false}))
        .send()
        .await
        .unwrap();
    assert_eq!(locked.status(), 204);
    assert!(sandbox.state.journeyapps().user(&id).unwrap().locked);

    // Without credentials, the upstream's own refusal comes back.
    let refused = client
        .get(format!("{}/backend/users", proxy.url()))
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 401);
    let error: Value = refused.json().await.unwrap();
    assert_eq!(error["type"], "AUTHENTICATION_FAILED");

    let lines = log.lock().unwrap().clone();
    assert_eq!(lines.len(), 3, "{lines:?}");
    assert!(
        lines[0].starts_with("GET /backend/users -> 200 in "),
        "{lines:?}"
    );
    assert!(lines[1].starts_with(&format!("POST /backend/users/{id}/lock -> 204")));
    for line in &lines {
        assert!(!line.contains(TOKEN) && !line.contains("s3cret") && !line.contains("secret=q"));
    }

    // The console it serves finds the backend through config.json, relative to it.
    let config: Value = client
        .get(format!("{}/config.json", proxy.url()))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(config["backends"][0]["kind"], "journeyapps");
    assert_eq!(config["backends"][0]["base_url"], "backend");
    proxy.stop().await;
    sandbox.stop().await;
}

#[tokio::test]
async fn it_goes_nowhere_but_its_upstream() {
    let sandbox = sandbox().await;
    let (proxy, log) = proxy_to(&sandbox.base_url(), &[]).await;
    let host = format!("127.0.0.1:{}", proxy.addr.port());
    let absolute = raw(
        &proxy,
        "GET http://evil.example/backend/users HTTP/1.1\r\nHost: evil.example\r\n\r\n",
    )
    .await;
    assert!(absolute.contains(" 400 "), "{absolute}");
    let foreign = raw(
        &proxy,
        "GET /backend/users HTTP/1.1\r\nHost: evil.example\r\n\r\n",
    )
    .await;
    assert!(foreign.contains(" 421 "), "{foreign}");
    for climb in [
        "/backend/../sandbox/clock",
        "/backend/%2e%2e/%2E%2E/etc/passwd",
    ] {
        let answer = raw(
            &proxy,
            &format!("POST {climb} HTTP/1.1\r\nHost: {host}\r\nContent-Length: 0\r\n\r\n"),
        )
        .await;
        assert!(answer.contains(" 400 "), "{climb}: {answer}");
    }
    let own = raw(
        &proxy,
        &format!("GET /backend/users HTTP/1.1\r\nHost: {host}\r\n\r\n"),
    )
    .await;
    assert!(
        own.contains(" 401 "),
        "its own host reaches the upstream: {own}"
    );
    assert_eq!(
        sandbox.state.api_requests(),
        0,
        "nothing refused reached the upstream"
    );
    assert_eq!(
        log.lock().unwrap().len(),
        1,
        "only the forwarded request is logged"
    );
    proxy.stop().await;
    sandbox.stop().await;
}

#[tokio::test]
async fn a_slow_upstream_times_out_with_a_readable_error() {
    // An upstream that accepts connections and never answers.
    let silent = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let upstream = format!(
        "http://{}/api/v4/{DEPLOYMENT}",
        silent.local_addr().unwrap()
    );
    let held = tokio::spawn(async move {
        let mut open = Vec::new();
        while let Ok((stream, _)) = silent.accept().await {
            open.push(stream);
        }
    });
    let (proxy, _) = proxy_to(&upstream, &["--timeout", "1"]).await;
    let started = Instant::now();
    let answer = reqwest::Client::new()
        .get(format!("{}/backend/users", proxy.url()))
        .header("Authorization", format!("Bearer O:{TOKEN}"))
        .send()
        .await
        .unwrap();
    assert!(started.elapsed() < Duration::from_secs(5));
    assert_eq!(answer.status(), 504);
    let error: Value = answer.json().await.unwrap();
    assert_eq!(error["type"], "GATEWAY_TIMEOUT");
    assert!(error["detail"]
        .as_str()
        .unwrap()
        .contains("did not answer within 1 s"));
    assert!(!error.to_string().contains(TOKEN));

    // An upstream nobody listens on.
    let (closed, _) = proxy_to("http://127.0.0.1:9/api", &[]).await;
    let answer = reqwest::Client::new()
        .get(format!("{}/backend/users", closed.url()))
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), 502);
    held.abort();
    proxy.stop().await;
    closed.stop().await;
}
