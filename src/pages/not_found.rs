use crate::routes::Route;
use leptos::prelude::*;

/// Any path the console does not have.
#[component]
pub fn NotFoundPage() -> impl IntoView {
    view! {
        <section class="card">
            <h1>{tr!(not_found.title)}</h1>
            <p><a href=Route::Users.href()>{tr!(not_found.go)}</a></p>
        </section>
    }
}
