//! Roster: an admin console for app users and their device sessions.
//!
//! `main.rs` only mounts [`App`]. Everything that decides (the model, the rules, the tables'
//! views, bulk runs and every backend) is in the native `roster-core` crate; this crate renders
//! it: pages in `pages/`, shared pieces in `components/`, and the [`client::Client`] through
//! which every request goes.

pub mod activity;
pub mod browser;
pub mod client;
pub mod clock;
pub mod components;
pub mod config;
pub mod pages;
pub mod prefs;
pub mod routes;
pub mod transport;

use activity::ActivityLog;
use client::{use_client, Client};
use leptos::prelude::*;
use leptos_router::components::{Route as RouteDef, Router, Routes, A};
use leptos_router::hooks::use_navigate;
use leptos_router::path;
use pages::{
    ActivityPage, ConnectPage, NotFoundPage, PolicyPage, SessionsPage, UserPage, UsersPage,
};
use routes::{section_label, Route};

/// The whole console: the top bar and the routes (the paths of [`Route`]).
#[component]
pub fn App() -> impl IntoView {
    let mount = routes::mount();
    let client = Client::restore();
    provide_context(client);
    clock::provide_clock();
    prefs::provide_preference::<prefs::Theme>();
    prefs::provide_preference::<prefs::Density>();
    components::provide_known_users();
    provide_context(ActivityLog::restore(client));
    view! {
        <Router base=mount>
            <TopBar />
            <components::Shortcuts />
            <main id="main">
                <Routes fallback=NotFoundPage>
                    <RouteDef path=path!("/") view=ConnectPage />
                    <RouteDef path=path!("/users") view=UsersPage />
                    <RouteDef path=path!("/users/:id") view=UserPage />
                    <RouteDef path=path!("/sessions") view=SessionsPage />
                    <RouteDef path=path!("/policy") view=PolicyPage />
                    <RouteDef path=path!("/activity") view=ActivityPage />
                </Routes>
            </main>
        </Router>
    }
}

/// Where the top bar folds its right side into a menu (as in the stylesheet).
const NARROW: &str = "(max-width: 1100px)";

/// Brand, the sections the backend offers, the backend in use and a way to disconnect.
#[component]
fn TopBar() -> impl IntoView {
    let client = use_client();
    let navigate = use_navigate();
    let disconnect = move |_| {
        client.sign_out();
        navigate(&Route::Connect.path(), Default::default());
    };
    let home = move || {
        let first = client.capabilities().map(|caps| caps.sections[0]);
        first.map_or(Route::Connect, Route::of).href()
    };
    view! {
        <header class="topbar">
            <a class="brand" href=home>"Roster"</a>
            {move || client.capabilities().map(|caps| view! {
                <nav class="sections" aria-label="Sections">
                    {caps
                        .sections
                        .iter()
                        .map(|&s| view! { <A href=Route::of(s).path()>{section_label(s)}</A> })
                        .collect_view()}
                </nav>
            })}
            // On a narrow screen (a tablet) the rest folds into a menu, so the bar keeps one
            // line; on a wide one it stays open and shows inline.
            <details class="menu" prop:open=!browser::matches_media(NARROW)>
                <summary>"Menu"</summary>
                <div class="menu-items">
                    {move || client.base_url().map(|url| {
                        let title = url.clone();
                        view! { <span class="backend" title=title>{url}</span> }
                    })}
                    <prefs::PreferenceToggle<prefs::Density>
                        id="density-toggle"
                        title="Change how tightly tables and controls are packed"
                    />
                    <prefs::PreferenceToggle<prefs::Theme> id="theme-toggle" title="Change the colour theme" />
                    <Show when=move || client.is_connected()>
                        <button class="quiet disconnect" on:click=disconnect.clone()>"Disconnect"</button>
                    </Show>
                </div>
            </details>
        </header>
    }
}
