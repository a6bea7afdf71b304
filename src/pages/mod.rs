//! One route per file.

mod connect;
mod not_found;
mod user;
mod users;

pub use connect::{connection_from_form, AuthKind, ConnectForm, ConnectPage};
pub use not_found::NotFoundPage;
pub use user::UserPage;
pub use users::UsersPage;
