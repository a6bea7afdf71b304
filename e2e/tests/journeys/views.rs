//! Saved views: save the current search, filters and sort under a name, pick it again after
//! a reload, delete it, and share views as a JSON file (export, then import).

use roster_e2e::Harness;

/// The names in the saved views menu.
async fn saved_names(h: &Harness) -> Vec<String> {
    let names = h
        .script(
            "return [...document.querySelectorAll('#saved-view option')] \
             .filter(o => o.value).map(o => o.value);",
        )
        .await;
    serde_json::from_value(names).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_view_is_saved_picked_again_deleted_and_shared_as_json() {
    let h = Harness::start(30).await;
    h.connect_with_token().await;
    h.wait_for_text("table.users caption", "30 users").await;

    // Search "a", enrolled only, newest connection first: saved as "Enrolled A".
    h.fill("#user-search", "a").await;
    h.find("#status-filter")
        .await
        .select_by_value("enrolled")
        .await
        .unwrap();
    h.click("button.sort[data-sort=last_connected]").await;
    h.click("button.sort[data-sort=last_connected]").await;
    let caption = h.wait_for_text("table.users caption", " of 30 users").await;
    let wanted = h.browser.current_url().await.unwrap();
    assert!(wanted.query().unwrap_or_default().contains("dir=desc"));
    h.click("#save-view").await;
    h.fill("#view-name", "Enrolled A").await;
    h.click("form.name-view button[type=submit]").await;
    h.wait_for_all("#view-name", "the name field to close", |f| f.is_empty())
        .await;
    assert_eq!(saved_names(&h).await, ["Enrolled A"]);

    // Another view on screen; after a reload the saved one is still there and brings back
    // the search, the filter and the sort.
    h.browser.goto(&h.app_url("/users")).await.unwrap();
    h.wait_for_text("table.users caption", "30 users").await;
    assert_eq!(saved_names(&h).await, ["Enrolled A"]);
    h.find("#saved-view")
        .await
        .select_by_value("Enrolled A")
        .await
        .unwrap();
    h.wait_for_text("table.users caption", &caption).await;
    assert_eq!(
        h.browser.current_url().await.unwrap().query(),
        wanted.query()
    );
    assert_eq!(h.value("#user-search").await, "a");

    // Shared: exported as JSON, deleted here, imported back from the file.
    h.click("#export-views").await;
    let exported = h.downloaded("roster-views.json").await;
    assert!(exported.contains("Enrolled A") && exported.contains("\"users\""));
    h.click("#delete-view").await;
    h.wait_for_all(
        "#saved-view option[value='Enrolled A']",
        "the view to go",
        |o| o.is_empty(),
    )
    .await;
    let file = std::env::temp_dir().join(format!("roster-views-{}.json", std::process::id()));
    std::fs::write(&file, &exported).unwrap();
    h.find("#import-views")
        .await
        .send_keys(file.to_str().unwrap())
        .await
        .unwrap();
    h.wait_for_text(".saved-views .notice", "Imported 1 view.")
        .await;
    assert_eq!(saved_names(&h).await, ["Enrolled A"]);

    // A file that is not a list of views is refused with a message, and changes nothing.
    std::fs::write(&file, "{\"hello\": 1}").unwrap();
    h.find("#import-views")
        .await
        .send_keys(file.to_str().unwrap())
        .await
        .unwrap();
    h.wait_for_text(".saved-views .notice", "not a list of saved views")
        .await;
    assert_eq!(saved_names(&h).await, ["Enrolled A"]);
    let _ = std::fs::remove_file(&file);
    h.finish().await;
}
