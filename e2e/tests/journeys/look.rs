//! The look: the theme toggle (system, light, dark, remembered on this device) and the page
//! for a path the console does not have.

use roster_e2e::{Harness, Screen};

async fn theme_attribute(h: &Harness) -> Option<String> {
    let value = h
        .browser
        .execute(
            "return document.documentElement.getAttribute('data-theme');",
            vec![],
        )
        .await
        .unwrap();
    value.as_str().map(str::to_string)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn theme_toggle_is_remembered_and_unknown_paths_say_so() {
    let h = Harness::start(30).await;
    h.connect_with_token().await;
    h.wait_for_text("#theme-toggle", "system").await;
    assert_eq!(theme_attribute(&h).await, None);

    h.find("#theme-toggle").await.click().await.unwrap();
    h.wait_for_text("#theme-toggle", "light").await;
    assert_eq!(theme_attribute(&h).await.as_deref(), Some("light"));
    h.find("#theme-toggle").await.click().await.unwrap();
    h.wait_for_text("#theme-toggle", "dark").await;
    assert_eq!(theme_attribute(&h).await.as_deref(), Some("dark"));
    h.screenshot("users-dark", Screen::Desktop).await;
    h.screenshot("users-dark", Screen::Tablet).await;

    // A reload keeps the choice; the next click goes back to the system's. (On the desk: on
    // a tablet the toggle is in the top bar's menu.)
    h.set_screen(Screen::Desktop).await;
    h.browser.refresh().await.unwrap();
    h.wait_for_text("#theme-toggle", "dark").await;
    assert_eq!(theme_attribute(&h).await.as_deref(), Some("dark"));
    h.find("#theme-toggle").await.click().await.unwrap();
    h.wait_for_text("#theme-toggle", "system").await;
    assert_eq!(theme_attribute(&h).await, None);

    h.browser.goto(&h.app_url("/no/such/page")).await.unwrap();
    h.wait_for_text("h1", "Page not found").await;
    h.screenshot("not-found", Screen::Desktop).await;
    h.screenshot("not-found", Screen::Tablet).await;
    h.finish().await;
}
