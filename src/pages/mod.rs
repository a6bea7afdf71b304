//! One route per file.

mod activity;
mod connect;
mod not_found;
mod policy;
mod sessions;
mod user;
mod users;

pub use activity::ActivityPage;
pub use connect::ConnectPage;
pub use not_found::NotFoundPage;
pub use policy::PolicyPage;
pub use sessions::SessionsPage;
pub use user::{UserDetails, UserPage};
pub use users::UsersPage;

use crate::client::use_client;
use crate::routes::{use_go, Route};
use leptos::prelude::*;
use roster_core::backend::Capabilities;

/// Sends the admin to the connect screen whenever there is no connection: on opening a page
/// without one, and when a refused request ends it.
pub fn require_connection() {
    let client = use_client();
    let go = use_go();
    Effect::new(move |_| {
        if !client.is_connected() {
            go.to(&Route::Connect);
        }
    });
}

/// What the connected backend can do, read once as a page is built. None in the moment
/// between a disconnect and the connect screen replacing the page.
pub fn capabilities() -> Option<&'static Capabilities> {
    untrack(|| use_client().capabilities())
}
