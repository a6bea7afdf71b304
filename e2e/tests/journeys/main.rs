//! End-to-end journeys: the real app in headless Chromium against the sandbox. Each journey is
//! one test; screenshots go to `tests/output/`. Run with
//! `cargo test -p roster-e2e --features journeys` after `trunk build --release`.

mod accessibility;
mod authsessions;
mod bulk;
mod connect;
mod console;
mod density;
mod early_leave;
mod enrollment;
mod errors;
mod every_backend;
mod hostile;
mod hosting;
mod keyboard;
mod language;
mod look;
mod portos;
mod sessions;
mod user;
mod usergrid;
mod users;
mod views;
