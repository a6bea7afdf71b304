use leptos::prelude::*;

/// One place that shows an error: announced to screen readers, never a crash.
#[component]
pub fn ErrorNotice(#[prop(into)] message: String) -> impl IntoView {
    view! {
        <div class="notice error" role="alert">
            {message}
        </div>
    }
}
