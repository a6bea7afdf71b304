//! PORTOS in the same console: connecting with a login, sessions searched, filtered, sorted
//! and paged on the server (the NData each request carries is checked against what the table
//! shows and what the sandbox answers), revoking one session, a user's, everything a filter
//! matches and the idle ones, the console's own session kept out, and a token that expires
//! mid-session refreshed without the admin noticing.

use fantoccini::Locator;
use roster_core::backend::http::encode_component;
use roster_e2e::{Harness, PAGE_ROWS, PASSWORD};
use roster_sandbox::portos::query::{self, Arg, Member, Op};
use roster_sandbox::portos::store::Session;
use serde_json::{json, Value};

/// The sessions the sandbox lists for a raw NData query, in its order.
fn sandbox_ids(h: &Harness, raw: &str) -> Vec<String> {
    let query = query::parse(raw).unwrap_or_else(|p| panic!("{raw}: {}", p.detail));
    let store = h.sandbox.state.portos();
    store
        .list(&query)
        .unwrap()
        .into_iter()
        .map(|s| s.session_id)
        .collect()
}

/// How many sessions the sandbox holds that a raw NData query matches.
fn sandbox_count(h: &Harness, raw: &str) -> u64 {
    let query = query::parse(raw).unwrap();
    h.sandbox.state.portos().count_matching(&query).unwrap()
}

/// Every session the sandbox holds.
fn sandbox_sessions(h: &Harness) -> Vec<Session> {
    let query = query::parse("$take=1000").unwrap();
    let store = h.sandbox.state.portos();
    let mut all = Vec::new();
    let mut query = query;
    loop {
        let page = store.list(&query).unwrap();
        let done = page.len() < 1000;
        all.extend(page);
        if done {
            return all;
        }
        query.skip += 1000;
    }
}

/// The ids of the session rows on screen.
async fn shown_ids(h: &Harness) -> Vec<String> {
    let mut ids = Vec::new();
    for row in h
        .browser
        .find_all(Locator::Css("table.all-sessions tbody tr"))
        .await
        .unwrap()
    {
        ids.push(row.attr("data-session").await.unwrap().unwrap_or_default());
    }
    ids
}

