//! Every backend's pages, not only JourneyApps': on a touch tablet each section the backend
//! offers, and a user's page with sessions or devices, keeps 44 px targets, scrolls no table
//! sideways and passes axe-core in both themes.

use crate::accessibility::check;
use crate::density::small_targets;
use roster_e2e::{Harness, Screen};
use roster_sandbox::usergrid::ql;
use serde_json::Value;

/// Waits until the page has its heading and nothing on it is still loading.
async fn settle(h: &Harness) {
    h.wait_for_script(
        "return !!document.querySelector('main h1') \
             && !document.querySelector('.loading, [aria-busy=true]');",
        Value::Bool(true),
        "the page to finish loading",
    )
    .await;
}

/// What is wrong with the page as it is now, each as "place: problem".
async fn problems(h: &Harness, place: &str, found: &mut Vec<String>) {
    settle(h).await;
    let sideways = h
        .script(
            "return [...document.querySelectorAll('.table-wrap')] \
             .filter(w => w.scrollWidth > w.clientWidth + 1) \
             .map(w => w.querySelector('table')?.className ?? 'a table');",
        )
        .await;
    if let Value::Array(tables) = sideways {
        found.extend(
            tables
                .iter()
                .map(|t| format!("{place}: {t} scrolls sideways")),
        );
    }
    let small = small_targets(h).await;
    found.extend(
        small
            .into_iter()
            .map(|s| format!("{place}: under 44 px: {s}")),
    );
    check(h, place, found).await;
}

/// Visits each section of the top bar in turn.
async fn walk(h: &Harness, backend: &str, found: &mut Vec<String>) {
    let sections = h
        .script("return document.querySelectorAll('nav.sections a').length;")
        .await
        .as_u64()
        .unwrap();
    assert!(sections > 0, "{backend} offers no section");
    for nth in 1..=sections {
        let link = format!("nav.sections a:nth-of-type({nth})");
        h.click(&link).await;
        let path = h.find(&link).await.attr("href").await.unwrap().unwrap();
        h.wait_for_path(&path).await;
        problems(h, &format!("{backend} {path}"), found).await;
    }
}

/// Opens the users section, then the page of the listed user with the most sessions (the
/// first count column), so their cards are on show.
async fn open_busiest_listed_user(h: &Harness) {
    h.click("nav.sections a[href$='/users']").await;
    settle(h).await;
    let href = h
        .script(
            "const count = r => Number(r.querySelector('td.num')?.textContent ?? 0); \
             const rows = [...document.querySelectorAll('table.users tbody tr')]; \
             const row = rows.reduce((best, r) => count(r) > count(best) ? r : best, rows[0]); \
             return row?.querySelector('a[href*=\"/users/\"]')?.getAttribute('href') ?? null;",
        )
        .await;
    let href = href.as_str().expect("a user links to their page");
    h.click(&format!("table.users a[href='{href}']")).await;
    h.find("main p.crumbs a").await;
}

/// Disconnects from the top bar's menu, back to the connect page.
async fn disconnect(h: &Harness) {
    h.click("header.topbar details.menu > summary").await;
    h.click("header.topbar button.disconnect").await;
    h.wait_for_text("h1", "Connect").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_backends_pages_fit_a_finger_on_a_tablet_and_pass_axe() {
    let h = Harness::start(30).await;
    h.emulate_touch(true).await;
    h.set_screen(Screen::Tablet).await;
    let mut found = Vec::new();

    h.connect_to_portos().await;
    walk(&h, "PORTOS", &mut found).await;
    open_busiest_listed_user(&h).await;
    problems(&h, "PORTOS user", &mut found).await;
    h.screenshot("portos-user", Screen::Tablet).await;
    disconnect(&h).await;

    h.connect_to_authsessions().await;
    walk(&h, "authenticated sessions", &mut found).await;
    open_busiest_listed_user(&h).await;
    problems(&h, "authenticated sessions user", &mut found).await;
    h.screenshot("authsessions-user", Screen::Tablet).await;
    disconnect(&h).await;

    // Usergrid lists no device count: the sandbox names a user with devices.
    h.connect_to_usergrid("password").await;
    walk(&h, "Usergrid", &mut found).await;
    let with_devices = {
        // The store's lock is let go before the console asks the sandbox for the page.
        let usergrid = h.sandbox.state.usergrid();
        let activated = ql::parse("activated = true").unwrap();
        usergrid
            .list(&activated, 0, 1000)
            .unwrap()
            .0
            .into_iter()
            .find(|u| usergrid.devices(&u.uuid).is_ok_and(|d| d.len() >= 2))
            .expect("a Usergrid user with two devices")
    };
    h.browser
        .goto(&h.app_url(&format!("/users/{}", with_devices.uuid)))
        .await
        .unwrap();
    h.wait_for_all("table.sessions tbody tr", "the devices", |rows| {
        rows.len() >= 2
    })
    .await;
    problems(&h, "Usergrid user", &mut found).await;
    h.screenshot("usergrid-user", Screen::Tablet).await;

    assert!(found.is_empty(), "on a touch tablet:\n{}", found.join("\n"));
    h.finish().await;
}
