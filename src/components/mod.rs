//! Small pieces shared by the pages.

mod action_dialogs;
mod error_notice;
mod modal;

pub use action_dialogs::{LockDialog, SessionActionDialog};
pub use error_notice::ErrorNotice;
pub use modal::Modal;
