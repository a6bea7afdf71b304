//! Roster: an admin console for app users and their device sessions.
//!
//! `main.rs` only mounts [`App`]; pages live in `pages/`, backend connectors (pure Rust, tested
//! natively) in `connector/`, the domain model in `model/`.

pub mod browser;
pub mod components;
pub mod config;
pub mod connector;
pub mod model;
pub mod pages;
pub mod state;
pub mod theme;
pub mod transport;
pub mod url;

use leptos::prelude::*;
use leptos_router::components::{Route, Router, Routes, A};
use leptos_router::hooks::use_navigate;
use leptos_router::path;
use pages::{
    ActivityPage, ConnectPage, NotFoundPage, PolicyPage, SessionsPage, UserPage, UsersPage,
};
use state::AppState;

/// The whole console: the top bar and the routes.
#[component]
pub fn App() -> impl IntoView {
    provide_context(AppState::restore());
    view! {
        <Router>
            <TopBar />
            <main id="main">
                <Routes fallback=NotFoundPage>
                    <Route path=path!("/") view=ConnectPage />
                    <Route path=path!("/users") view=UsersPage />
                    <Route path=path!("/users/:id") view=UserPage />
                    <Route path=path!("/sessions") view=SessionsPage />
                    <Route path=path!("/policy") view=PolicyPage />
                    <Route path=path!("/activity") view=ActivityPage />
                </Routes>
            </main>
        </Router>
    }
}

/// Brand, the backend in use and a way to disconnect.
#[component]
fn TopBar() -> impl IntoView {
    let state = expect_context::<AppState>();
    let navigate = use_navigate();
    let disconnect = move |_| {
        state.disconnect(None);
        navigate("/", Default::default());
    };
    view! {
        <header class="topbar">
            <a class="brand" href="/users">"Roster"</a>
            <Show when=move || state.connection.with(Option::is_some)>
                <nav class="sections" aria-label="Sections">
                    <A href="/users">"Users"</A>
                    <A href="/sessions">"Sessions"</A>
                    <A href="/policy">"Policy"</A>
                    <A href="/activity">"Activity"</A>
                </nav>
            </Show>
            {move || {
                state.connection.get().map(|c| {
                    view! {
                        <span class="backend" title=c.base_url.clone()>{c.base_url.clone()}</span>
                    }
                })
            }}
            <theme::ThemeToggle />
            <Show when=move || state.connection.with(Option::is_some)>
                <button class="quiet disconnect" on:click=disconnect.clone()>"Disconnect"</button>
            </Show>
        </header>
    }
}
