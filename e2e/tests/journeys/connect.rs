//! Connecting: the demo credentials list every user; wrong ones say why in plain words.

use roster_e2e::{Harness, Screen, DEPLOYMENT, PAGE_ROWS, PASSWORD, TOKEN};

/// Opens the app and waits until the sandbox's `config.json` has preset the base URL.
async fn open_connect_screen(h: &Harness) {
    h.browser.goto(&h.app_url("/")).await.unwrap();
    h.wait_for_value("#base-url", &h.sandbox.base_url()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn connect_with_the_demo_token_lists_every_user() {
    let h = Harness::start(250).await;
    open_connect_screen(&h).await;
    h.screenshot("connect", Screen::Desktop).await;
    h.screenshot("connect", Screen::Tablet).await;

    h.fill("#token", TOKEN).await;
    h.find("button[type=submit]").await.click().await.unwrap();

    let expected = h.sandbox_user_count() as usize;
    assert_eq!(expected, 250);
    let rows = h
        .wait_for_all("table.users tbody tr", "a first page of users", |rows| {
            rows.len() == PAGE_ROWS
        })
        .await;
    h.wait_for_text("table.users caption", &format!("{expected} users"))
        .await;
    // Each row is named from the data model.
    let first_id = rows[0]
        .find(fantoccini::Locator::Css("td.mono"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    // Sorted by name by default: the first row is the sandbox user whose name sorts first.
    let names = h
        .sandbox
        .state
        .journeyapps()
        .list_user_objects(0, 1000)
        .unwrap();
    let first_by_name = names
        .objects
        .iter()
        .min_by_key(|o| o.display.clone().unwrap_or_default().to_lowercase())
        .unwrap();
    assert_eq!(first_id, first_by_name.id);
    let first_name = rows[0]
        .find(fantoccini::Locator::Css("td a"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(Some(first_name), h.display_name(&first_id));
    h.screenshot("users", Screen::Desktop).await;
    h.screenshot("users", Screen::Tablet).await;

    // Page by page, every sandbox user is listed exactly once.
    let mut listed = h.cells_on_every_page("table.users tbody td.mono").await;
    let mut ids: Vec<String> = h.sandbox_users().into_iter().map(|u| u.id).collect();
    listed.sort();
    ids.sort();
    assert_eq!(listed, ids);
    h.wait_for_text(".pager .page-position", "Rows 201–250 of 250")
        .await;
    h.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn basic_credentials_work_too() {
    let h = Harness::start(30).await;
    open_connect_screen(&h).await;
    h.find("#auth-basic").await.click().await.unwrap();
    // The user name is left empty: the console takes the deployment id from the base URL.
    h.fill("#basic-password", PASSWORD).await;
    // Remembered on this device: a new tab (here, a fresh load) is still connected.
    h.find("#remember").await.click().await.unwrap();
    h.find("button[type=submit]").await.click().await.unwrap();
    h.wait_for_all("table.users tbody tr", "30 rows", |rows| rows.len() == 30)
        .await;
    assert!(h
        .find(".topbar .backend")
        .await
        .text()
        .await
        .unwrap()
        .contains(DEPLOYMENT));
    let storage = "return [sessionStorage.getItem('roster.connection'), \
                   localStorage.getItem('roster.connection')];";
    let stored = h.browser.execute(storage, vec![]).await.unwrap();
    assert!(stored[0].is_null() && stored[1].is_string(), "{stored}");
    h.browser
        .execute("sessionStorage.clear();", vec![])
        .await
        .unwrap();
    h.browser.goto(&h.app_url("/users")).await.unwrap();
    h.wait_for_text("table.users caption", "30 users").await;

    // Disconnect forgets it everywhere.
    h.find(".topbar button.disconnect")
        .await
        .click()
        .await
        .unwrap();
    h.find("#base-url").await;
    let stored = h.browser.execute(storage, vec![]).await.unwrap();
    assert!(stored[0].is_null() && stored[1].is_null(), "{stored}");
    h.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wrong_token_says_so_and_stays_on_the_connect_screen() {
    let h = Harness::start(10).await;
    h.expect_console_error("status of 401"); // the wrong token's refusal
    h.expect_console_error("status of 404"); // the unknown deployment
    open_connect_screen(&h).await;
    h.fill("#token", "not-the-token").await;
    h.find("button[type=submit]").await.click().await.unwrap();
    let message = h
        .wait_for_text("[role=alert]", "refused these credentials")
        .await;
    assert!(
        !message.contains("not-the-token"),
        "the secret is never echoed: {message}"
    );
    assert!(h.browser.current_url().await.unwrap().path() == "/");
    assert!(h
        .browser
        .find_all(fantoccini::Locator::Css("table.users"))
        .await
        .unwrap()
        .is_empty());
    h.screenshot("connect-error", Screen::Desktop).await;

    // An unknown deployment id is its own message.
    let wrong_deployment = h
        .sandbox
        .base_url()
        .replace(DEPLOYMENT, "ffffffffffffffffffffffff");
    h.fill("#base-url", &wrong_deployment).await;
    h.fill("#token", TOKEN).await;
    h.find("button[type=submit]").await.click().await.unwrap();
    h.wait_for_text("[role=alert]", "No deployment has the id")
        .await;
    h.finish().await;
}
