use crate::routes::Route;
use leptos::prelude::*;

/// Any path the console does not have.
#[component]
pub fn NotFoundPage() -> impl IntoView {
    view! {
        <section class="card">
            <h1>"Page not found"</h1>
            <p><a href=Route::Users.href()>"Go to the users"</a></p>
        </section>
    }
}
