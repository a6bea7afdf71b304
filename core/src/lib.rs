//! Roster's native core: everything the console decides without a browser. The domain model and
//! the rules of which action applies where (`model`), the tables' views, columns and rows
//! (`table`), bulk runs (`bulk`), policies (`policy`), CSV (`csv`), and every backend behind one
//! interface (`backend`). Nothing here depends on leptos, web-sys or gloo: `cargo test -p
//! roster-core` runs it all natively in seconds.

pub mod backend;
pub mod bulk;
pub mod config;
pub mod csv;
pub mod model;
pub mod palette;
pub mod policy;
pub mod table;
pub mod views;
