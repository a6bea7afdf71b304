//! Apache Usergrid in the same console: both grants, the users searched, filtered and sorted on
//! the server as `ql` and paged by cursor, a user's devices, disable and enable, sign out
//! everywhere (a token the user had stops working), deactivate (typed), a bulk disable of
//! everything a filter matches, a hostile search, and an expired token.

use fantoccini::Locator;
use roster_core::backend::http::decode_component;
use roster_e2e::{Harness, PAGE_ROWS};
use roster_sandbox::usergrid::ql;
use roster_sandbox::usergrid::store::User;
use serde_json::{json, Value};

/// The users the sandbox lists for a `ql` query, in its order.
fn sandbox_users(h: &Harness, query: &str) -> Vec<User> {
    let parsed = ql::parse(query).unwrap_or_else(|e| panic!("{query}: {e}"));
    h.sandbox
        .state
        .usergrid()
        .list(&parsed, 0, 1_000_000)
        .unwrap()
        .0
}

/// The usernames in the table on screen.
async fn shown(h: &Harness) -> Vec<String> {
    let mut names = Vec::new();
    for cell in h
        .browser
        .find_all(Locator::Css("table.users tbody td.mono"))
        .await
        .unwrap()
    {
        names.push(cell.text().await.unwrap());
    }
    names
}

