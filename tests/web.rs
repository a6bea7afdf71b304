//! Components mounted in a real DOM in headless Chromium (wasm-bindgen-test). These need no
//! backend: they check what the console renders and how it reacts before any request. Each
//! runs [`watched`]: it fails on any error the page's console shows while it runs (a panic in a
//! task left behind included), as every end-to-end journey does.
#![cfg(target_arch = "wasm32")]

use leptos::prelude::*;
use roster::activity::ActivityLog;
use roster::client::Client;
use roster::components::{ActionRunner, ErrorNotice};
use roster::pages::UserDetails;
use roster::App;
use roster_core::backend::journeyapps::CAPABILITIES as JOURNEYAPPS;
use roster_core::backend::Capabilities;
use roster_core::model::action::ActionKind;
use roster_core::model::{Session, SessionState, User};
use wasm_bindgen::JsCast;
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};
use web_sys::{Document, HtmlButtonElement, HtmlElement, HtmlInputElement};

wasm_bindgen_test_configure!(run_in_browser);

fn document() -> Document {
    web_sys::window().unwrap().document().unwrap()
}

/// Lets Leptos run its effects and the browser render.
async fn settle() {
    gloo_timers::future::TimeoutFuture::new(50).await;
}

fn input(root: &HtmlElement, selector: &str) -> HtmlInputElement {
    root.query_selector(selector)
        .unwrap()
        .unwrap_or_else(|| panic!("no {selector}"))
        .dyn_into()
        .unwrap()
}

fn text_of(root: &HtmlElement, selector: &str) -> Option<String> {
    root.query_selector(selector)
        .unwrap()
        .and_then(|e| e.text_content())
}

fn click(root: &HtmlElement, selector: &str) {
    let button: HtmlElement = root
        .query_selector(selector)
        .unwrap()
        .unwrap_or_else(|| panic!("no {selector}"))
        .dyn_into()
        .unwrap();
    button.click();
}

/// Installed once: the page's console errors, uncaught exceptions and unhandled rejections
/// collected in `window.rosterConsoleErrors`, besides going where they went.
const WATCH_CONSOLE: &str = "if (!window.rosterConsoleErrors) {
  window.rosterConsoleErrors = [];
  const error = console.error.bind(console);
  console.error = (...args) => { window.rosterConsoleErrors.push(args.map(String).join(' ')); error(...args); };
  window.addEventListener('error', (e) => window.rosterConsoleErrors.push('uncaught: ' + e.message));
  window.addEventListener('unhandledrejection', (e) => window.rosterConsoleErrors.push('unhandled: ' + e.reason));
}
window.rosterConsoleErrors.length = 0;";

/// The errors the page's console has shown since the watch started or was last read.
fn console_errors() -> Vec<String> {
    let errors = js_sys::eval("window.rosterConsoleErrors.splice(0)").unwrap();
    js_sys::Array::from(&errors)
        .iter()
        .filter_map(|e| e.as_string())
        .collect()
}

/// Runs `test` with the page's console watched: any error it shows while the test runs, or
/// while the test's components settle after it, fails the test with its message.
async fn watched(test: impl std::future::Future<Output = ()>) {
    // As in the console itself: a panic says what and where.
    console_error_panic_hook::set_once();
    js_sys::eval(WATCH_CONSOLE).unwrap();
    test.await;
    settle().await;
    settle().await;
    let errors = console_errors();
    assert!(errors.is_empty(), "the console showed: {errors:#?}");
}

/// A fresh element to mount into.
fn host() -> HtmlElement {
    let host = document().create_element("div").unwrap();
    document().body().unwrap().append_child(&host).unwrap();
    host.dyn_into().unwrap()
}

