//! The all-sessions page: filter ENROLLED sessions not authenticated for 30 days, sort them,
//! reload the URL, and re-authenticate one of them from there.

use chrono::{DateTime, Duration, Utc};
use fantoccini::Locator;
use roster_e2e::{Harness, Screen};
use roster_sandbox::journeyapps::db::{Session, User};

fn older_than(at: &Option<String>, days: i64, now: DateTime<Utc>) -> bool {
    at.as_deref()
        .and_then(|t| t.parse::<DateTime<Utc>>().ok())
        .is_none_or(|at| at < now - Duration::days(days))
}

/// Every (user, session) of the sandbox that the filter "ENROLLED, last authenticated more
/// than 30 days ago" should list.
fn stale_enrolled(users: &[User], now: DateTime<Utc>) -> Vec<(&User, &Session)> {
    users
        .iter()
        .flat_map(|u| u.sessions.iter().map(move |s| (u, s)))
        .filter(|(_, s)| s.state == "ENROLLED" && older_than(&s.last_authenticated_at, 30, now))
        .collect()
}

async fn shown_session_ids(h: &Harness) -> Vec<String> {
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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn find_stale_sessions_and_reauthenticate_one() {
    let h = Harness::start(250).await;
    let users = h.sandbox_users();
    let all_sessions: usize = users.iter().map(|u| u.sessions.len()).sum();
    let stale = stale_enrolled(&users, Utc::now());
    assert!(stale.len() > 3, "the demo data has stale enrolled sessions");

    h.connect_with_token().await;
    h.find(".topbar .sections a[href='/sessions']")
        .await
        .click()
        .await
        .unwrap();
    h.wait_for_text(
        "table.all-sessions caption",
        &format!("{all_sessions} sessions"),
    )
    .await;

    h.find("#state-filter")
        .await
        .select_by_value("ENROLLED")
        .await
        .unwrap();
    h.fill("#auth-filter", "30").await;
    let caption = format!("{} of {all_sessions} sessions", stale.len());
    h.wait_for_text("table.all-sessions caption", &caption)
        .await;

    // Oldest authentication first.
    h.find("button[data-sort=last_authenticated]")
        .await
        .click()
        .await
        .unwrap();
    h.find("th[aria-sort=ascending] button[data-sort=last_authenticated]")
        .await;
    let mut expected = stale.clone();
    expected.sort_by(|a, b| a.1.last_authenticated_at.cmp(&b.1.last_authenticated_at));
    let shown = shown_session_ids(&h).await;
    assert_eq!(shown.len(), stale.len().min(roster_e2e::PAGE_ROWS));
    let when = |id: &str| {
        stale
            .iter()
            .find(|(_, s)| s.id == id)
            .map(|(_, s)| s.last_authenticated_at.clone())
            .expect("every row is a stale enrolled session")
    };
    let shown_times: Vec<_> = shown.iter().map(|id| when(id)).collect();
    let expected_times: Vec<_> = expected
        .iter()
        .take(shown.len())
        .map(|(_, s)| s.last_authenticated_at.clone())
        .collect();
    assert_eq!(shown_times, expected_times, "oldest authentication first");

    // A copied link (here a reload) reproduces the view.
    let url = h.browser.current_url().await.unwrap();
    for part in ["state=ENROLLED", "auth=30", "sort=last_authenticated"] {
        assert!(url.query().unwrap_or_default().contains(part), "{url}");
    }
    h.browser.goto(url.as_str()).await.unwrap();
    h.wait_for_text("table.all-sessions caption", &caption)
        .await;
    assert_eq!(shown_session_ids(&h).await, shown);
    h.screenshot("sessions", Screen::Desktop).await;
    h.screenshot("sessions", Screen::Tablet).await;

    // Re-authenticate the oldest one from here; only that session changes.
    let target = expected[0].1;
    let row = format!("tr[data-session='{}']", target.id);
    h.find(&format!("{row} button.reauthenticate"))
        .await
        .click()
        .await
        .unwrap();
    h.find(".modal button.confirm").await.click().await.unwrap();
    h.wait_for_text(".notice.ok", "must sign in again").await;
    // Re-read from the server, it is no longer ENROLLED, so the filter leaves it out.
    let fewer = format!("{} of {all_sessions} sessions", stale.len() - 1);
    h.wait_for_text("table.all-sessions caption", &fewer).await;
    assert!(!shown_session_ids(&h).await.contains(&target.id));
    let after = h.sandbox_users();
    for (old, new) in users.iter().zip(&after) {
        for (s_old, s_new) in old.sessions.iter().zip(&new.sessions) {
            if s_new.id == target.id {
                assert_eq!(s_new.state, "LOCKED");
            } else {
                assert_eq!(s_old, s_new, "another session changed");
            }
        }
    }

    // Each row leads to its user.
    let (owner, next) = expected[1];
    h.find(&format!("tr[data-session='{}'] a", next.id))
        .await
        .click()
        .await
        .unwrap();
    h.wait_for_text(".user-header .mono", &owner.id).await;
    h.finish().await;
}
