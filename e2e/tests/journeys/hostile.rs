//! A backend that lies, loses answers and holds text no one expected: the console says what
//! happened, keeps working, reports each target truthfully, and no page grows wider than the
//! window.

use roster_e2e::{Harness, Screen, TOKEN};
use roster_sandbox::journeyapps::db::User;
use roster_sandbox::state::FaultKind;
use serde_json::json;

/// Every listing the next requests answer lies the way `fault` says.
fn listings_lie(h: &Harness, fault: FaultKind) {
    h.sandbox.state.inject_fault(fault, 1000);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_lying_listing_ends_with_a_message_and_a_working_page() {
    let h = Harness::start(40).await;
    h.connect_with_token().await;
    h.wait_for_text("table.users caption", "40 users").await;

    // "10^12 users, and more": the console asks for what exists, then says what came.
    listings_lie(&h, FaultKind::HugeTotal);
    h.browser.refresh().await.unwrap();
    h.wait_for_text(".page .notice", "announced 1000000000000 users but sent 40")
        .await;
    h.wait_for_text("table.users caption", "40 users").await;
    assert!(
        h.sandbox.state.api_requests() < 100,
        "it planned nothing up front"
    );

    // The same page again and again, "more" forever: it stops at once.
    listings_lie(&h, FaultKind::EndlessPages);
    h.browser.refresh().await.unwrap();
    h.wait_for_text(
        ".page .notice",
        "sent the same users again; stopped after 40",
    )
    .await;
    h.screenshot("users-endless-pages", Screen::Desktop).await;

    // The page still works: search, and open a user.
    h.sandbox.state.clear_faults();
    let first = h.sandbox_users()[0].id.clone();
    h.fill("#user-search", &first).await;
    h.wait_for_text("table.users caption", "1 of 40 users")
        .await;
    h.click(&format!("table.users a[href='/users/{first}']"))
        .await;
    h.wait_for_text(".user-header .mono", &first).await;
    h.finish().await;
}

fn unlocked(h: &Harness) -> Vec<User> {
    h.sandbox_users()
        .into_iter()
        .filter(|u| !u.locked)
        .collect()
}

/// Ticks the first `n` rows of the users table filtered to `status`, returning their ids.
async fn tick_first(h: &Harness, status: &str, n: usize) -> Vec<String> {
    h.find("#status-filter")
        .await
        .select_by_value(status)
        .await
        .unwrap();
    h.wait_for_text("table.users caption", " of ").await;
    let boxes = h
        .wait_for_all("table.users tbody input.select-row", "rows", |b| {
            b.len() >= n
        })
        .await;
    let ids = h
        .wait_for_all("table.users tbody td.mono", "ids", |c| c.len() >= n)
        .await;
    let mut ticked = Vec::new();
    for (checkbox, id) in boxes.iter().zip(&ids).take(n) {
        checkbox.click().await.unwrap();
        ticked.push(id.text().await.unwrap());
    }
    h.wait_for_text(".selected-count", &format!("{n} selected"))
        .await;
    ticked
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lost_answers_are_unknown_until_read_back_and_only_the_undone_are_retried() {
    let h = Harness::start(60).await;
    h.expect_console_error("ERR_INCOMPLETE_CHUNKED_ENCODING"); // the answers cut off on purpose
    assert!(unlocked(&h).len() > 10);
    h.connect_with_token().await;

    // The batch runs, but its answer is cut off: reading back shows every user locked.
    let ran = tick_first(&h, "enrolled", 3).await;
    h.click("#bulk-lock").await;
    let confirm = h.find(".modal button.confirm").await;
    h.sandbox.state.inject_fault(FaultKind::LostAnswer, 1);
    confirm.click().await.unwrap();
    let said = h
        .wait_for_text("#bulk-lost", "3 turned out done, 0 not done")
        .await;
    assert!(said.contains("your browser may have resent"), "{said}");
    h.wait_for_text("#bulk-summary", "3 done, 0 failed").await;
    assert!(!h.exists("#bulk-retry").await, "nothing to retry");
    h.find("#bulk-download").await.click().await.unwrap();
    let csv = h.downloaded("roster-bulk-results.csv").await;
    assert_eq!(
        csv.matches(",Lock,Done,,Read back: done\r\n").count(),
        3,
        "{csv}"
    );
    h.screenshot("bulk-lost-answer", Screen::Desktop).await;
    let locked: Vec<String> = h
        .sandbox_users()
        .into_iter()
        .filter(|u| u.locked)
        .map(|u| u.id)
        .collect();
    assert!(ran.iter().all(|id| locked.contains(id)));
    h.click("#bulk-close").await;

    // The connection breaks before it runs: reading back shows nothing done, and the retry
    // sends exactly those.
    let dropped = tick_first(&h, "enrolled", 2).await;
    h.click("#bulk-lock").await;
    let confirm = h.find(".modal button.confirm").await;
    h.sandbox.state.inject_fault(FaultKind::Dropped, 1);
    confirm.click().await.unwrap();
    h.wait_for_text("#bulk-lost", "0 turned out done, 2 not done")
        .await;
    h.wait_for_text("#bulk-retry", "Retry the 2 failed").await;
    assert!(
        unlocked(&h).iter().any(|u| u.id == dropped[0]),
        "it did not run"
    );
    h.click("#bulk-retry").await;
    h.wait_for_text("#bulk-summary", "Finished: 2 done, 0 failed")
        .await;
    assert!(dropped
        .iter()
        .all(|id| !unlocked(&h).iter().any(|u| &u.id == id)));
    h.finish().await;
}

/// The widest the page is, and the window's width.
async fn widths(h: &Harness) -> (f64, f64) {
    let both = h
        .script("return [document.documentElement.scrollWidth, window.innerWidth];")
        .await;
    (both[0].as_f64().unwrap(), both[1].as_f64().unwrap())
}

/// Checks at desktop and tablet size that nothing makes the page wider than the window, and
/// that no row (a card, on a tablet) grows taller than a few lines of each value.
async fn fits(h: &Harness, what: &str) {
    for screen in [Screen::Desktop, Screen::Tablet] {
        h.screenshot(&format!("long-text-{what}"), screen).await;
        let (page, window) = widths(h).await;
        assert!(
            page <= window,
            "{what} at {screen:?}: {page} px wide in a {window} px window"
        );
        let tallest = h
            .script(
                "return Math.max(0, ...[...document.querySelectorAll('tbody tr')] \
                 .map(r => r.getBoundingClientRect().height));",
            )
            .await
            .as_f64()
            .unwrap();
        assert!(
            tallest <= 400.0,
            "{what} at {screen:?}: a row {tallest} px tall"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ten_thousand_characters_leave_every_page_within_the_window() {
    let h = Harness::start(20).await;
    let long_label = "Tablet-".repeat(1500); // 10,500 characters, no spaces to wrap at
    let long_name = "Maximiliana-Konstantinopolitanischer".repeat(100);
    let user = unlocked(&h)[0].clone();
    assert!(h
        .sandbox
        .state
        .journeyapps()
        .set_display_name(&user.id, &long_name)
        .unwrap());
    let http = reqwest::Client::new();
    let token: serde_json::Value = http
        .post(format!(
            "{}/users/{}/authentication-token",
            h.sandbox.base_url(),
            user.id
        ))
        .header("Authorization", format!("Bearer O:{TOKEN}"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let enrolled = http
        .post(format!("{}/sandbox/enroll", h.sandbox.url()))
        .json(&json!({"token": token["token"], "label": long_label, "platform": "ANDROID"}))
        .send()
        .await
        .unwrap();
    assert_eq!(enrolled.status(), 201);

    h.connect_with_token().await;
    h.fill("#user-search", &user.id).await;
    h.wait_for_text("table.users caption", "1 of 20 users")
        .await;
    fits(&h, "users").await;

    h.browser
        .goto(&h.app_url(&format!("/sessions?q={}", user.id)))
        .await
        .unwrap();
    h.find("tr[data-session] button.reauthenticate").await;
    fits(&h, "sessions").await;
    // The row's actions are on screen, not pushed off by the label.
    h.browser.set_window_size(1366, 768).await.unwrap();
    let right = h
        .script("return document.querySelector('table.all-sessions button.wipe').getBoundingClientRect().right;")
        .await
        .as_f64()
        .unwrap();
    assert!(right <= 1366.0, "the wipe button ends at {right} px");

    h.browser
        .goto(&h.app_url(&format!("/users/{}", user.id)))
        .await
        .unwrap();
    h.find("table.sessions tbody tr").await;
    fits(&h, "user").await;
    h.click("#lock").await;
    h.find("#lock-wipe").await.click().await.unwrap();
    fits(&h, "lock-dialog").await;
    h.click(".modal .dialog-buttons button").await;

    // A device with the long label enrolls while the code is shown.
    h.click("#enroll").await;
    h.find(".qr svg").await;
    let pending = h
        .sandbox
        .state
        .journeyapps()
        .pending_tokens(&user.id)
        .unwrap();
    http.post(format!("{}/sandbox/enroll", h.sandbox.url()))
        .json(&json!({"token": pending[0], "label": long_label, "platform": "IOS"}))
        .send()
        .await
        .unwrap();
    h.wait_for_text("#enrolled", "Enrolled on Tablet-Tablet-")
        .await;
    fits(&h, "enrollment").await;
    h.finish().await;
}