#[wasm_bindgen_test]
async fn connect_screen_explains_what_is_missing_without_sending_anything() {
    watched(async {
        let root = host();
        leptos::mount::mount_to(root.clone(), App).forget();
        // Submitted at once, before `config.json` has come back: its late arrival must not wipe
        // what the submit said.
        gloo_timers::future::TimeoutFuture::new(0).await;
        assert!(text_of(&root, "h1").unwrap().contains("Connect"));
        assert_eq!(
            input(&root, "#token").type_(),
            "password",
            "the token is never shown on screen"
        );

        click(&root, "button[type=submit]");
        settle().await;
        settle().await;
        assert_eq!(
            text_of(&root, "[role=alert]").as_deref(),
            Some("Enter the base URL. Shown on the deployment's Manage API page.")
        );

        let url = input(&root, "#base-url");
        url.set_value("https://example.invalid/api/v4/dep");
        url.dispatch_event(&web_sys::Event::new("input").unwrap())
            .unwrap();
        click(&root, "button[type=submit]");
        settle().await;
        assert_eq!(
            text_of(&root, "[role=alert]").as_deref(),
            Some("Enter the Named Token.")
        );

        // Basic swaps the token field for a user and a password.
        click(&root, "#auth-basic");
        settle().await;
        assert!(root.query_selector("#token").unwrap().is_none());
        assert_eq!(input(&root, "#basic-password").type_(), "password");
        let submit: HtmlButtonElement = root
            .query_selector("button[type=submit]")
            .unwrap()
            .unwrap()
            .dyn_into()
            .unwrap();
        assert!(!submit.disabled());
    })
    .await;
}

#[wasm_bindgen_test]
async fn error_notice_is_announced() {
    watched(async {
        let host = host();
        let _mounted = leptos::mount::mount_to(host.clone(), || {
            view! { <ErrorNotice message="The backend answered 500" /> }
        });
        settle().await;
        let notice = host.query_selector("[role=alert]").unwrap().unwrap();
        assert_eq!(notice.text_content().unwrap(), "The backend answered 500");
    })
    .await;
}

/// A backend that can only sign a session out: no lock, no wipe, no enrollment, no batch.
static SIGN_OUT_ONLY: Capabilities = Capabilities {
    actions: &[ActionKind::ReAuthenticateSession],
    enrollment: false,
    server_batch: false,
    policy: None,
    ..JOURNEYAPPS
};

fn ann() -> User {
    let session = |id: &str, state| Session {
        id: id.into(),
        state,
        label: Some(format!("Tablet {id}")),
        ..Session::default()
    };
    User {
        id: "u-1".into(),
        display_name: Some("Ann Lee".into()),
        enrolled: true,
        sessions: vec![
            session("s1", SessionState::Enrolled),
            session("s2", SessionState::Locked),
        ],
        ..User::default()
    }
}

/// The user page's details for `ann()` with `caps`, mounted in a fresh host.
async fn user_details(caps: &'static Capabilities) -> HtmlElement {
    let host = host();
    let mounted = leptos::mount::mount_to(host.clone(), move || {
        let client = Client::restore();
        provide_context(client);
        provide_context(ActivityLog::restore(client));
        let runner = ActionRunner::new();
        view! { <UserDetails user=ann() caps=caps runner=runner refresh=Callback::new(|_| {}) /> }
    });
    mounted.forget();
    settle().await;
    host
}

fn count(host: &HtmlElement, selector: &str) -> u32 {
    host.query_selector_all(selector).unwrap().length()
}

#[wasm_bindgen_test]
async fn the_user_page_offers_only_what_the_backend_can_do() {
    watched(async {
        let full = user_details(&JOURNEYAPPS).await;
        for selector in ["#lock", "#unlock", "#enroll"] {
            assert_eq!(
                count(&full, selector),
                1,
                "{selector} with every capability"
            );
        }
        assert_eq!(count(&full, "button.wipe"), 2);
        assert_eq!(count(&full, "button.reauthenticate"), 2);

        let fewer = user_details(&SIGN_OUT_ONLY).await;
        for selector in ["#lock", "#unlock", "#enroll", "button.wipe"] {
            assert_eq!(count(&fewer, selector), 0, "{selector} is not offered");
        }
        let sign_outs = fewer.query_selector_all("button.reauthenticate").unwrap();
        assert_eq!(sign_outs.length(), 2, "one per session");
        // The rule decides per session: the signed-out one cannot be signed out again.
        let disabled: Vec<bool> = (0..sign_outs.length())
            .map(|i| {
                sign_outs
                    .item(i)
                    .unwrap()
                    .dyn_into::<HtmlButtonElement>()
                    .unwrap()
                    .disabled()
            })
            .collect();
        assert_eq!(disabled, [false, true]);
        assert!(fewer.text_content().unwrap().contains("Ann Lee"));
    })
    .await;
}

#[wasm_bindgen_test]
async fn the_console_watch_reports_an_error_a_page_logs() {
    js_sys::eval(WATCH_CONSOLE).unwrap();
    web_sys::console::error_1(&"roster: a logged error".into());
    let seen = console_errors();
    assert_eq!(seen, ["roster: a logged error"]);
    assert!(console_errors().is_empty(), "each error is reported once");
}
