//! The authenticated-sessions API in the same console: its users with session counts and the
//! operator flag, a user's active sessions (placeholders shown as unknown), revoking one, all
//! of a user's (who then leaves the list) and everything matching a filter on the sessions
//! page, which fills user by user; an operator's sessions confirmed by typing; a bad token.

use roster_e2e::{Harness, TOKEN};
use roster_sandbox::authsessions::store::{Listed, Session};

/// The users the sandbox lists now (those with active sessions), by name.
fn listed(h: &Harness) -> Vec<Listed> {
    let now = h.sandbox.state.clock.now().timestamp();
    h.sandbox
        .state
        .authsessions()
        .list(now, 0, 10_000)
        .unwrap()
        .0
}

/// The active sessions of a user in the sandbox.
fn active_of(h: &Harness, guid: &str) -> Vec<Session> {
    let now = h.sandbox.state.clock.now().timestamp();
    h.sandbox
        .state
        .authsessions()
        .sessions_of(guid, now, 0, 10_000)
        .unwrap()
        .0
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn find_a_user_revoke_one_session_then_all_and_the_user_leaves_the_list() {
    let h = Harness::start(120).await;
    h.connect_to_authsessions().await;
    let users = listed(&h);
    h.wait_for_text("table.users caption", &format!("{} users", users.len()))
        .await;
    // Nothing this API lacks is offered.
    for absent in [
        "#bulk-lock",
        "#bulk-unlock",
        "#status-filter",
        "#platform-filter",
    ] {
        assert!(!h.exists(absent).await, "{absent}");
    }

    // Find an ordinary user with three sessions or more by name.
    let user = users
        .iter()
        .find(|u| !u.user.is_operator && u.session_count >= 3)
        .expect("a user with three sessions")
        .clone();
    h.fill("#user-search", &user.user.user_name).await;
    let rows = h
        .wait_for_all("table.users tbody tr", "the one user", |rows| {
            rows.len() == 1
        })
        .await;
    let text = rows[0].text().await.unwrap();
    assert!(
        text.contains(&user.user.guid) && text.contains(&user.session_count.to_string()),
        "{text}"
    );
    h.click("table.users tbody td a").await;
    h.wait_for_text("h1", &user.user.user_name).await;
    let count = user.session_count as usize;
    h.wait_for_all("table.sessions tbody tr", "the user's sessions", |rows| {
        rows.len() == count
    })
    .await;
    for absent in ["#lock", "#enroll", "button.wipe"] {
        assert!(!h.exists(absent).await, "{absent}");
    }

    // Revoke one: a plain confirmation for an ordinary user.
    let first = active_of(&h, &user.user.guid)[0].id;
    h.click(&format!("tr[data-session='{first}'] button.revoke"))
        .await;
    assert!(!h.exists("#confirm-typed").await);
    h.click(".modal button.confirm").await;
    h.wait_for_text(".notice.ok", "Revoked").await;
    h.wait_for_all("table.sessions tbody tr", "one session fewer", |rows| {
        rows.len() == count - 1
    })
    .await;
    assert!(
        h.sandbox
            .state
            .authsessions()
            .session(first)
            .unwrap()
            .unwrap()
            .revoked
    );

    // Revoke every other one at once; the user then leaves the list.
    h.click("#all-revoke").await;
    let dialog = h.find(".modal").await.text().await.unwrap();
    assert!(
        dialog.contains(&format!("{} sessions", count - 1)),
        "{dialog}"
    );
    h.click(".modal button.confirm").await;
    h.wait_for_text(
        "#bulk-summary",
        &format!("Finished: {} done, 0 failed", count - 1),
    )
    .await;
    h.click("#bulk-close").await;
    assert!(active_of(&h, &user.user.guid).is_empty());
    h.wait_for_all("table.sessions tbody tr", "no sessions left", |rows| {
        rows.is_empty()
    })
    .await;
    h.click("nav.sections a[href$='/users']").await;
    h.wait_for_text("table.users caption", &format!("{} users", users.len() - 1))
        .await;
    h.fill("#user-search", &user.user.user_name).await;
    h.wait_for_all("table.users tbody tr", "the user gone", |rows| {
        rows.is_empty()
    })
    .await;
    h.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_operators_sessions_are_confirmed_by_typing_and_placeholders_are_unknown() {
    let h = Harness::start(150).await;
    h.connect_to_authsessions().await;
    h.find("#operator-filter")
        .await
        .select_by_value("yes")
        .await
        .unwrap();
    let operators: Vec<Listed> = listed(&h)
        .into_iter()
        .filter(|u| u.user.is_operator)
        .collect();
    assert!(!operators.is_empty());
    h.wait_for_text("table.users caption", &format!("{} of", operators.len()))
        .await;
    let url = h.browser.current_url().await.unwrap();
    assert_eq!(url.query(), Some("operator=yes"));
    let operator = &operators[0];
    h.click("table.users tbody td a").await;
    h.wait_for_text("h1", &operator.user.user_name).await;
    let session = active_of(&h, &operator.user.guid)[0].id;
    h.click(&format!("tr[data-session='{session}'] button.revoke"))
        .await;
    let dialog = h.find(".modal").await.text().await.unwrap();
    assert!(dialog.contains("is an operator"), "{dialog}");
    let confirm = h.find(".modal button.confirm").await;
    assert_eq!(
        confirm.prop("disabled").await.unwrap().as_deref(),
        Some("true")
    );
    h.fill("#confirm-typed", "someone else").await;
    assert_eq!(
        confirm.prop("disabled").await.unwrap().as_deref(),
        Some("true")
    );
    h.fill("#confirm-typed", &operator.user.user_name).await;
    assert_eq!(
        confirm.prop("disabled").await.unwrap().as_deref(),
        Some("false")
    );
    confirm.click().await.unwrap();
    h.wait_for_text(".notice.ok", "Revoked").await;
    assert!(
        h.sandbox
            .state
            .authsessions()
            .session(session)
            .unwrap()
            .unwrap()
            .revoked
    );

    // Placeholders the devices sent ("-", "Other- v. ", null) say "unknown".
    let all = h.sandbox.state.authsessions().all_sessions().unwrap();
    let now = h.sandbox.state.clock.now().timestamp();
    let odd = all
        .iter()
        .find(|s| !s.revoked && s.expiration_date > now && s.smartphone.as_deref() == Some("-"))
        .unwrap();
    h.browser
        .goto(&h.app_url(&format!("/users/{}", odd.user_guid)))
        .await
        .unwrap();
    let row = h.find(&format!("tr[data-session='{}']", odd.id)).await;
    let cells = row.text().await.unwrap();
    assert!(
        cells.contains("unknown") && !cells.contains(" - "),
        "{cells}"
    );
    h.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_sessions_page_fills_user_by_user_and_bulk_revokes_a_filter() {
    let h = Harness::start(200).await;
    h.connect_to_authsessions().await;
    h.click("nav.sections a[href$='/sessions']").await;
    let now = h.sandbox.state.clock.now().timestamp();
    let active: Vec<Session> = h
        .sandbox
        .state
        .authsessions()
        .all_sessions()
        .unwrap()
        .into_iter()
        .filter(|s| !s.revoked && s.expiration_date > now)
        .collect();
    // It fills while shown: the count grows to every active session.
    h.wait_for_text(
        "table.all-sessions caption",
        &format!("{} sessions", active.len()),
    )
    .await;
    assert!(
        !h.exists("#fill-progress").await,
        "the progress goes once done"
    );

    // Those not updated for more than 20 days, all of them, but the operators' (typed).
    h.fill("#idle-filter", "20").await;
    let stale: Vec<&Session> = active
        .iter()
        .filter(|s| s.last_updated < now - 20 * 86_400)
        .collect();
    assert!(stale.len() > 10, "{}", stale.len());
    h.wait_for_text(
        "table.all-sessions caption",
        &format!("{} of {}", stale.len(), active.len()),
    )
    .await;
    h.click("#select-all").await;
    h.click("#bulk-revoke").await;
    let dialog = h.find(".modal").await.text().await.unwrap();
    assert!(
        dialog.contains(&format!("{} sessions", stale.len())),
        "{dialog}"
    );
    // Operators' among them: the run is confirmed by typing its count.
    let guids_of_operators: Vec<String> = listed(&h)
        .into_iter()
        .filter(|u| u.user.is_operator)
        .map(|u| u.user.guid)
        .collect();
    let on_operators = stale
        .iter()
        .filter(|s| guids_of_operators.contains(&s.user_guid))
        .count();
    assert!(on_operators > 0, "the demo has stale operator sessions");
    h.wait_for_text(
        "#bulk-operators",
        &format!("{on_operators} of these sessions are operators'"),
    )
    .await;
    h.fill("#bulk-confirm-count", &stale.len().to_string())
        .await;
    h.click(".modal button.confirm").await;
    h.wait_for_text(
        "#bulk-summary",
        &format!("Finished: {} done, 0 failed", stale.len()),
    )
    .await;
    h.click("#bulk-close").await;
    let left = h.sandbox.state.authsessions().all_sessions().unwrap();
    for s in stale {
        assert!(left.iter().any(|l| l.id == s.id && l.revoked), "{}", s.id);
    }
    h.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bad_token_says_so() {
    let h = Harness::start(10).await;
    h.expect_console_error("status of 401"); // the wrong token's refusal
    h.browser.goto(&h.app_url("/")).await.unwrap();
    h.wait_for_value("#base-url", &h.sandbox.base_url()).await;
    h.find("#preset").await.select_by_value("2").await.unwrap();
    h.wait_for_value("#base-url", &h.sandbox.authsessions_url())
        .await;
    h.fill("#bearer-token", &format!("{TOKEN}-wrong")).await;
    h.click("button[type=submit]").await;
    h.wait_for_text(".connect .error", "refused").await;
    h.wait_for_path("/").await;
    h.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_stale_policy_reads_every_users_sessions_then_revokes_those_not_updated() {
    let h = Harness::start(150).await;
    h.connect_to_authsessions().await;
    h.click("nav.sections a[href$='/policy']").await;
    let now = h.sandbox.state.clock.now().timestamp();
    let stale = h
        .sandbox
        .state
        .authsessions()
        .all_sessions()
        .unwrap()
        .into_iter()
        .filter(|s| !s.revoked && s.expiration_date > now && s.last_updated < now - 30 * 86_400)
        .count();
    assert!(stale > 5);
    h.wait_for_text(
        "#policy-count",
        &format!("{stale} sessions were last updated more than 30 days ago"),
    )
    .await;
    h.click("#policy-run").await;
    let dialog = h.find(".modal").await.text().await.unwrap();
    assert!(dialog.contains(&format!("{stale} sessions")), "{dialog}");
    if h.exists("#bulk-confirm-count").await {
        h.fill("#bulk-confirm-count", &stale.to_string()).await;
    }
    h.click(".modal button.confirm").await;
    h.wait_for_text(
        "#bulk-summary",
        &format!("Finished: {stale} done, 0 failed"),
    )
    .await;
    h.click("#bulk-close").await;
    h.wait_for_text("#policy-count", "0 sessions were last updated")
        .await;
    h.finish().await;
}
