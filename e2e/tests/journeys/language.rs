//! Languages: the console speaks the browser's language (Slovak here) with its plural rules and
//! the browser's `Intl` for times and numbers, and a pick in the top bar (German) is remembered.

use roster_e2e::{Harness, Screen};
use serde_json::Value;

async fn lang(h: &Harness) -> Value {
    h.script("return document.documentElement.lang;").await
}

/// Searches the users for `text` and waits for the caption to say `caption`.
async fn search(h: &Harness, text: &str, caption: &str) {
    h.fill("#user-search", text).await;
    h.wait_for_text("table.users caption", caption).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_browsers_language_is_spoken_and_a_picked_one_remembered() {
    let h = Harness::start(1200).await;
    h.browser.goto(&h.app_url("/")).await.unwrap();
    h.wait_for_text("h1", "Connect to a backend").await;
    assert_eq!(lang(&h).await, Value::from("en"));

    // A Slovak browser gets the console in Slovak from the first page.
    h.prefer_language("sk").await;
    h.browser.refresh().await.unwrap();
    h.wait_for_text("h1", "Pripojenie k backendu").await;
    assert_eq!(lang(&h).await, Value::from("sk"));
    h.wait_for_text("label[for=base-url]", "Základná URL").await;
    h.screenshot("connect-sk", Screen::Desktop).await;

    h.connect_with_token().await;
    h.wait_for_text("h1", "Používatelia").await;
    // Numbers in the Slovak way (a space between thousands; WebDriver reads the no-break
    // space as a plain one).
    h.wait_for_text("table.users caption", "1 200 používateľov")
        .await;
    // Times from the browser's Intl in Slovak ("pred 3 dňami"), never the English words.
    let times = h
        .script(
            "return [...document.querySelectorAll('table.users tbody td[title]')] \
             .map(td => td.textContent).join(' | ');",
        )
        .await;
    let times = times.as_str().unwrap();
    assert!(times.contains("pred "), "{times}");
    assert!(!times.contains(" ago"), "{times}");
    // Longer words still fit the top bar: the address gives way, nothing overlaps.
    assert_eq!(
        h.script(
            "return document.querySelector('nav.sections').getBoundingClientRect().right \
             <= document.querySelector('.menu-items').getBoundingClientRect().left;"
        )
        .await,
        Value::Bool(true)
    );
    h.screenshot("users-sk", Screen::Desktop).await;
    h.screenshot("users-sk", Screen::Tablet).await;
    h.set_screen(Screen::Desktop).await;
    search(&h, "zzz-nobody", "0 z 1 200 používateľov").await;

    // Slovak plurals on a user's sessions: 1 is "one", 2 to 4 are "few", 0 and 5 up "other".
    let users = h.sandbox_users();
    for (sessions, said) in [(1, "1 relácia"), (2, "2 relácie"), (0, "0 relácií")] {
        let user = users
            .iter()
            .find(|u| u.sessions.len() == sessions)
            .unwrap_or_else(|| panic!("no demo user has {sessions} sessions"));
        h.browser
            .goto(&h.app_url(&format!("/users/{}", user.id)))
            .await
            .unwrap();
        h.wait_for_text("table.sessions caption", said).await;
    }
    h.screenshot("user-sk", Screen::Desktop).await;

    // The admin picks German: everything on screen changes, and a reload keeps it.
    h.click("nav.sections a[href$='/users']").await;
    h.find("#language")
        .await
        .select_by_value("de")
        .await
        .unwrap();
    h.wait_for_text("h1", "Benutzer").await;
    h.wait_for_text("table.users caption", "1.200 Benutzer")
        .await;
    assert_eq!(lang(&h).await, Value::from("de"));
    h.wait_for_text("#theme-toggle", "Design").await;
    h.browser.refresh().await.unwrap();
    h.wait_for_text("h1", "Benutzer").await;
    assert_eq!(
        h.script("return localStorage.getItem('roster.language');")
            .await,
        Value::from("de")
    );
    let times = h.find("table.users tbody").await.text().await.unwrap();
    assert!(times.contains("vor "), "German relative times: {times}");

    // And back to English.
    h.find("#language")
        .await
        .select_by_value("en")
        .await
        .unwrap();
    h.wait_for_text("h1", "Users").await;
    h.wait_for_text("table.users caption", "1,200 users").await;
    assert_eq!(lang(&h).await, Value::from("en"));
    h.finish().await;
}
