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
pub(crate) async fn small_targets(h: &Harness) -> Vec<String> {
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

/// For each card (row) of `table`: whether the cells `parts` and at least one `needed` all lie
/// inside it, whether every cell names its column, and whether the table scrolls sideways.
async fn cards(h: &Harness, table: &str, parts: &str, needed: &str) -> Value {
    h.script(&format!(
        "const wrap = document.querySelector('{table}').closest('.table-wrap'); \
         const rows = [...document.querySelectorAll('{table} tbody tr')]; \
         const inside = (row, css) => [...row.querySelectorAll(css)].every(e => {{ \
             const r = e.getBoundingClientRect(), c = row.getBoundingClientRect(); \
             return r.width > 0 && r.left >= c.left && r.right <= c.right \
                 && r.top >= c.top && r.bottom <= c.bottom; }}); \
         return {{ \
             sideways: wrap.scrollWidth > wrap.clientWidth + 1, \
             rows: rows.length, \
             whole: rows.filter(r => inside(r, '{parts}, {needed}') && r.querySelector('{needed}')).length, \
             labelled: rows.every(r => getComputedStyle(r.querySelector('td[data-label]'), '::before').content.length > 2), \
         }};"
    ))
    .await
}

/// A session card holds its state, device and action buttons.
async fn session_cards(h: &Harness, table: &str) -> Value {
    cards(
        h,
        table,
        "td[data-label=State], td[data-label=Device]",
        ".row-actions button",
    )
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn on_a_tablet_users_and_sessions_are_cards_that_keep_their_cells_together() {
    let h = Harness::start(30).await;
    h.emulate_touch(true).await;
    h.set_screen(Screen::Tablet).await;
    h.connect_with_token().await;
    h.wait_for_text("table.users caption", "30 users").await;
    let users = cards(
        &h,
        "table.users",
        "td.select input, td[data-label=Status]",
        "td[data-label=Name] a",
    )
    .await;
    assert_eq!(users["sideways"], Value::Bool(false), "{users}");
    assert_eq!(users["rows"], Value::from(30));
    assert_eq!(users["whole"], users["rows"], "{users}");
    assert_eq!(users["labelled"], Value::Bool(true));
    assert!(small_targets(&h).await.is_empty());
    let busy = h.open_busiest_user().await;
    let user_page = session_cards(&h, "table.sessions").await;
    assert_eq!(user_page["sideways"], Value::Bool(false), "{user_page}");
    assert_eq!(user_page["rows"], Value::from(busy.sessions.len()));
    assert_eq!(user_page["whole"], user_page["rows"], "{user_page}");
    assert_eq!(user_page["labelled"], Value::Bool(true));
    let small = small_targets(&h).await;
    assert!(small.is_empty(), "on a user's page: {small:#?}");
    h.screenshot("user-cards", Screen::Tablet).await;

    h.click("nav.sections a[href$='/sessions']").await;
    h.wait_for_text("table.all-sessions caption", "sessions")
        .await;
    let all = session_cards(&h, "table.all-sessions").await;
    assert_eq!(all["sideways"], Value::Bool(false), "{all}");
    assert_eq!(all["whole"], all["rows"], "{all}");
    assert!(all["rows"].as_u64().unwrap() > 10);
    assert!(small_targets(&h).await.is_empty());

    // On a desk the same sessions are a table again.
    h.emulate_touch(false).await;
    h.set_screen(Screen::Desktop).await;
    assert_eq!(
        h.script("return getComputedStyle(document.querySelector('table.all-sessions tbody tr')).display;")
            .await,
        Value::from("table-row")
    );
    h.finish().await;
}

const MENU_OPEN: &str = "return document.querySelector('header.topbar details.menu').open;";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn turning_a_tablet_folds_the_top_bar_into_its_menu_and_back() {
    let h = Harness::start(5).await;
    h.set_screen(Screen::Desktop).await;
    h.connect_with_token().await;
    h.wait_for_text("table.users caption", "5 users").await;
    assert_eq!(h.script(MENU_OPEN).await, Value::Bool(true));

    // Narrower without a reload, as a tablet turned to portrait: folded, not dropped open.
    h.set_screen(Screen::Tablet).await;
    h.wait_for_script(MENU_OPEN, Value::Bool(false), "the menu to fold")
        .await;
    h.click("header.topbar details.menu > summary").await;
    assert_eq!(h.script(MENU_OPEN).await, Value::Bool(true));
    h.click("header.topbar details.menu > summary").await;
    assert_eq!(h.script(MENU_OPEN).await, Value::Bool(false));

    // Wide again: the menu's items are back in the bar.
    h.set_screen(Screen::Desktop).await;
    h.wait_for_script(MENU_OPEN, Value::Bool(true), "the menu to unfold")
        .await;
    assert_eq!(
        h.script("return document.querySelector('#theme-toggle').offsetParent !== null;")
            .await,
        Value::Bool(true)
    );
    h.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn auto_density_follows_a_change_of_pointer_without_a_reload() {
    let h = Harness::start(5).await;
    h.set_screen(Screen::Tablet).await;
    h.connect_with_token().await;
    h.wait_for_text("table.users caption", "5 users").await;
    assert_eq!(density_attribute(&h).await.as_deref(), Some("compact"));
    const DENSITY: &str = "return document.documentElement.getAttribute('data-density');";

    // A tablet's trackpad cover taken off: the finger is the pointer now.
    h.emulate_touch(true).await;
    h.wait_for_script(
        DENSITY,
        Value::from("comfortable"),
        "comfortable for a finger",
    )
    .await;
    assert!(small_targets(&h).await.is_empty());
    h.emulate_touch(false).await;
    h.wait_for_script(DENSITY, Value::from("compact"), "compact for a mouse")
        .await;

    // A choice the admin made stays whatever the pointer.
    h.click("header.topbar details.menu > summary").await;
    h.click("#density-toggle").await;
    h.wait_for_text("#density-toggle", "compact").await;
    h.emulate_touch(true).await;
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    assert_eq!(density_attribute(&h).await.as_deref(), Some("compact"));
    h.finish().await;
}
