//! Hosting for real: the same dist/ on nginx at a sub-path and at the site root, as a host that
//! rewrites every path to index.html (the recipe as shipped) and as a host without rules
//! (404.html), with every route reloaded; on Caddy with its recipe; and through Roster's own
//! proxy in front of a sandbox that allows no browser origin. Every page runs under the strict
//! policy with no violation and no console error, and no link leaves the mount point.

use roster_e2e::{repo_root, Harness, Host, Screen, WebServer, DEPLOYMENT, TOKEN};
use roster_sandbox::proxy::{self, ProxyConfig};
use serde_json::json;
use std::sync::Arc;

/// The policy every recipe sends: the one in dist/_headers.
fn policy() -> String {
    let headers = std::fs::read_to_string(repo_root().join("hosting/_headers")).unwrap();
    headers
        .lines()
        .find_map(|l| l.trim().strip_prefix("Content-Security-Policy:"))
        .expect("_headers sets a Content-Security-Policy")
        .trim()
        .to_string()
}

/// `config.json` presetting the sandbox's API, reached through the web server.
fn config_json() -> String {
    json!({"backends": [{"name": "Sandbox", "kind": "journeyapps",
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
    assert_eq!(header("content-security-policy"), policy(), "{url}");
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

/// Every link on the page (and the top bar's above all) stays below `mount`.
async fn links_stay_below(h: &Harness, mount: &str) {
    let hrefs = h
        .script(
            "return [...document.querySelectorAll('a[href]')].map(a => a.getAttribute('href'));",
        )
        .await;
    let hrefs: Vec<String> = serde_json::from_value(hrefs).unwrap();
    assert!(!hrefs.is_empty());
    for href in hrefs.iter().filter(|href| !href.starts_with("http")) {
        assert!(
            href.starts_with(&format!("{mount}/")),
            "{href} leaves the mount point {mount:?} (links: {hrefs:?})"
        );
    }
}

/// Opens every route of the console by its address at `mount` on `server` (as a reload or a
/// pasted link would): each shows its page, keeps its path and query, and links only below
/// the mount point; from a user's page, the top bar's Users link goes to the users.
async fn every_route_reloads(h: &Harness, server: &WebServer, mount: &str) {
    let user = h
        .sandbox_users()
        .into_iter()
        .find(|u| !u.sessions.is_empty())
        .unwrap();
    let routes = [
        ("/users".to_string(), "table.users caption", "30 users"),
        (
            "/users?status=enrolled".into(),
            "table.users caption",
            " of 30 users",
        ),
        (
            format!("/users/{}", user.id),
            ".user-header .mono",
            user.id.as_str(),
        ),
        (
            "/sessions?state=ENROLLED".into(),
            "table.all-sessions caption",
            "sessions",
        ),
        ("/policy".into(), "#policy-count", "more than 30 days"),
        ("/activity".into(), "h1", "Activity"),
    ];
    for (route, css, expected) in &routes {
        h.browser
            .goto(&server.url(&format!("{mount}{route}")))
            .await
            .unwrap();
        h.wait_for_text(css, expected).await;
        let (path, query) = route.split_once('?').unwrap_or((route, ""));
        h.wait_for_path(&format!("{mount}{path}")).await;
        let url = h.browser.current_url().await.unwrap();
        assert_eq!(url.query().unwrap_or_default(), query, "{url}");
        links_stay_below(h, mount).await;
    }
    // The top bar's links, from a user's page: the address stays below the mount point.
    h.browser
        .goto(&server.url(&format!("{mount}/users/{}", user.id)))
        .await
        .unwrap();
    h.wait_for_text(".user-header .mono", &user.id).await;
    h.click(&format!(".topbar .sections a[href='{mount}/users']"))
        .await;
    h.wait_for_path(&format!("{mount}/users")).await;
    h.find("table.users tbody tr").await;
    h.browser.refresh().await.unwrap();
    h.find("table.users tbody tr").await;
    h.assert_console_clean().await;
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
async fn nginx_rewriting_to_index_html_serves_every_route_at_a_sub_path_and_at_the_root() {
    let h = Harness::start(30).await;
    let backend = h.sandbox.addr.to_string();
    for mount in ["/tools/roster", ""] {
        let nginx = WebServer::nginx(&config_json(), &backend, mount, Host::Rewrites).await;
        assert_strict_headers(&nginx.url(&format!("{mount}/"))).await;
        // A deep link is the console's page at its own address (no redirect).
        let deep = reqwest::get(nginx.url(&format!("{mount}/users/abc")))
            .await
            .unwrap();
        assert_eq!(deep.status(), 200);
        let base = nginx.url(&format!("{mount}/api/v4/{DEPLOYMENT}"));
        connect_at(&h, &nginx.url(&format!("{mount}/")), &base).await;
        every_route_reloads(&h, &nginx, mount).await;
        if !mount.is_empty() {
            h.browser
                .goto(&nginx.url(&format!("{mount}/users")))
                .await
                .unwrap();
            h.find("table.users tbody tr").await;
            h.screenshot("hosted-nginx-users", Screen::Desktop).await;
            deep_link_and_one_action(&h, mount).await;

            // Enrollment: the QR code under the strict policy.
            let unlocked = h.sandbox_users().into_iter().find(|u| !u.locked).unwrap();
            h.browser
                .goto(&nginx.url(&format!("{mount}/users/{}", unlocked.id)))
                .await
                .unwrap();
            h.click("#enroll").await;
            h.find(".qr svg").await;
            h.screenshot("hosted-nginx-enrollment", Screen::Tablet)
                .await;
            h.click(".modal .dialog-buttons button.primary").await;

            // The policy is enforced, and the record of violations works: an inline script is
            // blocked and recorded.
            assert!(h.csp_violations().await.is_empty());
            h.expect_console_error("Content Security Policy");
            h.script("const s = document.createElement('script'); s.textContent = 'window.ran = 1'; document.head.append(s); return 0;")
                .await;
            let ran = h.script("return window.ran === 1;").await;
            assert_eq!(ran, false, "the inline script must not run");
            let seen = h.wait_for_violation().await;
            assert!(seen[0].starts_with("script-src"), "{seen:?}");
            h.script("localStorage.removeItem('roster-e2e-csp'); return 0;")
                .await;
        }
        assert!(h.csp_violations().await.is_empty());
        nginx.stop().await;
    }
    h.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_host_without_rules_serves_every_route_by_its_404_page_at_a_sub_path_and_at_the_root() {
    let h = Harness::start(30).await;
    let backend = h.sandbox.addr.to_string();
    for mount in ["/tools/roster", ""] {
        let nginx = WebServer::nginx(&config_json(), &backend, mount, Host::NoRules).await;
        // Such a host answers a deep link 404 with 404.html: the browser logs the status.
        h.expect_console_error("status of 404");
        let base = nginx.url(&format!("{mount}/api/v4/{DEPLOYMENT}"));
        connect_at(&h, &nginx.url(&format!("{mount}/")), &base).await;
        every_route_reloads(&h, &nginx, mount).await;
        if !mount.is_empty() {
            h.screenshot("hosted-404-fallback", Screen::Desktop).await;
        }
        nginx.stop().await;
    }
    h.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn caddy_serves_it_under_a_sub_path_with_strict_headers() {
    let h = Harness::start(30).await;
    let caddy = WebServer::caddy(&config_json(), &h.sandbox.addr.to_string()).await;
    assert_strict_headers(&caddy.url("/roster/")).await;
    let base = caddy.url(&format!("/roster/api/v4/{DEPLOYMENT}"));
    connect_at(&h, &caddy.url("/roster/"), &base).await;
    every_route_reloads(&h, &caddy, "/roster").await;
    h.browser.goto(&caddy.url("/roster/users")).await.unwrap();
    h.find("table.users tbody tr").await;
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
    h.expect_console_error("status of 504"); // the proxy's timeout
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
async fn the_cloudfront_function_gives_deep_links_the_console_and_lets_files_through() {
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
    assert_eq!(
        results[0]["uri"], "/roster/index.html",
        "a deep link: the console"
    );
    assert_eq!(results[1]["uri"], "/roster/index.html");
    assert_eq!(results[2]["uri"], "/roster/index.html");
    assert_eq!(results[3]["uri"], "/roster/boot-0123456789abcdef.js");
    assert_eq!(
        results[4]["uri"], "/elsewhere/page",
        "outside the mount point: untouched"
    );
    assert!(
        results[0].get("statusCode").is_none(),
        "a rewrite, not a redirect"
    );
}
