//! Enrollment: the QR code in the dialog, read back from a screenshot, is the URL the sandbox
//! issued; a device enrolling with it shows up live as "Enrolled on …".

use roster_e2e::{Harness, Screen};
use roster_sandbox::journeyapps::api::enrollment_url;

/// The text of the one QR code in a PNG screenshot.
fn decode_qr(png: &[u8]) -> String {
    let image = image::load_from_memory(png).unwrap().to_luma8();
    let mut prepared = rqrr::PreparedImage::prepare_from_greyscale(
        image.width() as usize,
        image.height() as usize,
        |x, y| image.get_pixel(x as u32, y as u32).0[0],
    );
    let grids = prepared.detect_grids();
    assert_eq!(
        grids.len(),
        1,
        "expected exactly one QR code in the screenshot"
    );
    grids[0].decode().expect("the QR code decodes").1
}

/// The QR code shown now, decoded from a screenshot of it.
async fn shown_qr(h: &Harness) -> String {
    let png = h.find(".qr").await.screenshot().await.unwrap();
    decode_qr(&png)
}

fn pending_tokens(h: &Harness, user_id: &str) -> Vec<String> {
    let store = h.sandbox.state.journeyapps();
    store.pending_tokens(user_id).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn enrollment_code_scans_to_the_issued_url_and_reports_the_new_device() {
    let h = Harness::start(40).await;
    let user = h
        .sandbox_users()
        .into_iter()
        .find(|u| !u.locked)
        .expect("an unlocked user");
    let id = user.id.clone();
    h.connect_with_token().await;
    h.browser
        .goto(&h.app_url(&format!("/users/{id}")))
        .await
        .unwrap();
    // Opened directly: the name comes from the user's data-model object.
    h.wait_for_text(".user-header h1", &h.display_name(&id).unwrap())
        .await;
    h.find("#enroll").await.click().await.unwrap();
    h.find(".qr svg").await;

    let tokens = pending_tokens(&h, &id);
    assert_eq!(tokens.len(), 1, "opening the dialog issues one token");
    let token = &tokens[0];
    let issued_url = enrollment_url(&h.sandbox.url(), token);
    assert_eq!(shown_qr(&h).await, issued_url);
    h.wait_for_text("#enrollment-token", token).await;
    let countdown = h.find("#countdown").await.text().await.unwrap();
    assert!(
        countdown.starts_with("5:00") || countdown.starts_with("4:"),
        "countdown starts from 5:00, shows {countdown}"
    );
    // The sandbox's own http origin: the URL is a link.
    let link = h.find(".enrollment-url a").await;
    assert_eq!(
        link.attr("href").await.unwrap().as_deref(),
        Some(issued_url.as_str())
    );
    h.screenshot("enrollment", Screen::Desktop).await;
    h.screenshot("enrollment", Screen::Tablet).await;
    h.find("#fullscreen").await.click().await.unwrap();
    h.find(".modal.fullscreen .qr svg").await;
    h.screenshot("enrollment-fullscreen", Screen::Tablet).await;
    assert_eq!(
        shown_qr(&h).await,
        issued_url,
        "full screen shows the same code"
    );

    // A device scans the code.
    let enrolled = reqwest::Client::new()
        .post(format!("{}/sandbox/enroll", h.sandbox.url()))
        .json(&serde_json::json!({"token": token, "label": "E2E Tablet", "platform": "ANDROID"}))
        .send()
        .await
        .unwrap();
    assert_eq!(enrolled.status(), 201);
    h.wait_for_text("#enrolled", "Enrolled on E2E Tablet").await;
    h.find(".enrollment.spent").await;

    // The used code can be replaced by a new one, a different token and URL.
    h.find("#generate-new").await.click().await.unwrap();
    h.wait_for_all(".enrollment.spent", "a fresh code", |spent| {
        spent.is_empty()
    })
    .await;
    let tokens = pending_tokens(&h, &id);
    assert_eq!(tokens.len(), 1, "the used token is no longer pending");
    assert_ne!(&tokens[0], token);
    h.wait_for_text("#enrollment-token", &tokens[0]).await;
    assert_eq!(
        shown_qr(&h).await,
        enrollment_url(&h.sandbox.url(), &tokens[0])
    );

    // Closing the dialog re-reads the user: the new device is in the sessions table.
    h.find(".modal .dialog-buttons button.primary")
        .await
        .click()
        .await
        .unwrap();
    h.wait_for_text("table.sessions", "E2E Tablet").await;

    // Relative times move while the page stays open: the device connected "just now", and a
    // minute later says so without a reload.
    h.browser.refresh().await.unwrap();
    h.wait_for_text("table.sessions", "E2E Tablet").await;
    assert!(tablet_row(&h).await.contains("just now"));
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(80);
    while !tablet_row(&h).await.contains("1 minute ago") {
        assert!(
            std::time::Instant::now() < deadline,
            "after 80 s the new device still says {:?}",
            tablet_row(&h).await
        );
        tokio::time::sleep(std::time::Duration::from_secs(1)).await;
    }
    h.finish().await;
}

/// The text of the user page's row for the device enrolled above.
async fn tablet_row(h: &Harness) -> String {
    h.script(
        "return [...document.querySelectorAll('table.sessions tbody tr')] \
         .find(r => r.textContent.includes('E2E Tablet'))?.textContent ?? '';",
    )
    .await
    .as_str()
    .unwrap_or_default()
    .to_string()
}