/// Waits until the table shows exactly `expected`, in order.
async fn wait_for_rows(h: &Harness, expected: &[String]) {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    loop {
        let shown = shown_ids(h).await;
        if shown == expected {
            return;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the table shows {} rows ({:?}…), not the {} expected ({:?}…)",
            shown.len(),
            shown.first(),
            expected.len(),
            expected.first()
        );
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
}

/// The query of the latest listing request that contains every one of `parts`, once the
/// browser has sent one.
async fn latest_listing(h: &Harness, parts: &[&str]) -> String {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    loop {
        let sent = h.requested("/portos/sessions?").await;
        if let Some(url) = sent
            .iter()
            .rev()
            .find(|u| parts.iter().all(|p| u.contains(p)))
        {
            return url.split_once('?').unwrap().1.to_string();
        }
        assert!(
            std::time::Instant::now() < deadline,
            "no listing request with {parts:?}; the last was {:?}",
            sent.last()
        );
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
}

/// The console's own session, as the sandbox's profile says for the token it keeps.
async fn own_session(h: &Harness) -> String {
    let stored = h
        .script("return sessionStorage.getItem('roster.connection');")
        .await;
    let connection: Value = serde_json::from_str(stored.as_str().unwrap()).unwrap();
    let token = connection["credentials"]["PortosSession"]["token_id"]
        .as_str()
        .unwrap()
        .to_string();
    let profile: Value = reqwest::Client::new()
        .get(format!("{}/api/auth", h.sandbox.portos_url()))
        .bearer_auth(token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    profile["sessionId"].as_str().unwrap().to_string()
}

/// Signs the admin in from another device, as a second console would.
async fn another_login(h: &Harness, device: &str) -> String {
    let answer: Value = reqwest::Client::new()
        .post(format!("{}/api/auth", h.sandbox.portos_url()))
        .json(&json!({"UserName": "admin", "Password": PASSWORD, "DeviceName": device}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    answer["tokenId"].as_str().unwrap().to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn search_filters_sort_and_paging_run_on_the_server() {
    let h = Harness::start(400).await;
    h.connect_to_portos().await;
    let total = sandbox_sessions(&h).len();
    assert_eq!(total, 401, "the demo and the console's own");
    h.wait_for_text("table.all-sessions caption", &format!("{total} sessions"))
        .await;
    // The first page: by user as every sessions table opens, a hundred rows, the console's
    // own marked.
    let first = latest_listing(&h, &["$skip=0"]).await;
    assert_eq!(
        query::parse(&first).unwrap(),
        query::Query {
            sort: vec![(Member::UserName, false), (Member::SessionId, false)],
            take: 100,
            ..query::Query::default()
        }
    );
    wait_for_rows(&h, &sandbox_ids(&h, &first)).await;
    assert_eq!(shown_ids(&h).await.len(), PAGE_ROWS);
    h.browser
        .goto(&h.app_url("/sessions?user=admin"))
        .await
        .unwrap();
    let own = own_session(&h).await;
    wait_for_rows(&h, std::slice::from_ref(&own)).await;
    let marked = h.find("td.own-session").await.text().await.unwrap();
    assert!(
        marked.contains("Roster console") && marked.contains("this console"),
        "{marked}"
    );
    h.browser.goto(&h.app_url("/sessions")).await.unwrap();
    // PORTOS has no lock, wipe or enrollment: nothing offers them.
    for absent in [
        "#bulk-lock",
        "#bulk-wipe",
        "button.wipe",
        "button.reauthenticate",
        "#lock",
        "#enroll",
    ] {
        assert!(!h.exists(absent).await, "{absent}");
    }

    // Search and environment: the request says both, and the rows are what the sandbox has.
    h.fill("#session-search", "pda1").await;
    h.find("#environment-filter")
        .await
        .select_by_value("PDA")
        .await
        .unwrap();
    let raw = latest_listing(&h, &["identity.envName", "identity.deviceName"]).await;
    let sent = query::parse(&raw).unwrap();
    assert_eq!(
        sent.filters,
        [
            (Member::DeviceName, Op::Ct, Arg::Text("pda1".into())),
            (Member::EnvName, Op::Eq, Arg::Text("PDA".into())),
        ]
    );
    assert_eq!((sent.skip, sent.take), (0, 100));
    let expected = sandbox_ids(&h, &raw);
    assert!(
        !expected.is_empty() && expected.len() < 50,
        "{}",
        expected.len()
    );
    wait_for_rows(&h, &expected).await;
    h.wait_for_text(
        "table.all-sessions caption",
        &format!("{} sessions", expected.len()),
    )
    .await;
    let url = h.browser.current_url().await.unwrap();
    assert_eq!(
        url.query(),
        Some("q=pda1&env=PDA"),
        "the view lives in the URL"
    );

    // Sorted by user already: a click turns it descending. The same filters, the server's
    // order.
    h.click("button.sort[data-sort=user]").await;
    let raw = latest_listing(&h, &["identity.envName", "$sort=-identity.userName"]).await;
    assert_eq!(
        query::parse(&raw).unwrap().sort,
        [(Member::UserName, true), (Member::SessionId, false)]
    );
    wait_for_rows(&h, &sandbox_ids(&h, &raw)).await;

    // The user, idle and expiring filters become members of the query too.
    h.browser.goto(&h.app_url("/sessions")).await.unwrap();
    h.fill("#user-filter", "999").await;
    h.fill("#idle-filter", "20").await;
    // Typed a digit at a time: the request for "20" days, not the one for "2".
    let twenty_days_ago = format!(
        "lt%3A{}T",
        (chrono::Utc::now() - chrono::Duration::days(20)).format("%Y-%m-%d")
    );
    let raw = latest_listing(&h, &["identity.userName", &twenty_days_ago]).await;
    let sent = query::parse(&raw).unwrap();
    assert_eq!(
        sent.filters[0],
        (Member::UserName, Op::Ct, Arg::Text("999".into()))
    );
    let Arg::Time(before) = sent.filters[1].2.clone() else {
        panic!("{raw}")
    };
    let days = (chrono::Utc::now().timestamp() - before / 10_000_000) as f64 / 86_400.0;
    assert!((19.99..20.01).contains(&days), "{days} days");
    wait_for_rows(&h, &sandbox_ids(&h, &raw)).await;
    h.browser
        .goto(&h.app_url("/sessions?expiring=6"))
        .await
        .unwrap();
    let raw = latest_listing(&h, &["expiresAt"]).await;
    let sent = query::parse(&raw).unwrap();
    assert_eq!(
        sent.filters
            .iter()
            .map(|(m, op, _)| (*m, *op))
            .collect::<Vec<_>>(),
        [(Member::ExpiresAt, Op::Ge), (Member::ExpiresAt, Op::Le)]
    );
    wait_for_rows(&h, &sandbox_ids(&h, &raw)).await;

    // Paging: the next page starts where the first ended, as the sandbox pages.
    h.browser.goto(&h.app_url("/sessions")).await.unwrap();
    wait_for_rows(&h, &sandbox_ids(&h, &first)).await;
    h.wait_for_text(".pager .page-position", &format!("Rows 1–100 of {total}"))
        .await;
    h.click(".pager .next-page").await;
    h.wait_for_text(".pager .page-position", &format!("Rows 101–200 of {total}"))
        .await;
    wait_for_rows(&h, &sandbox_ids(&h, &first.replace("$skip=0", "$skip=100"))).await;
    latest_listing(&h, &["$skip=100", "$take=100"]).await;
    h.click(".pager .prev-page").await;
    h.wait_for_text(".pager .page-position", &format!("Rows 1–100 of {total}"))
        .await;
    h.finish().await;
}

/// The sessions of `user` the sandbox holds.
fn sessions_of(h: &Harness, user: &str) -> Vec<Session> {
    sandbox_sessions(h)
        .into_iter()
        .filter(|s| s.user_name == user)
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn revoke_one_session_one_already_gone_and_every_session_of_a_user() {
    let h = Harness::start(300).await;
    h.expect_console_error("status of 404"); // the session already gone
    h.connect_to_portos().await;
    let own = own_session(&h).await;

    // One session, from its row: confirmed, deleted on the server, gone from the table.
    let target = shown_ids(&h)
        .await
        .into_iter()
        .find(|id| *id != own)
        .unwrap();
    h.click(&format!("tr[data-session='{target}'] button.revoke"))
        .await;
    let dialog = h.find(".modal").await.text().await.unwrap();
    assert!(
        dialog.contains("signed out") && dialog.contains("No data is deleted"),
        "{dialog}"
    );
    h.click(".modal button.confirm").await;
    h.wait_for_text(".notice.ok", "Revoked").await;
    assert!(h.sandbox.state.portos().get(&target).unwrap().is_none());
    let first = latest_listing(&h, &["$skip=0"]).await;
    wait_for_rows(&h, &sandbox_ids(&h, &first)).await;
    assert!(!shown_ids(&h).await.contains(&target));

    // A session someone else revoked meanwhile: its 404 is "already gone", not a failure.
    let gone = shown_ids(&h)
        .await
        .into_iter()
        .find(|id| *id != own)
        .unwrap();
    h.sandbox.state.portos().delete(&gone).unwrap();
    h.click(&format!("tr[data-session='{gone}'] button.revoke"))
        .await;
    h.click(".modal button.confirm").await;
    h.wait_for_text(".notice.ok", "Already gone; nothing needed doing")
        .await;

    // Every session of a cashier, from the user's page.
    let sessions = sandbox_sessions(&h);
    let cashier = sessions
        .iter()
        .map(|s| s.user_name.clone())
        .find(|name| {
            name != "admin" && sessions.iter().filter(|s| &s.user_name == name).count() >= 3
        })
        .expect("a cashier with three sessions");
    let count = sessions_of(&h, &cashier).len();
    let encoded = encode_component(&cashier);
    h.browser
        .goto(&h.app_url(&format!("/sessions?user={encoded}")))
        .await
        .unwrap();
    h.click(&format!(
        "table.all-sessions tbody td a[href$='/users/{encoded}']"
    ))
    .await;
    h.wait_for_text("h1", &cashier).await;
    h.wait_for_all(
        "table.sessions tbody tr",
        "the cashier's sessions",
        |rows| rows.len() == count,
    )
    .await;
    h.click("#all-revoke").await;
    let dialog = h.find(".modal").await.text().await.unwrap();
    assert!(dialog.contains(&format!("{count} sessions")), "{dialog}");
    h.click(".modal button.confirm").await;
    h.wait_for_text(
        "#bulk-summary",
        &format!("Finished: {count} done, 0 failed"),
    )
    .await;
    h.click("#bulk-close").await;
    assert!(sessions_of(&h, &cashier).is_empty());
    h.wait_for_all("table.sessions tbody tr", "no sessions left", |rows| {
        rows.is_empty()
    })
    .await;
    h.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bulk_revoke_of_a_filter_spares_the_console_unless_it_is_ticked() {
    let h = Harness::start(1200).await;
    h.expect_console_error("status of 429"); // the rate limit the run waits out
    another_login(&h, "Other PC").await;
    h.connect_to_portos().await;
    let own = own_session(&h).await;

    // Everything matching a filter, over several pages: every one is read, then revoked.
    h.browser
        .goto(&h.app_url("/sessions?env=CashRegister"))
        .await
        .unwrap();
    let raw = "identity.envName=eq:CashRegister";
    let n = sandbox_count(&h, raw);
    assert!(n > 100, "more than a page: {n}");
    h.wait_for_text("table.all-sessions caption", &format!("{n} sessions"))
        .await;
    h.click("#select-all").await;
    h.wait_for_text(".selected-count", &format!("All {n} matching selected"))
        .await;
    // One row unticked stays out of it.
    let spared = shown_ids(&h).await[0].clone();
    h.click(&format!("tr[data-session='{spared}'] input.select-row"))
        .await;
    h.wait_for_text(
        ".selected-count",
        &format!("All {} matching selected", n - 1),
    )
    .await;
    h.click("#bulk-revoke").await;
    let dialog = h.find(".modal").await.text().await.unwrap();
    assert!(dialog.contains(&format!("{} sessions", n - 1)), "{dialog}");
    h.click(".modal button.confirm").await;
    h.wait_for_text(
        "#bulk-summary",
        &format!("Finished: {} done, 0 failed", n - 1),
    )
    .await;
    h.click("#bulk-close").await;
    assert_eq!(sandbox_count(&h, raw), 1);
    assert!(h.sandbox.state.portos().get(&spared).unwrap().is_some());
    let caption = h
        .wait_for_text("table.all-sessions caption", "1 session")
        .await;
    assert_eq!(caption.trim(), "1 session", "one session, in the singular");

    // The admin's sessions: "all matching" leaves the console's own out.
    h.browser
        .goto(&h.app_url("/sessions?user=admin"))
        .await
        .unwrap();
    h.wait_for_text("table.all-sessions caption", "2 sessions")
        .await;
    h.click("#select-all").await;
    assert!(!h
        .find(&format!("tr[data-session='{own}'] input.select-row"))
        .await
        .is_selected()
        .await
        .unwrap());
    h.click("#bulk-revoke").await;
    let dialog = h.find(".modal").await.text().await.unwrap();
    assert!(
        dialog.contains("1 session") && dialog.contains("Other PC"),
        "{dialog}"
    );
    assert!(!dialog.contains("Roster console"), "{dialog}");
    h.click(".modal button.confirm").await;
    h.wait_for_text("#bulk-summary", "Finished: 1 done, 0 failed")
        .await;
    h.click("#bulk-close").await;
    let admins = sessions_of(&h, "admin");
    assert_eq!(admins.len(), 1);
    assert_eq!(admins[0].session_id, own, "the console's own is left");

    // Ticked on its own, it is revoked, and the console is signed out saying why.
    h.wait_for_text("table.all-sessions caption", "1 session")
        .await;
    h.click(&format!("tr[data-session='{own}'] input.select-row"))
        .await;
    h.click("#bulk-revoke").await;
    h.click(".modal button.confirm").await;
    h.wait_for_text("#bulk-summary", "Finished: 1 done, 0 failed")
        .await;
    h.click("#bulk-close").await;
    h.wait_for_path("/").await;
    h.wait_for_text(".connect", "own session was revoked").await;
    assert!(sessions_of(&h, "admin").is_empty());
    let kept = h
        .script("return sessionStorage.getItem('roster.connection');")
        .await;
    assert_eq!(kept, Value::Null, "nothing of the session is kept");
    h.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_idle_policy_counts_on_the_server_and_revokes_exactly_those() {
    let h = Harness::start(600).await;
    h.connect_to_portos().await;
    let own = own_session(&h).await;
    h.click("nav.sections a[href$='/policy']").await;
    h.fill("#policy-days", "10").await;
    let cutoff = chrono::Utc::now() - chrono::Duration::days(10);
    let raw = format!(
        "lastAccessAt=lt:{}",
        cutoff.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
    );
    let n = sandbox_count(&h, &raw);
    assert!(n > 100, "{n}");
    h.wait_for_text(
        "#policy-count",
        &format!("{n} sessions were last used more than 10 days ago"),
    )
    .await;
    latest_count(&h).await;
    h.wait_for_all("table.policy-sessions tbody tr", "the first page", |rows| {
        rows.len() == PAGE_ROWS
    })
    .await;
    h.click("#policy-run").await;
    let dialog = h.find(".modal").await.text().await.unwrap();
    assert!(dialog.contains(&format!("{n} sessions")), "{dialog}");
    h.click(".modal button.confirm").await;
    h.wait_for_text("#bulk-summary", &format!("Finished: {n} done, 0 failed"))
        .await;
    h.click("#bulk-close").await;
    h.wait_for_text("#policy-count", "0 sessions were last used")
        .await;
    assert_eq!(sandbox_count(&h, &raw), 0);
    assert!(h.sandbox.state.portos().get(&own).unwrap().is_some());
    h.finish().await;
}

/// Waits for the policy's count request: `$count=true` with the idle filter.
async fn latest_count(h: &Harness) -> String {
    let raw = latest_listing(h, &["$count=true", "lastAccessAt"]).await;
    let sent = query::parse(&raw).unwrap();
    assert!(sent.count);
    raw
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_expired_token_is_refreshed_without_the_admin_noticing() {
    let h = Harness::start_with(150, &["--portos-token-ttl", "120"]).await;
    h.expect_console_error("status of 401"); // the expired token, refreshed after it
    h.connect_to_portos().await;
    let own = own_session(&h).await;
    let version = || h.sandbox.state.portos().get(&own).unwrap().unwrap().version;
    let before = version();
    assert!(h.requested("/api/auth/refresh").await.is_empty());

    // The token ends on the server's clock; the next page is still read, after one refresh.
    h.sandbox.state.clock.advance(150).unwrap();
    h.click(".pager .next-page").await;
    h.wait_for_text(".pager .page-position", "Rows 101–151 of 151")
        .await;
    assert_eq!(h.requested("/api/auth/refresh").await.len(), 1);
    assert_eq!(version(), before + 1, "the same session, refreshed");
    assert!(!h.exists(".error").await);

    // The new tokens are the ones kept: a reload goes on without another refresh.
    h.browser.refresh().await.unwrap();
    h.find("table.all-sessions tbody tr").await;
    h.wait_for_path("/sessions").await;
    assert_eq!(version(), before + 1);
    assert!(
        h.requested("/api/auth/refresh").await.is_empty(),
        "a fresh page, no refresh"
    );
    h.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wrong_password_says_so_and_the_password_is_never_kept() {
    let h = Harness::start(20).await;
    h.expect_console_error("status of 401"); // the wrong password's refusal
    h.browser.goto(&h.app_url("/")).await.unwrap();
    h.wait_for_value("#base-url", &h.sandbox.base_url()).await;
    h.find("#preset").await.select_by_value("1").await.unwrap();
    h.wait_for_value("#base-url", &h.sandbox.portos_url()).await;
    h.find("label[for=base-url]").await;
    h.wait_for_text("label[for=base-url]", "Server address")
        .await;
    h.fill("#login-user", "admin").await;
    h.fill("#login-password", "not-the-password").await;
    h.click("button[type=submit]").await;
    h.wait_for_text(".connect .error", "refused").await;
    h.wait_for_path("/").await;
    assert_eq!(sandbox_sessions(&h).len(), 20, "no session was created");

    h.fill("#login-password", PASSWORD).await;
    h.click("button[type=submit]").await;
    h.find("table.all-sessions tbody tr").await;
    for storage in ["sessionStorage", "localStorage"] {
        let all = h
            .script(&format!(
                "return JSON.stringify(Object.assign({{}}, {storage}));"
            ))
            .await;
        let all = all.as_str().unwrap();
        assert!(!all.contains(PASSWORD), "{storage}: {all}");
    }
    let url = h.browser.current_url().await.unwrap();
    assert!(!url.as_str().contains(PASSWORD));
    h.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn users_are_the_sessions_grouped_by_name() {
    let h = Harness::start(250).await;
    h.connect_to_portos().await;
    h.click("nav.sections a[href$='/users']").await;
    let sessions = sandbox_sessions(&h);
    let mut names: Vec<&str> = sessions.iter().map(|s| s.user_name.as_str()).collect();
    names.sort();
    names.dedup();
    h.wait_for_text("table.users caption", &format!("{} users", names.len()))
        .await;

    // The manager's code: its count, devices and environments are its sessions'.
    h.fill("#user-search", "999").await;
    let rows = h
        .wait_for_all("table.users tbody tr", "the one user 999", |rows| {
            rows.len() == 1
        })
        .await;
    let text = rows[0].text().await.unwrap();
    let own: Vec<&Session> = sessions.iter().filter(|s| s.user_name == "999").collect();
    assert!(text.contains(&own.len().to_string()), "{text}");
    let mut devices: Vec<&str> = own.iter().map(|s| s.device_name.as_str()).collect();
    devices.sort();
    devices.dedup();
    assert!(text.contains(&devices.join(", ")), "{text} / {devices:?}");
    assert!(text.contains("BackOffice"), "{text}");
    assert!(
        !h.exists("table.users input.select-row").await,
        "nothing to tick rows for"
    );

    // The way into the user's sessions.
    h.click("table.users tbody td a").await;
    h.wait_for_text("h1", "999").await;
    h.wait_for_all("table.sessions tbody tr", "the user's sessions", |rows| {
        rows.len() == own.len()
    })
    .await;
    assert!(h.exists("#all-revoke").await);
    h.finish().await;
}
