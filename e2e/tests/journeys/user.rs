//! One user's page: lock with wipe (typed confirmation), unlock, wipe one session and
//! re-authenticate another, each checked against the sandbox's data.

use fantoccini::key::Key;
use fantoccini::Locator;
use roster_e2e::{Harness, Screen};
use roster_sandbox::journeyapps::db::User;

fn sandbox_user(h: &Harness, id: &str) -> User {
    h.sandbox.state.journeyapps().user(id).unwrap()
}

fn enrolled(user: &User) -> usize {
    user.sessions
        .iter()
        .filter(|s| s.state == "ENROLLED")
        .count()
}

/// Opens a user's page by searching for its id and clicking its row in the users table.
async fn open_user(h: &Harness, id: &str) {
    h.fill("#user-search", id).await;
    h.find(&format!("table.users a[href='/users/{id}']"))
        .await
        .click()
        .await
        .unwrap();
    h.wait_for_text(".user-header .mono", id).await;
}

async fn confirm_enabled(h: &Harness) -> bool {
    h.find(".modal button.confirm")
        .await
        .prop("disabled")
        .await
        .unwrap()
        .as_deref()
        == Some("false")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lock_with_wipe_then_unlock() {
    let h = Harness::start(250).await;
    let before = h
        .sandbox_users()
        .into_iter()
        .find(|u| !u.locked && enrolled(u) >= 1 && enrolled(u) < u.sessions.len())
        .expect("a user with enrolled and other sessions");
    let id = before.id.clone();
    h.connect_with_token().await;
    open_user(&h, &id).await;
    h.wait_for_text(".user-header h1", &h.display_name(&id).unwrap())
        .await;
    h.screenshot("user", Screen::Desktop).await;
    h.screenshot("user", Screen::Tablet).await;

    // Escape closes a dialog and gives focus back to the button that opened it.
    h.find("#lock").await.click().await.unwrap();
    h.find("#lock-wipe")
        .await
        .send_keys(&Key::Escape.to_string())
        .await
        .unwrap();
    h.wait_for_all(".modal", "the dialog to close", |open| open.is_empty())
        .await;
    let focused = h
        .browser
        .execute("return document.activeElement.id;", vec![])
        .await
        .unwrap();
    assert_eq!(focused, "lock");

    h.find("#lock").await.click().await.unwrap();
    h.find("#lock-wipe").await.click().await.unwrap();
    assert!(
        !confirm_enabled(&h).await,
        "a wipe needs the typed confirmation"
    );
    h.fill("#confirm-typed", "someone else").await;
    assert!(!confirm_enabled(&h).await);
    h.fill("#confirm-typed", &id).await;
    assert!(confirm_enabled(&h).await);
    h.screenshot("lock-dialog", Screen::Tablet).await;
    h.find(".modal button.confirm").await.click().await.unwrap();

    h.wait_for_text(".notice.ok", "Locked").await;
    let after = sandbox_user(&h, &id);
    assert!(after.locked);
    for (old, new) in before.sessions.iter().zip(&after.sessions) {
        // A wipe reaches every device that could still hold data, a locked one too.
        let expected = match old.state.as_str() {
            "ENROLLED" | "LOCKED" => "RESET",
            other => other,
        };
        assert_eq!(new.state, expected, "session {}", old.id);
    }
    // The page re-read the server: the wiped devices show as reset.
    let resets = after.sessions.iter().filter(|s| s.state == "RESET").count();
    h.wait_for_all("table.sessions td.state", "reset sessions", |cells| {
        cells.len() == after.sessions.len()
    })
    .await;
    let mut shown = 0;
    for cell in h
        .browser
        .find_all(Locator::Css("table.sessions td.state"))
        .await
        .unwrap()
    {
        shown += usize::from(cell.text().await.unwrap().starts_with("Reset"));
    }
    assert_eq!(shown, resets);
    h.wait_for_text(".user-header .badge", "Locked").await;

    h.find("#unlock").await.click().await.unwrap();
    h.wait_for_text(".notice.ok", "Unlocked").await;
    let unlocked = sandbox_user(&h, &id);
    assert!(!unlocked.locked);
    assert_eq!(
        unlocked.sessions, after.sessions,
        "unlock leaves the sessions as they are"
    );
    h.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wipe_one_session_and_reauthenticate_another() {
    let h = Harness::start(250).await;
    let before = h
        .sandbox_users()
        .into_iter()
        .find(|u| !u.locked && enrolled(u) >= 2)
        .expect("a user with two enrolled sessions");
    let id = before.id.clone();
    let mut targets = before.sessions.iter().filter(|s| s.state == "ENROLLED");
    let (wipe, reauth) = (
        targets.next().unwrap().id.clone(),
        targets.next().unwrap().id.clone(),
    );
    h.connect_with_token().await;
    open_user(&h, &id).await;

    // Wipe: typed confirmation, here with the display name.
    h.find(&format!("tr[data-session='{wipe}'] button.wipe"))
        .await
        .click()
        .await
        .unwrap();
    assert!(h
        .find(".modal")
        .await
        .text()
        .await
        .unwrap()
        .contains("cannot be undone"));
    assert!(!confirm_enabled(&h).await);
    h.fill(
        "#confirm-typed",
        &h.display_name(&id).unwrap().to_uppercase(),
    )
    .await;
    assert!(confirm_enabled(&h).await);
    h.find(".modal button.confirm").await.click().await.unwrap();
    h.wait_for_text(".notice.ok", "will be wiped").await;

    // Re-authenticate: a plain confirmation; a double click sends one request.
    h.find(&format!(
        "tr[data-session='{reauth}'] button.reauthenticate"
    ))
    .await
    .click()
    .await
    .unwrap();
    let confirm = h.find(".modal button.confirm").await;
    let served_before = h.sandbox.state.api_requests();
    let _ = confirm.click().await;
    let _ = confirm.click().await;
    h.wait_for_text(".notice.ok", "must sign in again").await;
    h.wait_for_text(&format!("tr[data-session='{reauth}'] td.state"), "Locked")
        .await;
    assert_eq!(
        h.sandbox.state.api_requests() - served_before,
        2,
        "one POST for the double click, one GET to re-read the user"
    );

    let after = sandbox_user(&h, &id);
    for (old, new) in before.sessions.iter().zip(&after.sessions) {
        match new.id.as_str() {
            s if s == wipe => assert_eq!(new.state, "RESET"),
            s if s == reauth => assert_eq!(new.state, "LOCKED"),
            _ => assert_eq!(new, old, "another session changed"),
        }
    }
    assert!(!after.locked);
    h.finish().await;
}
