//! Bulk actions, the re-authentication policy, CSV export and the activity log, each checked
//! against the sandbox's data.

use chrono::{DateTime, Duration, Utc};
use fantoccini::Locator;
use roster_e2e::{Harness, Screen};
use roster_sandbox::journeyapps::db::User;
use roster_sandbox::journeyapps::error::ErrorType;
use roster_sandbox::state::FaultKind;
use serde_json::Value;

/// Ticks "select all matching", opens the bulk action `button` and returns the dialog's text.
async fn open_bulk(h: &Harness, button: &str) -> String {
    h.find("#select-all").await.click().await.unwrap();
    h.find(button).await.click().await.unwrap();
    h.find(".modal").await.text().await.unwrap()
}

async fn confirm_enabled(h: &Harness) -> bool {
    let confirm = h.find(".modal button.confirm").await;
    confirm.prop("disabled").await.unwrap().as_deref() == Some("false")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bulk_lock_of_a_filtered_selection_reports_each_user() {
    let h = Harness::start(250).await;
    let before = h.sandbox_users();
    let android_enrolled: Vec<&User> = before
        .iter()
        .filter(|u| !u.locked && u.sessions.iter().any(|s| s.state == "ENROLLED"))
        .filter(|u| {
            u.sessions
                .iter()
                .any(|s| s.container.platform.as_deref() == Some("ANDROID"))
        })
        .collect();
    assert!(android_enrolled.len() > 5);
    h.connect_with_token().await;
    h.find("#status-filter")
        .await
        .select_by_value("enrolled")
        .await
        .unwrap();
    h.find("#platform-filter")
        .await
        .select_by_value("ANDROID")
        .await
        .unwrap();
    let n = android_enrolled.len();
    h.wait_for_text("table.users caption", &format!("{n} of 250 users"))
        .await;

    // Lock and wipe asks for the count typed; this one is only looked at, then cancelled.
    let text = open_bulk(&h, "#bulk-lock-wipe").await;
    assert!(text.contains(&format!("{n} users")), "{text}");
    assert!(!confirm_enabled(&h).await);
    h.fill("#bulk-confirm-count", &(n + 1).to_string()).await;
    assert!(!confirm_enabled(&h).await);
    h.fill("#bulk-confirm-count", &n.to_string()).await;
    assert!(confirm_enabled(&h).await);
    h.find(".modal .dialog-buttons button")
        .await
        .click()
        .await
        .unwrap();

    // Lock: a plain confirmation naming the count and the first targets.
    let text = open_bulk(&h, "#bulk-lock").await;
    assert!(text.contains(&format!("Lock: {n} users.")), "{text}");
    assert!(
        text.contains("and "),
        "the first targets, then how many more: {text}"
    );
    // The batch answer comes back broken (and this time nothing ran): every target is
    // unknown, none is resent by the run, reading them back shows none done, and "retry the
    // failed ones" runs exactly them.
    let confirm = h.find(".modal button.confirm").await;
    h.sandbox.state.inject_fault(FaultKind::Malformed, 1);
    confirm.click().await.unwrap();
    h.wait_for_text("#bulk-lost", &format!("0 turned out done, {n} not done"))
        .await;
    h.wait_for_text("#bulk-summary", &format!("Finished: 0 done, {n} failed"))
        .await;
    h.find("#bulk-retry").await.click().await.unwrap();
    h.wait_for_text("#bulk-summary", &format!("Finished: {n} done, 0 failed"))
        .await;
    let results = h
        .browser
        .find_all(Locator::Css("table.bulk-results tbody tr"))
        .await
        .unwrap();
    assert_eq!(results.len(), n);
    h.screenshot("bulk-results", Screen::Desktop).await;
    h.screenshot("bulk-results", Screen::Tablet).await;

    // The results as CSV: one row per user, each done by the retry (no reading back needed).
    h.find("#bulk-download").await.click().await.unwrap();
    let csv = h.downloaded("roster-bulk-results.csv").await;
    let rows: Vec<&str> = csv.lines().skip(1).collect();
    assert_eq!(rows.len(), n);
    assert!(rows.iter().all(|r| r.ends_with(",Lock,Done,,")), "{csv}");

    let after = h.sandbox_users();
    for (old, new) in before.iter().zip(&after) {
        let targeted = android_enrolled.iter().any(|u| u.id == old.id);
        assert_eq!(new.locked, old.locked || targeted, "user {}", old.id);
        if !targeted {
            assert_eq!(new, old, "a user outside the selection changed");
        }
    }

    // Closing re-reads the server: none of them is enrolled-and-unlocked any more.
    h.find("#bulk-close").await.click().await.unwrap();
    h.wait_for_text("table.users caption", "0 of 250 users")
        .await;

    // The activity log has the run, and keeps it across a reload.
    h.find(".topbar .sections a[href='/activity']")
        .await
        .click()
        .await
        .unwrap();
    h.wait_for_text("table.activity tbody tr", "Lock (bulk)")
        .await;
    h.browser.refresh().await.unwrap();
    let entry = h
        .wait_for_text("table.activity tbody tr", &format!("{n} done, 0 failed"))
        .await;
    assert!(entry.contains("Lock (bulk)"));
    // Three targets by name; the rest fold away until asked for.
    let targets = "table.activity td.targets";
    h.wait_for_text(
        &format!("{targets} summary"),
        &format!("and {} more", n - 3),
    )
    .await;
    let folded =
        format!("return !document.querySelector('{targets} details p').checkVisibility();");
    assert_eq!(h.script(&folded).await, Value::Bool(true));
    h.screenshot("activity", Screen::Desktop).await;
    h.click(&format!("{targets} summary")).await;
    assert_eq!(h.script(&folded).await, Value::Bool(false));
    let unfolded = h
        .script(&format!(
            "return document.querySelector('{targets} details p').textContent.split('; ').length;"
        ))
        .await;
    assert_eq!(unfolded, Value::from(n - 3));
    h.click(&format!("{targets} summary")).await;
    // On a touch tablet: cards, nothing sideways, the fold a whole target.
    h.emulate_touch(true).await;
    h.screenshot("activity", Screen::Tablet).await;
    h.wait_for_script(
        "return document.documentElement.getAttribute('data-density');",
        Value::from("comfortable"),
        "touch-sized controls",
    )
    .await;
    let wrap = "document.querySelector('table.activity').closest('.table-wrap')";
    assert_eq!(
        h.script(&format!(
            "return {wrap}.scrollWidth <= {wrap}.clientWidth + 1;"
        ))
        .await,
        Value::Bool(true),
        "the activity log scrolls sideways on a tablet"
    );
    let small = crate::density::small_targets(&h).await;
    assert!(small.is_empty(), "{small:#?}");
    h.emulate_touch(false).await;
    h.set_screen(Screen::Desktop).await;
    h.find("#export-csv").await.click().await.unwrap();
    let log = h.downloaded("roster-activity.csv").await;
    assert!(log.starts_with("Time (UTC),Backend,Action,Targets,Target count,Outcome\r\n"));
    assert!(
        log.contains(",Lock (bulk),") && log.contains(&format!(",{n},\"{n} done, 0 failed\"\r\n"))
    );
    h.finish().await;
}

fn stale(at: &Option<String>, now: DateTime<Utc>) -> bool {
    at.as_deref()
        .and_then(|t| t.parse::<DateTime<Utc>>().ok())
        .is_none_or(|at| at < now - Duration::days(30))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn policy_preview_and_run_sign_out_exactly_the_stale_sessions() {
    let h = Harness::start(250).await;
    h.expect_console_error("status of 429"); // the rate limit the run waits out
    let before = h.sandbox_users();
    let now = Utc::now();
    let matching: Vec<String> = before
        .iter()
        .flat_map(|u| &u.sessions)
        .filter(|s| s.state == "ENROLLED" && stale(&s.last_authenticated_at, now))
        .map(|s| s.id.clone())
        .collect();
    assert!(matching.len() > 50);
    h.connect_with_token().await;
    h.find(".topbar .sections a[href='/policy']")
        .await
        .click()
        .await
        .unwrap();
    let n = matching.len();
    h.wait_for_text("#policy-count", &format!("{n} enrolled sessions"))
        .await;
    h.wait_for_text("#policy-count", "more than 30 days").await;
    h.screenshot("policy", Screen::Desktop).await;
    h.screenshot("policy", Screen::Tablet).await;
    // A different N previews a different set.
    h.fill("#policy-days", "365").await;
    h.wait_for_text("#policy-count", "more than 365 days").await;
    h.fill("#policy-days", "30").await;
    h.wait_for_text("#policy-count", &format!("{n} enrolled sessions"))
        .await;

    // The first batch request is refused with 429: the run waits, then resends it.
    h.find("#policy-run").await.click().await.unwrap();
    let confirm = h.find(".modal button.confirm").await;
    h.sandbox
        .state
        .inject_fault(FaultKind::Error(ErrorType::TooManyRequests), 1);
    confirm.click().await.unwrap();
    h.wait_for_text(".modal .notice", "resuming in").await;
    h.wait_for_text("#bulk-summary", &format!("Finished: {n} done, 0 failed"))
        .await;
    let after = h.sandbox_users();
    for (old, new) in before
        .iter()
        .flat_map(|u| &u.sessions)
        .zip(after.iter().flat_map(|u| &u.sessions))
    {
        if matching.contains(&old.id) {
            assert_eq!(new.state, "LOCKED", "session {}", old.id);
        } else {
            assert_eq!(new, old, "a session the policy does not cover changed");
        }
    }
    h.find("#bulk-close").await.click().await.unwrap();
    h.wait_for_text("#policy-count", "0 enrolled sessions")
        .await;
    h.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn exported_sessions_view_matches_the_sandbox() {
    let h = Harness::start(120).await;
    let users = h.sandbox_users();
    h.connect_with_token().await;
    h.browser
        .goto(&h.app_url("/sessions?state=RESET&sort=last_connected&dir=desc"))
        .await
        .unwrap();
    let mut expected: Vec<_> = users
        .iter()
        .flat_map(|u| u.sessions.iter().map(move |s| (u, s)))
        .filter(|(_, s)| s.state == "RESET")
        .collect();
    expected.sort_by(|a, b| b.1.last_connected_at.cmp(&a.1.last_connected_at));
    h.wait_for_text(
        "table.all-sessions caption",
        &format!("{} of", expected.len()),
    )
    .await;
    h.find("#export-csv").await.click().await.unwrap();
    let csv = h.downloaded("roster-sessions.csv").await;
    let mut lines = csv.split("\r\n");
    assert_eq!(
        lines.next(),
        Some("User,User id,Device,State,Platform,Last connected (UTC),Last authenticated (UTC),Device id,Session id")
    );
    let rows: Vec<Vec<String>> = lines
        .filter(|l| !l.is_empty())
        .map(parse_csv_line)
        .collect();
    assert_eq!(rows.len(), expected.len());
    for (row, (user, session)) in rows.iter().zip(&expected) {
        assert_eq!(row[0], h.display_name(&user.id).unwrap());
        assert_eq!(row[1], user.id);
        assert_eq!(row[2], session.label.clone().unwrap_or_default());
        assert_eq!(row[3], "RESET");
        assert_eq!(
            row[4],
            session.container.platform.clone().unwrap_or_default()
        );
        assert_eq!(
            row[5],
            session.last_connected_at.clone().unwrap_or_default()
        );
        assert_eq!(
            row[6],
            session.last_authenticated_at.clone().unwrap_or_default()
        );
        assert_eq!(row[7], session.device.id.clone().unwrap_or_default());
        assert_eq!(row[8], session.id);
    }
    h.finish().await;
}

/// One CSV line into its fields (quoted fields may hold commas and doubled quotes).
fn parse_csv_line(line: &str) -> Vec<String> {
    let mut fields = vec![String::new()];
    let mut quoted = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match (c, quoted) {
            ('"', true) if chars.peek() == Some(&'"') => {
                chars.next();
                fields.last_mut().unwrap().push('"');
            }
            ('"', _) => quoted = !quoted,
            (',', false) => fields.push(String::new()),
            (c, _) => fields.last_mut().unwrap().push(c),
        }
    }
    fields
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cancelling_a_bulk_dialog_keeps_the_selection_and_sends_nothing() {
    let h = Harness::start(40).await;
    h.connect_with_token().await;
    h.wait_for_text("table.users caption", "40 users").await;
    // Tick three rows by hand.
    let boxes = h
        .wait_for_all(
            "table.users tbody input.select-row",
            "row checkboxes",
            |b| b.len() >= 3,
        )
        .await;
    for checkbox in &boxes[..3] {
        checkbox.click().await.unwrap();
    }
    h.wait_for_text(".selected-count", "3 selected").await;
    let served_before = h.sandbox.state.api_requests();

    h.click("#bulk-lock").await;
    h.wait_for_text(".modal", "Lock: ").await;
    // Cancel is the dialog's first button.
    h.click(".modal .dialog-buttons button").await;
    h.wait_for_all(".modal", "the dialog to close", |open| open.is_empty())
        .await;
    // Escape closes it the same way.
    h.click("#bulk-unlock").await;
    h.find(".modal").await;
    h.find(".modal button")
        .await
        .send_keys(&fantoccini::key::Key::Escape.to_string())
        .await
        .unwrap();
    h.wait_for_all(".modal", "the dialog to close", |open| open.is_empty())
        .await;

    // Give a re-read every chance to happen, then check that none did.
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    assert_eq!(
        h.sandbox.state.api_requests(),
        served_before,
        "a cancelled dialog sends nothing and re-reads nothing"
    );
    assert_eq!(
        h.find(".selected-count").await.text().await.unwrap(),
        "3 selected"
    );
    let ticked = h
        .wait_for_all(
            "table.users tbody input.select-row",
            "row checkboxes",
            |b| b.len() >= 3,
        )
        .await;
    for checkbox in &ticked[..3] {
        assert_eq!(
            checkbox.prop("checked").await.unwrap().as_deref(),
            Some("true")
        );
    }
    h.finish().await;
}
