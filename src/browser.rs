//! The few browser facilities the pages use beyond the DOM: the page's origin, the clipboard,
//! downloads, media queries and performance marks.

use leptos::prelude::*;
use send_wrapper::SendWrapper;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

/// `scheme://host[:port]` the console is served from.
pub fn own_origin() -> String {
    web_sys::window()
        .and_then(|w| w.location().origin().ok())
        .unwrap_or_default()
}

/// Puts `text` on the clipboard. The Clipboard API only exists in secure contexts and may be
/// refused, so failure is an ordinary outcome the caller reports.
pub async fn copy_text(text: &str) -> Result<(), ()> {
    let navigator = web_sys::window().ok_or(())?.navigator();
    let clipboard =
        js_sys::Reflect::get(&navigator, &JsValue::from_str("clipboard")).map_err(|_| ())?;
    if clipboard.is_undefined() || clipboard.is_null() {
        return Err(());
    }
    let clipboard: web_sys::Clipboard = clipboard.unchecked_into();
    JsFuture::from(clipboard.write_text(text))
        .await
        .map(|_| ())
        .map_err(|_| ())
}

/// This device's localStorage (preferences, saved views, a remembered connection), if the
/// browser allows it.
pub fn local_storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok()?
}

/// This tab's sessionStorage, if the browser allows it.
pub fn session_storage() -> Option<web_sys::Storage> {
    web_sys::window()?.session_storage().ok()?
}

/// Whether the window matches the media query `query` now.
pub fn matches_media(query: &str) -> bool {
    web_sys::window()
        .and_then(|w| w.match_media(query).ok().flatten())
        .is_some_and(|m| m.matches())
}

/// Whether the window matches the media query `query`, kept up to date as the window changes (a
/// tablet turned from landscape to portrait) until the calling component goes away.
pub fn media_signal(query: &str) -> ReadSignal<bool> {
    let list = web_sys::window().and_then(|w| w.match_media(query).ok().flatten());
    let (matches, set_matches) = signal(list.as_ref().is_some_and(|m| m.matches()));
    if let Some(list) = list {
        let watched = list.clone();
        let on_change = Closure::<dyn Fn()>::new(move || set_matches.set(watched.matches()));
        list.set_onchange(Some(on_change.as_ref().unchecked_ref()));
        // The listener lives as long as the component: both go at its cleanup.
        let kept = SendWrapper::new((list, on_change));
        on_cleanup(move || kept.take().0.set_onchange(None));
    }
    matches
}

/// The type of a CSV download.
pub const CSV: &str = "text/csv;charset=utf-8";

/// Offers `text` as a file download named `filename` of type `mime` (a CSV export, saved views
/// as JSON). False if the browser refused.
pub fn download(filename: &str, mime: &str, text: &str) -> bool {
    let save = || -> Result<(), JsValue> {
        let parts = js_sys::Array::of1(&JsValue::from_str(text));
        let options = web_sys::BlobPropertyBag::new();
        options.set_type(mime);
        let blob = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options)?;
        let url = web_sys::Url::create_object_url_with_blob(&blob)?;
        let document = web_sys::window()
            .and_then(|w| w.document())
            .ok_or(JsValue::NULL)?;
        let link: web_sys::HtmlAnchorElement = document.create_element("a")?.unchecked_into();
        link.set_href(&url);
        link.set_download(filename);
        link.click();
        // Revoked a little later: some browsers read the blob after click() returns.
        gloo_timers::callback::Timeout::new(30_000, move || {
            let _ = web_sys::Url::revoke_object_url(&url);
        })
        .forget();
        Ok(())
    };
    save().is_ok()
}

/// Records a `performance.mark` named `name`, for the benchmark (`web-bench`) to read; marks
/// cost nothing noticeable and say nothing about the data.
pub fn mark(name: &str) {
    if let Some(performance) = web_sys::window().and_then(|w| w.performance()) {
        let _ = performance.mark(name);
    }
}
