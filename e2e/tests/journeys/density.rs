//! Density: compact with a mouse (a desk screen shows many rows), 44 px targets on a touch
//! screen, and the admin's choice of either, remembered on this device.

use roster_e2e::{Harness, Screen};
use serde_json::Value;

/// Rows of the users table wholly inside the window.
async fn rows_in_view(h: &Harness) -> u64 {
    h.script(
        "return [...document.querySelectorAll('table.users tbody tr')] \
         .filter(r => r.getBoundingClientRect().bottom <= window.innerHeight).length;",
    )
    .await
    .as_u64()
    .unwrap()
}

/// Every visible control of the page (links, buttons, fields, checkboxes) smaller than 44×44
/// px, described.
async fn small_targets(h: &Harness) -> Vec<String> {
    let found = h
        .script(
            "return [...document.querySelectorAll('a[href], button, input, select, summary')] \
             .filter(e => e.offsetParent !== null) \
             .map(e => [e, e.getBoundingClientRect()]) \
             .filter(([, r]) => r.width < 44 || r.height < 44) \
             .map(([e, r]) => `${e.tagName.toLowerCase()}.${e.className} \
                 \"${(e.textContent || e.getAttribute('aria-label') || '').trim().slice(0, 30)}\" \
                 ${Math.round(r.width)}×${Math.round(r.height)}`);",
        )
        .await;
    match found {
        Value::Array(items) => items
            .iter()
            .map(|i| i.as_str().unwrap().to_string())
            .collect(),
        other => panic!("not a list: {other}"),
    }
}

async fn density_attribute(h: &Harness) -> Option<String> {
    h.script("return document.documentElement.getAttribute('data-density');")
        .await
        .as_str()
        .map(str::to_string)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn compact_at_a_desk_touch_sized_on_a_tablet_and_the_choice_is_remembered() {
    let h = Harness::start(60).await;
    h.set_screen(Screen::Desktop).await;
    h.connect_with_token().await;
    h.wait_for_text("table.users caption", "60 users").await;
    h.wait_for_text("#density-toggle", "auto").await;
    assert_eq!(density_attribute(&h).await.as_deref(), Some("compact"));
    h.screenshot("users-compact", Screen::Desktop).await;
    let desk = rows_in_view(&h).await;
    assert!(
        desk >= 15,
        "only {desk} users rows above the fold at 1366×768"
    );

    // A tablet (the console opened with a finger as the pointer): every control a whole target.
    h.emulate_touch(true).await;
    h.set_screen(Screen::Tablet).await;
    h.browser.refresh().await.unwrap();
    h.wait_for_text("table.users caption", "60 users").await;
    assert_eq!(density_attribute(&h).await.as_deref(), Some("comfortable"));
    assert_eq!(
        h.script("return matchMedia('(pointer: coarse)').matches;")
            .await,
        Value::Bool(true)
    );
    let bar = h
        .script("return document.querySelector('header.topbar').getBoundingClientRect().height;")
        .await
        .as_f64()
        .unwrap();
    assert!(
        bar < 70.0,
        "the top bar takes {bar} px on a tablet: more than one line"
    );
    let small = small_targets(&h).await;
    assert!(
        small.is_empty(),
        "controls under 44×44 px on a tablet: {small:#?}"
    );
    h.screenshot("users-touch", Screen::Tablet).await;
    h.emulate_touch(false).await;

    // The admin's choice wins over the pointer, and a reload keeps it.
    h.set_screen(Screen::Desktop).await;
    h.browser.refresh().await.unwrap();
    h.wait_for_text("table.users caption", "60 users").await;
    assert_eq!(density_attribute(&h).await.as_deref(), Some("compact"));
    h.click("#density-toggle").await;
    h.wait_for_text("#density-toggle", "compact").await;
    assert_eq!(density_attribute(&h).await.as_deref(), Some("compact"));
    h.click("#density-toggle").await;
    h.wait_for_text("#density-toggle", "comfortable").await;
    assert_eq!(density_attribute(&h).await.as_deref(), Some("comfortable"));
    let comfortable = rows_in_view(&h).await;
    assert!(
        comfortable < desk,
        "comfortable rows ({comfortable}) are no taller than compact ({desk})"
    );
    assert!(
        small_targets(&h).await.is_empty(),
        "comfortable keeps 44 px targets with a mouse"
    );
    h.browser.refresh().await.unwrap();
    h.wait_for_text("#density-toggle", "comfortable").await;
    assert_eq!(density_attribute(&h).await.as_deref(), Some("comfortable"));
    h.click("#density-toggle").await;
    h.wait_for_text("#density-toggle", "auto").await;
    assert_eq!(density_attribute(&h).await.as_deref(), Some("compact"));
    assert_eq!(
        h.script("return localStorage.getItem('roster.density');")
            .await,
        Value::Null,
        "following the device is not stored"
    );
    h.finish().await;
}
