//! Hosting for real: the same dist/ under a sub-path of nginx and of Caddy with the recipes'
//! security headers and the API proxied to the sandbox, on a host without rules (404.html),
//! and through Roster's own proxy in front of a sandbox that allows no browser origin. Every
//! page runs under the strict policy with no violation; a deep link survives a reload.

use roster_e2e::{Harness, Screen, WebServer, DEPLOYMENT, TOKEN};
use roster_sandbox::proxy::{self, ProxyConfig};
use std::sync::Arc;

/// The policy every recipe sends (and dist/_headers holds).
const POLICY: &str = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; \
                      img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'self'; \
                      frame-ancestors 'none'";

/// `config.json` presetting the sandbox's API, reached through the web server.
fn config_json() -> String {
    serde_json::json!({"backends": [{"name": "Sandbox", "kind": "journeyapps",
        "base_url": format!("api/v4/{DEPLOYMENT}")}]})
    .to_string()
}

/// Checks the recipe's headers on the console's page at `url`.
async fn assert_strict_headers(url: &str) {
    let page = reqwest::get(url).await.unwrap();
    assert_eq!(page.status(), 200, "{url}");
    let header = |name| {
        page.headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_string()
    };
    assert_eq!(header("content-security-policy"), POLICY, "{url}");
    assert_eq!(header("x-content-type-options"), "nosniff");
    assert_eq!(header("referrer-policy"), "no-referrer");
}

/// Connects on the connect screen at `url` with the preset base URL `base` and the demo token.
async fn connect_at(h: &Harness, url: &str, base: &str) {
    h.browser.goto(url).await.unwrap();
    h.wait_for_value("#base-url", base).await;
    h.fill("#token", TOKEN).await;
    h.click("button[type=submit]").await;
    h.find("table.users tbody tr").await;
}

