//! Small pieces shared by the pages.

mod action_dialogs;
mod action_runner;
mod bulk_dialog;
mod enrollment_dialog;
mod error_notice;
pub mod filters;
pub mod gather;
mod modal;
mod palette;
mod saved_views;
mod session_cells;
mod sessions_fill;
mod shortcuts;
pub mod table;
mod users_load;

pub use action_dialogs::{ActionDialog, LockDialog, SessionActionButtons};
pub use action_runner::{ActionRunner, Outcome, OutcomeNotice};
pub use bulk_dialog::{BulkButtons, BulkDialog, BulkHost};
pub use enrollment_dialog::EnrollmentDialog;
pub use error_notice::ErrorNotice;
pub use modal::Modal;
pub use palette::{provide_known_users, remember_users, Palette};
pub use saved_views::SavedViewsBar;
pub use session_cells::SessionCells;
pub use sessions_fill::{use_session_fill, FillStatus};
pub use shortcuts::Shortcuts;
pub use users_load::{progress_text, waiting_text, UsersLoader};
