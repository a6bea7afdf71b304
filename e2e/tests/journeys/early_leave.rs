//! Leaving early: every page is left before its answers come (the sandbox answers 1.5 s late),
//! a page is reloaded and the language switched while it loads, and the console disconnects
//! while a bulk run and while the enrollment dialog's poll are out. Each task stops with the
//! page that started it: the console shows no error, the page shown at the end works, and
//! what was sent but never answered is in the activity log as unknown.

use roster_e2e::{Harness, TOKEN};
use roster_sandbox::state::FaultKind;

/// Clicks the top bar's link to `path`.
async fn section(h: &Harness, path: &str) {
    h.click(&format!(".topbar .sections a[href='{path}']"))
        .await;
}

/// Clicks the disconnect button as the admin would, even while a dialog covers the top bar
/// (on a tablet it sits in the top bar's menu; a refused request does the same).
async fn disconnect(h: &Harness) {
    h.script("document.querySelector('button.disconnect').click(); return 0;")
        .await;
    h.find("#token").await;
}

/// Connects again and proves the users page works: every user, and a search that narrows it.
async fn users_page_works(h: &Harness, id: &str) {
    h.wait_for_text("table.users caption", "30 users").await;
    h.fill("#user-search", id).await;
    h.wait_for_text("table.users caption", "1 of 30 users")
        .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_page_left_before_its_answers_come_leaves_no_error_and_a_working_page() {
    let h = Harness::start(30).await;
    h.connect_with_token().await;
    let user = h.sandbox_users().into_iter().next().unwrap();

    // A user, users, sessions, policy, activity: each left at once, its answers still out.
    h.sandbox.state.inject_fault(FaultKind::Slow, 60);
    h.click(&format!("table.users a[href='/users/{}']", user.id))
        .await;
    h.find(".crumbs").await;
    h.script("history.back(); return 0;").await;
    h.wait_for_path("/users").await;
    section(&h, "/sessions").await;
    section(&h, "/policy").await;
    section(&h, "/activity").await;
    h.script("history.back(); return 0;").await;
    h.wait_for_path("/policy").await;
    h.script("history.forward(); return 0;").await;
    h.wait_for_path("/activity").await;
    section(&h, "/users").await;
    users_page_works(&h, &user.id).await;

    // A reload while the users load.
    h.sandbox.state.inject_fault(FaultKind::Slow, 10);
    h.browser.refresh().await.unwrap();
    h.browser.refresh().await.unwrap();
    h.find("table.users tbody tr").await;

    // The language switched while the sessions load: the page is drawn again, in Slovak.
    h.sandbox.state.inject_fault(FaultKind::Slow, 10);
    section(&h, "/sessions").await;
    h.find("#language")
        .await
        .select_by_value("sk")
        .await
        .unwrap();
    h.wait_for_text("h1", "Relácie").await;
    h.wait_for_text("table.all-sessions caption", "relác").await;
    h.find("#language")
        .await
        .select_by_value("en")
        .await
        .unwrap();
    h.wait_for_text("h1", "Sessions").await;
    h.find("table.all-sessions tbody tr").await;
    h.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_disconnect_during_a_bulk_run_stops_it_and_the_log_says_what_is_unknown() {
    let h = Harness::start(30).await;
    h.connect_with_token().await;
    h.click("#select-all").await;
    h.click("#bulk-lock").await;
    h.sandbox.state.inject_fault(FaultKind::Slow, 1);
    h.click(".modal button.confirm").await;
    h.find(".bulk-progress").await;
    disconnect(&h).await;
    // The slow chunk runs on the server after the page went: no error, no task left.
    tokio::time::sleep(std::time::Duration::from_millis(2000)).await;
    h.assert_console_clean().await;

    h.fill("#token", TOKEN).await;
    h.click("button[type=submit]").await;
    let user = h.sandbox_users().into_iter().next().unwrap();
    users_page_works(&h, &user.id).await;
    section(&h, "/activity").await;
    let entry = h
        .wait_for_text("table.activity tbody tr", "Lock (bulk)")
        .await;
    assert!(entry.contains("interrupted"), "{entry}");
    h.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_disconnect_while_the_enrollment_dialog_polls_leaves_no_error() {
    let h = Harness::start(30).await;
    h.connect_with_token().await;
    let unlocked = h.sandbox_users().into_iter().find(|u| !u.locked).unwrap();
    h.click(&format!("table.users a[href='/users/{}']", unlocked.id))
        .await;
    h.click("#enroll").await;
    h.find(".qr svg").await;
    // The next polls answer late: one is out when the console disconnects.
    h.sandbox.state.inject_fault(FaultKind::Slow, 5);
    tokio::time::sleep(std::time::Duration::from_millis(2500)).await;
    disconnect(&h).await;
    tokio::time::sleep(std::time::Duration::from_millis(4000)).await;
    h.assert_console_clean().await;

    h.fill("#token", TOKEN).await;
    h.click("button[type=submit]").await;
    users_page_works(&h, &unlocked.id).await;
    h.finish().await;
}
