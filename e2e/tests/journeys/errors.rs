//! What goes wrong mid-session: refused credentials send the admin back to connect; a rate
//! limit makes reads wait with a visible notice; a broken answer is a readable error and the
//! page keeps working.

use roster_e2e::{Harness, Screen};
use roster_sandbox::journeyapps::error::ErrorType;
use roster_sandbox::state::FaultKind;

/// The saved connection in (sessionStorage, localStorage).
async fn stored_connection(h: &Harness) -> (bool, bool) {
    let found = h
        .browser
        .execute(
            "return [sessionStorage.getItem('roster.connection') !== null, \
                     localStorage.getItem('roster.connection') !== null];",
            vec![],
        )
        .await
        .unwrap();
    let flags: Vec<bool> = serde_json::from_value(found).unwrap();
    (flags[0], flags[1])
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refused_credentials_mid_session_return_to_connect() {
    let h = Harness::start(30).await;
    h.expect_console_error("status of 401"); // the refused credentials
    h.connect_with_token().await;
    assert_eq!(
        stored_connection(&h).await,
        (true, false),
        "kept in this tab only by default"
    );

    // The token is revoked while the admin works: the next read is refused.
    h.sandbox
        .state
        .inject_fault(FaultKind::Error(ErrorType::AuthenticationFailed), 1);
    h.find(".topbar .sections a[href='/sessions']")
        .await
        .click()
        .await
        .unwrap();
    h.wait_for_text("[role=alert]", "refused these credentials")
        .await;
    h.find("#token").await;
    assert_eq!(h.browser.current_url().await.unwrap().path(), "/");
    assert_eq!(
        stored_connection(&h).await,
        (false, false),
        "the refused secret is forgotten"
    );
    h.screenshot("connect-refused", Screen::Tablet).await;
    h.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rate_limits_wait_visibly_and_broken_answers_leave_the_page_working() {
    let h = Harness::start(30).await;
    h.expect_console_error("status of 429"); // the rate limit the page waits out
    let user = h.sandbox_users()[3].clone();
    h.connect_with_token().await;

    // Two 429s on a user page opened directly: a visible wait, then the user, with its name.
    h.sandbox
        .state
        .inject_fault(FaultKind::Error(ErrorType::TooManyRequests), 2);
    h.browser
        .goto(&h.app_url(&format!("/users/{}", user.id)))
        .await
        .unwrap();
    h.wait_for_text(".notice[role=status]", "rate limiting")
        .await;
    h.wait_for_text(".user-header h1", &h.display_name(&user.id).unwrap())
        .await;

    // A broken answer (not JSON) to the users list: a readable error, and "Try again" works.
    h.sandbox.state.inject_fault(FaultKind::Malformed, 2);
    h.find(".topbar .sections a[href='/users']")
        .await
        .click()
        .await
        .unwrap();
    h.wait_for_text("[role=alert]", "does not look like a JourneyApps API")
        .await;
    h.screenshot("users-error", Screen::Desktop).await;
    h.find(".page button").await.click().await.unwrap();
    h.wait_for_text("table.users caption", "30 users").await;
    h.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_read_on_the_user_page_returns_to_connect_and_forgets_the_secret() {
    let h = Harness::start(30).await;
    h.expect_console_error("status of 401"); // the refused read
    let user = h.sandbox_users()[5].clone();
    h.connect_with_token().await;
    assert_eq!(stored_connection(&h).await, (true, false));

    // The token is revoked while the admin opens a user: the page's read is refused.
    h.sandbox
        .state
        .inject_fault(FaultKind::Error(ErrorType::AuthenticationFailed), 1);
    h.browser
        .goto(&h.app_url(&format!("/users/{}", user.id)))
        .await
        .unwrap();
    h.wait_for_text("[role=alert]", "refused these credentials")
        .await;
    h.wait_for_path("/").await;
    h.find("#token").await;
    assert!(!h.exists(".user-header").await);
    assert_eq!(
        stored_connection(&h).await,
        (false, false),
        "the refused secret is forgotten"
    );
    h.finish().await;
}
