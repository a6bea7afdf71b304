//! The users table: filter, sort and search, and the URL reproducing the view after a reload.

use fantoccini::Locator;
use roster_e2e::{Harness, Screen, PAGE_ROWS};
use roster_sandbox::journeyapps::db::User;

async fn row_ids(h: &Harness) -> Vec<String> {
    let mut ids = Vec::new();
    for cell in h
        .browser
        .find_all(Locator::Css("table.users tbody td.mono"))
        .await
        .unwrap()
    {
        ids.push(cell.text().await.unwrap());
    }
    ids
}

/// Waits until the first page shows `matching` users (or a full page of them).
async fn wait_for_rows(h: &Harness, matching: usize) {
    let count = matching.min(PAGE_ROWS);
    h.wait_for_all("table.users tbody tr", &format!("{count} rows"), |rows| {
        rows.len() == count
    })
    .await;
}

/// Clicks the "Last connected" header and waits until the table says it is sorted that way.
async fn sort_by_last_connected(h: &Harness, order: &str) {
    h.find("button[data-sort=last_connected]")
        .await
        .click()
        .await
        .unwrap();
    h.find(&format!(
        "th[aria-sort={order}] button[data-sort=last_connected]"
    ))
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn filter_sort_and_search_live_in_the_url() {
    let h = Harness::start(250).await;
    let users: Vec<User> = h.sandbox_users();
    let locked: Vec<&User> = users.iter().filter(|u| u.locked).collect();
    assert!(locked.len() > 2, "the demo data has locked users");

    h.connect_with_token().await;
    wait_for_rows(&h, users.len()).await;

    // Sorting keeps the admin where they are on the page: the column headers at the top of the
    // window stay there (the router would scroll to the top on every change of the view).
    let header_at_top = h
        .browser
        .execute(
            "document.querySelector('table.users thead').scrollIntoView(); return window.scrollY",
            vec![],
        )
        .await
        .unwrap()
        .as_f64()
        .unwrap();
    assert!(header_at_top > 0.0, "the page scrolls to the table header");
    for order in ["descending", "ascending"] {
        h.find("button[data-sort=name]")
            .await
            .click()
            .await
            .unwrap();
        h.find(&format!("th[aria-sort={order}] button[data-sort=name]"))
            .await;
        let scrolled = h.browser.execute("return window.scrollY", vec![]).await;
        assert_eq!(scrolled.unwrap().as_f64().unwrap(), header_at_top);
    }

    // Status filter: exactly the locked users.
    h.find("#status-filter")
        .await
        .select_by_value("locked")
        .await
        .unwrap();
    wait_for_rows(&h, locked.len()).await;
    h.wait_for_text(
        "table.users caption",
        &format!("{} of {} users", locked.len(), users.len()),
    )
    .await;

    // Sort by last connected, newest first (two clicks).
    sort_by_last_connected(&h, "ascending").await;
    sort_by_last_connected(&h, "descending").await;
    let mut newest_first: Vec<&User> = locked.clone();
    newest_first.sort_by(|a, b| b.last_connected_at.cmp(&a.last_connected_at));
    let shown = row_ids(&h).await;
    assert_eq!(shown[0], newest_first[0].id);
    let expected_order: Vec<&str> = newest_first.iter().map(|u| u.id.as_str()).collect();
    let times = |ids: &[&str]| -> Vec<Option<String>> {
        ids.iter()
            .map(|id| {
                users
                    .iter()
                    .find(|u| u.id == *id)
                    .unwrap()
                    .last_connected_at
                    .clone()
            })
            .collect()
    };
    let shown_refs: Vec<&str> = shown.iter().map(String::as_str).collect();
    assert_eq!(
        times(&shown_refs),
        times(&expected_order),
        "rows are newest first"
    );

    // The URL holds the view: a reload (or a copied link) shows the same rows in the same order.
    let url = h.browser.current_url().await.unwrap();
    let query = url.query().unwrap_or_default().to_string();
    for part in ["status=locked", "sort=last_connected", "dir=desc"] {
        assert!(query.contains(part), "{query}");
    }
    h.browser.goto(url.as_str()).await.unwrap();
    wait_for_rows(&h, locked.len()).await;
    assert_eq!(row_ids(&h).await, shown);
    h.screenshot("users-filtered", Screen::Desktop).await;
    h.screenshot("users-filtered", Screen::Tablet).await;

    // Search within the filter, by part of a display name, ignoring case.
    let target = newest_first[0];
    let name = h.display_name(&target.id).unwrap();
    let word = name.split(' ').next_back().unwrap().to_uppercase();
    let matching = locked
        .iter()
        .filter(|u| {
            h.display_name(&u.id)
                .unwrap()
                .to_uppercase()
                .contains(&word)
                || u.id.to_uppercase().contains(&word)
        })
        .count();
    h.fill("#user-search", &word).await;
    wait_for_rows(&h, matching).await;
    assert!(row_ids(&h).await.contains(&target.id));
    assert!(h
        .browser
        .current_url()
        .await
        .unwrap()
        .query()
        .unwrap()
        .contains("q="));
    h.finish().await;
}
