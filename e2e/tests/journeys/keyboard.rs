//! Keyboard: `/` to the search, `j`/`k` and the arrows through the rows, `x` selects, `Enter`
//! opens, `?` lists the shortcuts; nothing fires while typing in a field.

use fantoccini::key::Key;
use roster_e2e::Harness;
use roster_sandbox::usergrid::ql;
use serde_json::Value;

/// The focused element's description: its tag, and for a row its position among the rows.
async fn focus(h: &Harness) -> String {
    h.script(
        "const el = document.activeElement; \
         const rows = [...document.querySelectorAll('main table tbody tr')]; \
         const at = rows.indexOf(el); \
         return at >= 0 ? `row ${at + 1}` : (el.id ? `#${el.id}` : el.tagName.toLowerCase());",
    )
    .await
    .as_str()
    .unwrap()
    .to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shortcuts_move_select_open_and_stay_out_of_fields() {
    let h = Harness::start(30).await;
    h.connect_with_token().await;
    h.wait_for_text("table.users caption", "30 users").await;

    h.press('j').await;
    assert_eq!(focus(&h).await, "row 1");
    h.press('j').await;
    h.press(Key::Down.into()).await;
    assert_eq!(focus(&h).await, "row 3");
    h.press('k').await;
    assert_eq!(focus(&h).await, "row 2");

    // x selects the row the keys are on, and again unselects it.
    h.press('x').await;
    h.wait_for_text(".selected-count", "1 selected").await;
    assert_eq!(
        h.script(
            "return document.querySelectorAll('main tbody tr')[1].querySelector('input').checked;"
        )
        .await,
        Value::Bool(true)
    );
    h.press('x').await;
    h.wait_for_text(".selected-count", "0 selected").await;

    // A checkbox ticked with the pointer is not a field: the keys still move and select.
    h.click("main tbody tr:nth-child(2) input[type=checkbox]")
        .await;
    h.wait_for_text(".selected-count", "1 selected").await;
    h.press('j').await;
    assert_eq!(focus(&h).await, "row 3");
    h.press('k').await;
    h.press('x').await;
    h.wait_for_text(".selected-count", "0 selected").await;

    // / goes to the search; keys typed there are text, not shortcuts.
    h.press('/').await;
    assert_eq!(focus(&h).await, "#user-search");
    h.press('x').await;
    h.press('j').await;
    assert_eq!(h.value("#user-search").await, "xj");
    assert_eq!(focus(&h).await, "#user-search");
    h.press(Key::Backspace.into()).await;
    h.press(Key::Backspace.into()).await;
    h.wait_for_text("table.users caption", "30 users").await;

    // ? lists the shortcuts; Escape closes the list.
    h.find("h1").await.click().await.unwrap();
    h.press('?').await;
    h.wait_for_text("[role=dialog] h2", "Keyboard shortcuts")
        .await;
    let listed = h.find("dl.shortcuts").await.text().await.unwrap();
    for keys in ["/", "j, ↓", "k, ↑", "Enter", "x", "?", "Ctrl+K"] {
        assert!(listed.contains(keys), "{keys} is not listed: {listed}");
    }
    h.press(Key::Escape.into()).await;
    assert!(!h.exists("[role=dialog]").await);

    // Enter on a row opens it.
    h.press('j').await;
    let first = h
        .find("main tbody tr:first-child td a")
        .await
        .text()
        .await
        .unwrap();
    h.press(Key::Enter.into()).await;
    h.wait_for_text("h1", &first).await;
    assert!(h
        .browser
        .current_url()
        .await
        .unwrap()
        .path()
        .starts_with("/users/"));
    h.finish().await;
}

/// The palette's lines, as shown.
async fn palette_lines(h: &Harness) -> Vec<String> {
    let lines = h
        .script(
            "return [...document.querySelectorAll('#palette-options li')].map(li => li.innerText);",
        )
        .await;
    serde_json::from_value(lines).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_palette_goes_to_a_user_by_name_or_id_a_page_or_an_action() {
    let h = Harness::start(30).await;
    h.connect_with_token().await;
    h.wait_for_text("table.users caption", "30 users").await;
    let users = h.sandbox_users();
    let anna = &users[7];
    let name = h.display_name(&anna.id).unwrap();

    // Ctrl+K opens it even from the search field; a user's name (any case) finds them and
    // Enter goes to their page.
    h.press('/').await;
    h.press_with_ctrl('k').await;
    h.wait_for_text("[role=dialog] h2", "Go to").await;
    assert_eq!(
        h.script("return document.activeElement.className;").await,
        Value::from("palette-input")
    );
    for c in name.to_uppercase().chars() {
        h.press(c).await;
    }
    // The user comes first.
    h.wait_for_text("#palette-options li:first-child", &name)
        .await;
    h.press(Key::Enter.into()).await;
    h.wait_for_text("h1", &name).await;
    assert!(!h.exists("[role=dialog]").await);
    assert!(h
        .browser
        .current_url()
        .await
        .unwrap()
        .path()
        .ends_with(&anna.id));

    // By id, with the arrows: the second line is the next match.
    h.press_with_ctrl('k').await;
    h.wait_for_text("[role=dialog] h2", "Go to").await;
    for c in users[3].id.chars() {
        h.press(c).await;
    }
    h.wait_for_text("#palette-options li:first-child", &users[3].id)
        .await;
    h.press(Key::Enter.into()).await;
    h.wait_for_text("h1", &h.display_name(&users[3].id).unwrap())
        .await;

    // A page, by the arrow keys.
    h.press_with_ctrl('k').await;
    for c in "sess".chars() {
        h.press(c).await;
    }
    let lines = palette_lines(&h).await;
    let page = lines
        .iter()
        .position(|l| l.starts_with("Sessions") && l.ends_with("Page"))
        .unwrap_or_else(|| panic!("no Sessions page in {lines:?}"));
    for _ in 0..page {
        h.press(Key::Down.into()).await;
    }
    h.press(Key::Enter.into()).await;
    h.wait_for_path("/sessions").await;

    // An action: the theme switches; Escape closes without doing anything.
    h.press_with_ctrl('k').await;
    for c in "theme".chars() {
        h.press(c).await;
    }
    h.press(Key::Enter.into()).await;
    assert_eq!(
        h.script("return document.documentElement.getAttribute('data-theme');")
            .await,
        Value::from("light")
    );
    h.press_with_ctrl('k').await;
    h.press('x').await;
    h.press(Key::Escape.into()).await;
    assert!(!h.exists("[role=dialog]").await);
    h.wait_for_path("/sessions").await;
    h.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn on_a_server_searched_backend_the_palette_finds_users_not_yet_loaded() {
    let h = Harness::start_with(5, &["--usergrid-users", "120"]).await;
    h.connect_to_usergrid("password").await;
    // Someone beyond the first page of the table: only the server's search can find them.
    let listed = h
        .script(
            "return [...document.querySelectorAll('table.users tbody a[href*=\"/users/\"]')] \
             .map(a => a.getAttribute('href'));",
        )
        .await
        .to_string();
    let everyone = {
        let store = h.sandbox.state.usergrid();
        let all = ql::parse("activated = true").unwrap();
        store.list(&all, 0, 1000).unwrap().0
    };
    let unlisted = everyone
        .iter()
        .find(|u| u.name.is_some() && !listed.contains(&u.uuid))
        .expect("a user beyond the first page");
    let name = unlisted.name.clone().unwrap();

    h.press_with_ctrl('k').await;
    h.wait_for_text("[role=dialog] h2", "Go to").await;
    for c in unlisted.username.chars() {
        h.press(c).await;
    }
    h.wait_for_text("#palette-options li:first-child", &name)
        .await;
    h.press(Key::Enter.into()).await;
    h.wait_for_text("h1", &name).await;
    h.wait_for_path(&format!("/users/{}", unlisted.uuid)).await;
    h.finish().await;
}
