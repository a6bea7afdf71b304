use leptos::html;
use leptos::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::HtmlElement;

/// What Tab can land on inside a dialog.
const FOCUSABLE: &str = "a[href], button:not([disabled]), input:not([disabled]), \
                         select:not([disabled]), [tabindex]:not([tabindex='-1'])";

fn focusable_in(panel: &web_sys::Element) -> Vec<HtmlElement> {
    let Ok(found) = panel.query_selector_all(FOCUSABLE) else {
        return Vec::new();
    };
    (0..found.length())
        .filter_map(|i| found.item(i)?.dyn_into::<HtmlElement>().ok())
        .collect()
}

fn focused() -> Option<HtmlElement> {
    web_sys::window()?
        .document()?
        .active_element()?
        .dyn_into::<HtmlElement>()
        .ok()
}

/// A modal dialog: focus moves into it when it opens, stays in it while Tab cycles, and goes
/// back where it was when it closes; Escape or Cancel closes it.
#[component]
pub fn Modal(
    /// The heading, also the dialog's accessible name.
    #[prop(into)]
    title: String,
    #[prop(into)] on_close: Callback<()>,
    /// Fills the whole screen, e.g. to show a QR code large on a tablet.
    #[prop(optional, into)]
    fullscreen: Signal<bool>,
    children: Children,
) -> impl IntoView {
    let whole_title = title.clone();
    let panel = NodeRef::<html::Div>::new();
    // The button that opened the dialog gets focus back when it closes.
    let opener = send_wrapper::SendWrapper::new(focused());
    on_cleanup(move || {
        if let Some(el) = opener.take() {
            let _ = el.focus();
        }
    });
    Effect::new(move |_| {
        if let Some(first) = panel
            .get()
            .and_then(|p| focusable_in(&p).into_iter().next())
        {
            let _ = first.focus();
        }
    });
    let keydown = move |ev: leptos::ev::KeyboardEvent| match ev.key().as_str() {
        "Escape" => on_close.run(()),
        "Tab" => {
            let Some(panel) = panel.get() else { return };
            let all = focusable_in(&panel);
            let (Some(first), Some(last)) = (all.first(), all.last()) else {
                return;
            };
            let current = focused();
            let wrap_to = if ev.shift_key() && current.as_ref() == Some(first) {
                Some(last)
            } else if !ev.shift_key() && current.as_ref() == Some(last) {
                Some(first)
            } else {
                None
            };
            if let Some(target) = wrap_to {
                ev.prevent_default();
                let _ = target.focus();
            }
        }
        _ => {}
    };
    view! {
        <div class="modal-backdrop">
            <div
                class="modal"
                class:fullscreen=move || fullscreen.get()
                role="dialog"
                aria-modal="true"
                aria-labelledby="modal-title"
                node_ref=panel
                on:keydown=keydown
            >
                <h2 id="modal-title" title=whole_title>{title}</h2>
                {children()}
            </div>
        </div>
    }
}
