use leptos::html;
use leptos::prelude::*;

/// A modal dialog: focus moves into it when it opens, Escape or Cancel closes it.
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
    let panel = NodeRef::<html::Div>::new();
    Effect::new(move |_| {
        if let Some(panel) = panel.get() {
            // The first field or button, so a keyboard user starts inside the dialog.
            let first = panel.query_selector("input, button").ok().flatten();
            if let Some(el) =
                first.and_then(|e| wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(e).ok())
            {
                let _ = el.focus();
            }
        }
    });
    view! {
        <div class="modal-backdrop">
            <div
                class="modal"
                class:fullscreen=move || fullscreen.get()
                role="dialog"
                aria-modal="true"
                aria-labelledby="modal-title"
                node_ref=panel
                on:keydown=move |ev| {
                    if ev.key() == "Escape" {
                        on_close.run(());
                    }
                }
            >
                <h2 id="modal-title">{title}</h2>
                {children()}
            </div>
        </div>
    }
}
