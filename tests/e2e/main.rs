//! End-to-end journeys: the real app in headless Chromium against the sandbox. Each journey is
//! one test; screenshots go to `tests/output/`.
#![cfg(not(target_arch = "wasm32"))]

mod bulk;
mod connect;
mod enrollment;
mod errors;
mod harness;
mod look;
mod sessions;
mod user;
mod users;
