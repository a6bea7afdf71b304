//! One route per file.

mod activity;
mod connect;
mod not_found;
mod policy;
mod sessions;
mod user;
mod users;

pub use activity::ActivityPage;
pub use connect::{connection_from_form, AuthKind, ConnectForm, ConnectPage};
pub use not_found::NotFoundPage;
pub use policy::PolicyPage;
pub use sessions::SessionsPage;
pub use user::UserPage;
pub use users::UsersPage;

use crate::state::AppState;
use leptos::prelude::*;
use leptos_router::hooks::use_navigate;

/// Sends the admin to the connect screen whenever there is no connection: on opening a page
/// without one, and when a refused request ends it.
pub fn require_connection() {
    let state = expect_context::<AppState>();
    let navigate = use_navigate();
    Effect::new(move |_| {
        if state.connection.with(Option::is_none) {
            navigate("/", Default::default());
        }
    });
}