/// Opens a user from the users table, reloads the deep link, and re-authenticates one of its
/// sessions: the mount point is kept through it all.
async fn deep_link_and_one_action(h: &Harness, mount: &str) {
    let user = h
        .sandbox_users()
        .into_iter()
        .find(|u| !u.locked && u.sessions.iter().any(|s| s.state == "ENROLLED"))
        .unwrap();
    h.fill("#user-search", &user.id).await;
    h.click(&format!("table.users a[href='{mount}/users/{}']", user.id))
        .await;
    h.wait_for_text(".user-header .mono", &user.id).await;
    h.browser.refresh().await.unwrap();
    h.wait_for_text(".user-header .mono", &user.id).await;
    h.wait_for_path(&format!("{mount}/users/{}", user.id)).await;

    let session = user
        .sessions
        .iter()
        .find(|s| s.state == "ENROLLED")
        .unwrap();
    h.click(&format!(
        "tr[data-session='{}'] button.reauthenticate",
        session.id
    ))
    .await;
    h.click(".modal button.confirm").await;
    h.wait_for_text(".notice.ok", "must sign in again").await;
    let after = h.sandbox.state.journeyapps().user(&user.id).unwrap();
    let state = &after
        .sessions
        .iter()
        .find(|s| s.id == session.id)
        .unwrap()
        .state;
    assert_eq!(state, "LOCKED");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn nginx_serves_it_under_a_sub_path_with_strict_headers() {
    let h = Harness::start(30).await;
    let backend = h.sandbox.addr.to_string();
    let plain_host = format!(
        "location /plain/ {{ add_header X-No-Rules yes; error_page 404 /plain/404.html; }}\n\
         location /plain/api/ {{ proxy_pass http://{backend}/api/; }}"
    );
    let nginx = WebServer::nginx(&config_json(), &backend, &plain_host).await;
    assert_strict_headers(&nginx.url("/roster/")).await;

    let base = nginx.url(&format!("/roster/api/v4/{DEPLOYMENT}"));
    connect_at(&h, &nginx.url("/roster/"), &base).await;
    h.screenshot("hosted-nginx-users", Screen::Desktop).await;

    // The view lives in the URL under the mount point and survives a reload.
    h.find("#status-filter")
        .await
        .select_by_value("enrolled")
        .await
        .unwrap();
    h.wait_for_text("table.users caption", " of 30 users").await;
    h.wait_for_path("/roster/users").await;
    h.browser.refresh().await.unwrap();
    h.wait_for_text("table.users caption", " of 30 users").await;
    let url = h.browser.current_url().await.unwrap();
    assert_eq!(url.query(), Some("status=enrolled"), "{url}");

    deep_link_and_one_action(&h, "/roster").await;

    // Enrollment: the QR code under the strict policy.
    h.click(".crumbs a").await;
    h.find("table.users tbody tr").await;
    let unlocked = h.sandbox_users().into_iter().find(|u| !u.locked).unwrap();
    h.browser
        .goto(&nginx.url(&format!("/roster/users/{}", unlocked.id)))
        .await
        .unwrap();
    h.click("#enroll").await;
    h.find(".qr svg").await;
    h.screenshot("hosted-nginx-enrollment", Screen::Tablet)
        .await;
    h.click(".modal .dialog-buttons button.primary").await;

    // The policy is enforced, and the record of violations works: an inline script is blocked
    // and recorded.
    assert!(h.csp_violations().await.is_empty());
    h.script("const s = document.createElement('script'); s.textContent = 'window.ran = 1'; document.head.append(s); return 0;")
        .await;
    let ran = h.script("return window.ran === 1;").await;
    assert_eq!(ran, false, "the inline script must not run");
    let seen = h.wait_for_violation().await;
    assert!(seen[0].starts_with("script-src"), "{seen:?}");
    h.script("localStorage.removeItem('roster-e2e-csp'); return 0;")
        .await;

    // A host without rules: its 404.html sends a deep link back to the console.
    h.browser
        .goto(&nginx.url("/plain/sessions?state=ENROLLED"))
        .await
        .unwrap();
    h.wait_for_text("table.all-sessions caption", "sessions")
        .await;
    h.wait_for_path("/plain/sessions").await;
    let url = h.browser.current_url().await.unwrap();
    assert_eq!(url.query(), Some("state=ENROLLED"), "{url}");
    h.screenshot("hosted-404-fallback", Screen::Desktop).await;

    h.browser.goto(&nginx.url("/roster/users")).await.unwrap();
    h.find("table.users tbody tr").await;
    h.finish().await;
    nginx.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn caddy_serves_it_under_a_sub_path_with_strict_headers() {
    let h = Harness::start(30).await;
    let caddy = WebServer::caddy(&config_json(), &h.sandbox.addr.to_string()).await;
    assert_strict_headers(&caddy.url("/roster/")).await;
    let base = caddy.url(&format!("/roster/api/v4/{DEPLOYMENT}"));
    connect_at(&h, &caddy.url("/roster/"), &base).await;
    deep_link_and_one_action(&h, "/roster").await;
    h.finish().await;
    caddy.stop().await;
}

/// A proxy in front of `upstream`, serving dist/.
async fn proxy_to(upstream: &str, more: &[&str]) -> proxy::RunningProxy {
    let dist = roster_e2e::repo_root().join("dist");
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
    proxy::start(config, Arc::new(|_| {})).await.unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_proxy_serves_a_backend_that_allows_no_browser_origin() {
    // The harness's sandbox allows no CORS origin: only the proxy's own origin can work.
    let h = Harness::start(30).await;
    let proxy = proxy_to(&h.sandbox.base_url(), &[]).await;
    assert_strict_headers(&format!("{}/", proxy.url())).await;
    connect_at(
        &h,
        &format!("{}/", proxy.url()),
        &format!("{}/backend", proxy.url()),
    )
    .await;
    h.wait_for_text("table.users caption", "30 users").await;
    deep_link_and_one_action(&h, "").await;

    // Enrollment through the proxy.
    h.click(".crumbs a").await;
    let unlocked = h.sandbox_users().into_iter().find(|u| !u.locked).unwrap();
    h.browser
        .goto(&format!("{}/users/{}", proxy.url(), unlocked.id))
        .await
        .unwrap();
    h.click("#enroll").await;
    h.find(".qr svg").await;
    let pending = h
        .sandbox
        .state
        .journeyapps()
        .pending_tokens(&unlocked.id)
        .unwrap();
    assert_eq!(pending.len(), 1);
    h.click(".modal .dialog-buttons button.primary").await;
    h.find(".user-header").await;
    h.finish().await;
    proxy.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_slow_backend_behind_the_proxy_is_a_readable_error() {
    let h = Harness::start(5).await;
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
    let proxy = proxy_to(&upstream, &["--timeout", "1"]).await;
    h.browser.goto(&format!("{}/", proxy.url())).await.unwrap();
    h.wait_for_value("#base-url", &format!("{}/backend", proxy.url()))
        .await;
    h.fill("#token", TOKEN).await;
    h.click("button[type=submit]").await;
    let said = h
        .wait_for_text("[role=alert]", "did not answer within 1 s")
        .await;
    assert!(said.contains("504"), "{said}");
    assert!(!said.contains(TOKEN));
    h.finish().await;
    held.abort();
    proxy.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_cloudfront_function_sends_deep_links_back_and_lets_files_through() {
    let function =
        std::fs::read_to_string(roster_e2e::repo_root().join("hosting/cloudfront-function.js"))
            .unwrap();
    let event = |uri: &str, query: &str| {
        format!("{{request: {{uri: '{uri}', querystring: {query}, headers: {{}}}}}}")
    };
    let cases = [
        event(
            "/roster/users/abc",
            "{q: {value: 'ann'}, dir: {value: 'desc'}}",
        ),
        event("/roster/", "{}"),
        event("/roster", "{}"),
        event("/roster/boot-0123456789abcdef.js", "{}"),
        event("/elsewhere/page", "{}"),
    ];
    let script = format!(
        "{function}\nconsole.log(JSON.stringify([{}].map(handler)));",
        cases.join(",")
    );
    let out = tokio::process::Command::new("node")
        .args(["-e", &script])
        .output()
        .await
        .expect("node runs (.ci/setup installs it)");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let results: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(results[0]["statusCode"], 302);
    assert_eq!(
        results[0]["headers"]["location"]["value"],
        "/roster/#/roster/users/abc?q=ann&dir=desc"
    );
    assert_eq!(results[1]["uri"], "/roster/index.html");
    assert_eq!(results[2]["uri"], "/roster/index.html");
    assert_eq!(results[3]["uri"], "/roster/boot-0123456789abcdef.js");
    assert_eq!(
        results[4]["uri"], "/elsewhere/page",
        "outside the mount point: untouched"
    );
}
