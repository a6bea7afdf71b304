//! Small pieces shared by the pages.

mod action_dialogs;
mod enrollment_dialog;
mod error_notice;
mod modal;

pub use action_dialogs::{LockDialog, SessionActionDialog};
pub use enrollment_dialog::EnrollmentDialog;
pub use error_notice::ErrorNotice;
pub use modal::Modal;
