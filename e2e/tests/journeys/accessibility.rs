//! Accessibility, checked by axe-core in the browser: every page and every dialog, in the light
//! and the dark theme, has no serious or critical violation.

use fantoccini::key::Key;
use roster_e2e::Harness;

/// What axe-core finds here in each theme, as "place (theme): violation".
pub(crate) async fn check(h: &Harness, place: &str, found: &mut Vec<String>) {
    for theme in ["light", "dark"] {
        h.script(&format!(
            "document.documentElement.setAttribute('data-theme', '{theme}');"
        ))
        .await;
        let violations = h.accessibility_violations().await;
        found.extend(
            violations
                .into_iter()
                .map(|v| format!("{place} ({theme}): {v}")),
        );
    }
}

/// Closes the open dialog with Escape.
async fn close_dialog(h: &Harness) {
    h.press(Key::Escape.into()).await;
    assert!(!h.exists("[role=dialog]").await);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_page_and_dialog_passes_axe_in_both_themes() {
    let h = Harness::start(30).await;
    let mut found = Vec::new();

    h.browser.goto(&h.app_url("/")).await.unwrap();
    h.wait_for_text("h1", "Connect").await;

    // The checker sees what it should: a button with no name, added for a moment, is found.
    h.script(
        "const b = document.createElement('button'); b.id = 'nameless'; document.body.append(b);",
    )
    .await;
    let seen = h.accessibility_violations().await;
    assert!(
        seen.iter()
            .any(|v| v.starts_with("button-name") && v.contains("#nameless")),
        "axe-core missed a nameless button: {seen:?}"
    );
    h.script("document.getElementById('nameless').remove();")
        .await;

    check(&h, "connect", &mut found).await;

    h.connect_with_token().await;
    h.wait_for_text("table.users caption", "30 users").await;
    check(&h, "users", &mut found).await;

    h.press('?').await;
    h.wait_for_text("[role=dialog] h2", "Keyboard shortcuts")
        .await;
    check(&h, "shortcuts", &mut found).await;
    close_dialog(&h).await;

    h.press_with_ctrl('k').await;
    h.wait_for_text("[role=dialog] h2", "Go to").await;
    h.press('u').await;
    check(&h, "palette", &mut found).await;
    close_dialog(&h).await;

    h.click("#save-view").await;
    h.find("form.name-view").await;
    check(&h, "saving a view", &mut found).await;

    h.click("main tbody tr:first-child input[type=checkbox]")
        .await;
    h.click("#bulk-lock").await;
    h.find("[role=dialog]").await;
    check(&h, "bulk dialog", &mut found).await;
    close_dialog(&h).await;

    // The user with the most sessions: every session action on show.
    h.open_busiest_user().await;
    check(&h, "user", &mut found).await;
    for (opener, place) in [
        ("#lock", "lock dialog"),
        ("#enroll", "enrollment dialog"),
        (
            "table.sessions .row-actions button",
            "session action dialog",
        ),
    ] {
        h.click(opener).await;
        h.find("[role=dialog]").await;
        check(&h, place, &mut found).await;
        close_dialog(&h).await;
    }

    for (path, ready, place) in [
        ("/sessions", "table.all-sessions caption", "sessions"),
        ("/policy", "#policy-count", "policy"),
        ("/activity", "h1", "activity"),
        ("/no/such/page", "h1", "not found"),
    ] {
        h.browser.goto(&h.app_url(path)).await.unwrap();
        h.find(ready).await;
        h.wait_for_text("body", "").await;
        check(&h, place, &mut found).await;
    }

    assert!(
        found.is_empty(),
        "serious or critical accessibility violations:\n{}",
        found.join("\n")
    );
    h.finish().await;
}