/// Waits until the table shows exactly `expected` usernames, in order.
async fn wait_for_users(h: &Harness, expected: &[String]) {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    loop {
        let now = shown(h).await;
        if now == expected {
            return;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the table shows {} users ({:?}…), not {} ({:?}…)",
            now.len(),
            now.first(),
            expected.len(),
            expected.first()
        );
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
}

/// The `ql` of the latest users request that contains `part`.
async fn latest_ql(h: &Harness, part: &str) -> String {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    loop {
        let sent = h.requested("/usergrid/roster/sandbox/users?").await;
        let found = sent.iter().rev().find_map(|url| {
            let query = url.split_once('?')?.1;
            let encoded = query.split('&').find_map(|pair| pair.strip_prefix("ql="))?;
            let ql = decode_component(encoded)?;
            ql.contains(part).then_some(ql)
        });
        if let Some(ql) = found {
            return ql;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "no query with {part:?}: {:?}",
            sent.last()
        );
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
}

fn usernames(users: &[User]) -> Vec<String> {
    users.iter().map(|u| u.username.clone()).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn both_grants_search_by_ql_and_page_by_cursor() {
    let h = Harness::start_with(5, &["--usergrid-users", "400"]).await;
    h.connect_to_usergrid("password").await;
    // The first page, by name, as the sandbox orders it.
    let first = latest_ql(&h, "order by name").await;
    assert_eq!(first, "select * order by name asc");
    let all = usernames(&sandbox_users(&h, &first));
    wait_for_users(&h, &all[..PAGE_ROWS]).await;
    // Nothing Usergrid lacks is offered.
    for absent in [
        "nav.sections a[href$='/sessions']",
        "nav.sections a[href$='/policy']",
        "#bulk-lock",
        "#bulk-deactivate",
    ] {
        assert!(!h.exists(absent).await, "{absent}");
    }
    // The next page follows the cursor.
    h.click(".pager .next-page").await;
    h.wait_for_text(".pager .page-position", "Rows 101–200")
        .await;
    wait_for_users(&h, &all[PAGE_ROWS..2 * PAGE_ROWS]).await;
    let sent = h.requested("/usergrid/roster/sandbox/users?").await;
    assert!(
        sent.last().unwrap().contains("cursor="),
        "{:?}",
        sent.last()
    );

    // A search is words, each the beginning of a word of the name, username or e-mail.
    h.fill("#user-search", "ann").await;
    let query = latest_ql(&h, "contains 'ann*'").await;
    assert_eq!(
        query,
        "select * where (name contains 'ann*' or username contains 'ann*' or email contains 'ann*') order by name asc"
    );
    let found = usernames(&sandbox_users(&h, &query));
    assert!(!found.is_empty() && found.len() < PAGE_ROWS);
    wait_for_users(&h, &found).await;
    assert_eq!(
        h.browser.current_url().await.unwrap().query(),
        Some("q=ann")
    );

    // Filters and sort: not activated, newest first.
    h.browser
        .goto(&h.app_url("/users?activated=no&sort=created&dir=desc"))
        .await
        .unwrap();
    let query = latest_ql(&h, "activated = false").await;
    assert_eq!(
        query,
        "select * where activated = false order by created desc"
    );
    wait_for_users(&h, &usernames(&sandbox_users(&h, &query))).await;

    // A hostile search finds nothing and breaks nothing.
    h.browser.goto(&h.app_url("/users")).await.unwrap();
    h.fill("#user-search", "' or 1=1").await;
    let query = latest_ql(&h, "'1*'").await;
    assert!(query.contains("contains 'or*'"), "{query}");
    assert!(sandbox_users(&h, &query).is_empty());
    h.wait_for_all("table.users tbody tr", "no rows", |rows| rows.is_empty())
        .await;
    assert!(!h.exists(".notice.error").await);
    h.finish().await;

    // The client credentials grant reaches the same users.
    let h = Harness::start_with(5, &["--usergrid-users", "30"]).await;
    h.connect_to_usergrid("client").await;
    let all = usernames(&sandbox_users(&h, "order by name asc"));
    wait_for_users(&h, &all).await;
    h.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_user_devices_disable_enable_sign_out_everywhere_and_deactivate() {
    let h = Harness::start_with(5, &["--usergrid-users", "120"]).await;
    let devices_of = |uuid: &str| h.sandbox.state.usergrid().devices(uuid).unwrap();
    let target = sandbox_users(&h, "activated = true and disabled = false")
        .into_iter()
        .find(|u| u.name.is_some() && devices_of(&u.uuid).len() >= 2)
        .expect("a user with two devices");
    // The user signs in on a phone beforehand.
    let client = reqwest::Client::new();
    let token_url = format!("{}/token", h.sandbox.usergrid_url());
    let sign_in = || {
        client
            .post(&token_url)
            .json(
                &json!({"grant_type": "password", "username": target.username, "password": "demo"}),
            )
            .send()
    };
    let phone: Value = sign_in().await.unwrap().json().await.unwrap();
    let phone = phone["access_token"].as_str().unwrap().to_string();
    let me = || {
        client
            .get(format!("{}/users/me", h.sandbox.usergrid_url()))
            .bearer_auth(&phone)
            .send()
    };
    assert_eq!(me().await.unwrap().status(), 200);

    h.connect_to_usergrid("password").await;
    h.fill("#user-search", &target.username).await;
    h.wait_for_all("table.users tbody tr", "the one user", |rows| {
        rows.len() == 1
    })
    .await;
    h.click("table.users tbody td a").await;
    h.wait_for_text("h1", target.name.as_deref().unwrap()).await;
    h.wait_for_text(".facts", &target.email.clone().unwrap())
        .await;
    let devices = devices_of(&target.uuid);
    let rows = h
        .wait_for_all("table.sessions tbody tr", "the devices", |rows| {
            rows.len() == devices.len()
        })
        .await;
    let first = rows[0].text().await.unwrap();
    assert!(first.contains(&devices[0].name), "{first}");
    h.wait_for_text(
        "table.sessions caption",
        &format!("{} devices", devices.len()),
    )
    .await;
    for absent in ["#lock", "#enroll", "button.wipe", "button.revoke"] {
        assert!(!h.exists(absent).await, "{absent}");
    }
    let user = |h: &Harness| {
        h.sandbox
            .state
            .usergrid()
            .user(&target.uuid)
            .unwrap()
            .unwrap()
    };

    // Disable (confirmed), then enable (at once).
    h.click("#disable").await;
    h.click(".modal button.confirm").await;
    h.wait_for_text(".notice.ok", "Disabled").await;
    assert!(user(&h).disabled);
    h.wait_for_text(".user-header .badge", "Disabled").await;
    h.click("#enable").await;
    h.wait_for_text(".notice.ok", "Enabled").await;
    assert!(!user(&h).disabled);

    // Sign out everywhere: the phone's token stops working.
    assert_eq!(me().await.unwrap().status(), 200);
    h.click("#revoke-tokens").await;
    h.click(".modal button.confirm").await;
    h.wait_for_text(".notice.ok", "Signed").await;
    assert_eq!(me().await.unwrap().status(), 401);

    // Deactivate asks for the user's name typed.
    h.click("#deactivate").await;
    let confirm = h.find(".modal button.confirm").await;
    assert_eq!(
        confirm.prop("disabled").await.unwrap().as_deref(),
        Some("true")
    );
    h.fill("#confirm-typed", &target.username).await;
    assert_eq!(
        confirm.prop("disabled").await.unwrap().as_deref(),
        Some("true"),
        "the username is not the name"
    );
    h.fill("#confirm-typed", target.name.as_deref().unwrap())
        .await;
    confirm.click().await.unwrap();
    h.wait_for_text(".notice.ok", "Deactivated").await;
    let after = user(&h);
    assert!(!after.activated && after.deactivated.is_some());
    assert_eq!(sign_in().await.unwrap().status(), 400, "no new token");
    h.wait_for_text(".user-header .badge", "Not activated")
        .await;
    h.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bulk_disable_of_everything_a_filter_matches_then_an_expired_token() {
    let h = Harness::start_with(5, &["--usergrid-users", "600"]).await;
    h.expect_console_error("status of 429"); // the rate limit the run waits out
    h.expect_console_error("status of 401"); // the expired token
    h.connect_to_usergrid("password").await;
    // Everyone created before a day, more than a page of them: all read by cursor, disabled.
    let users = sandbox_users(&h, "");
    let day = chrono::DateTime::from_timestamp_millis(users[400].created)
        .unwrap()
        .date_naive();
    h.browser
        .goto(&h.app_url(&format!("/users?before={}", day.format("%Y-%m-%d"))))
        .await
        .unwrap();
    let query = latest_ql(&h, "created <").await;
    let matching = sandbox_users(&h, &query);
    let enabled = matching.iter().filter(|u| !u.disabled).count();
    assert!(matching.len() > PAGE_ROWS, "{}", matching.len());
    h.find("table.users tbody tr").await;
    h.click("#select-all").await;
    h.wait_for_text(".selected-count", "All matching selected")
        .await;
    h.click("#bulk-disable").await;
    let dialog = h.find(".modal").await.text().await.unwrap();
    assert!(dialog.contains(&format!("{enabled} users")), "{dialog}");
    h.click(".modal button.confirm").await;
    h.wait_for_text(
        "#bulk-summary",
        &format!("Finished: {enabled} done, 0 failed"),
    )
    .await;
    h.click("#bulk-close").await;
    assert!(sandbox_users(&h, &query).iter().all(|u| u.disabled));
    let later: Vec<User> = sandbox_users(&h, "")
        .into_iter()
        .filter(|u| !matching.iter().any(|m| m.uuid == u.uuid))
        .collect();
    assert!(
        later.iter().any(|u| !u.disabled),
        "those created later are untouched"
    );

    // The password grant's token expires: the console asks to sign in again.
    h.sandbox.state.clock.advance(3601).unwrap();
    h.click(".pager .next-page").await;
    h.wait_for_path("/").await;
    h.wait_for_text(".connect", "expired or was revoked").await;
    h.finish().await;
}
