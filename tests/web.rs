//! Components mounted in a real DOM in headless Chromium (wasm-bindgen-test). These need no
//! backend: they check what the console renders and how it reacts before any request.
#![cfg(target_arch = "wasm32")]

use roster::components::ErrorNotice;
use roster::App;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};
use web_sys::{Document, HtmlButtonElement, HtmlInputElement};

wasm_bindgen_test_configure!(run_in_browser);

fn document() -> Document {
    web_sys::window().unwrap().document().unwrap()
}

/// Lets Leptos run its effects and the browser render.
async fn settle() {
    gloo_timers::future::TimeoutFuture::new(50).await;
}

fn input(selector: &str) -> HtmlInputElement {
    document()
        .query_selector(selector)
        .unwrap()
        .unwrap_or_else(|| panic!("no {selector}"))
        .dyn_into()
        .unwrap()
}

fn text_of(selector: &str) -> Option<String> {
    document()
        .query_selector(selector)
        .unwrap()
        .and_then(|e| e.text_content())
}

fn click(selector: &str) {
    let button: web_sys::HtmlElement = document()
        .query_selector(selector)
        .unwrap()
        .unwrap()
        .dyn_into()
        .unwrap();
    button.click();
}

#[wasm_bindgen_test]
async fn connect_screen_explains_what_is_missing_without_sending_anything() {
    leptos::mount::mount_to_body(App);
    settle().await;
    assert!(text_of("h1").unwrap().contains("Connect"));
    assert_eq!(
        input("#token").type_(),
        "password",
        "the token is never shown on screen"
    );

    click("button[type=submit]");
    settle().await;
    assert_eq!(
        text_of("[role=alert]").as_deref(),
        Some("Enter the base URL from the deployment's Manage API page.")
    );

    let url = input("#base-url");
    url.set_value("https://example.invalid/api/v4/dep");
    url.dispatch_event(&web_sys::Event::new("input").unwrap())
        .unwrap();
    click("button[type=submit]");
    settle().await;
    assert_eq!(
        text_of("[role=alert]").as_deref(),
        Some("Enter the Named Token.")
    );

    // Basic swaps the token field for a user and a password.
    click("#auth-basic");
    settle().await;
    assert!(document().query_selector("#token").unwrap().is_none());
    assert_eq!(input("#basic-password").type_(), "password");
    let submit: HtmlButtonElement = document()
        .query_selector("button[type=submit]")
        .unwrap()
        .unwrap()
        .dyn_into()
        .unwrap();
    assert!(!submit.disabled());
}

#[wasm_bindgen_test]
async fn error_notice_is_announced() {
    let host = document().create_element("div").unwrap();
    document().body().unwrap().append_child(&host).unwrap();
    let _mounted = leptos::mount::mount_to(host.clone().dyn_into().unwrap(), || {
        leptos::view! { <ErrorNotice message="The backend answered 500" /> }
    });
    settle().await;
    let notice = host.query_selector("[role=alert]").unwrap().unwrap();
    assert_eq!(notice.text_content().unwrap(), "The backend answered 500");
}
