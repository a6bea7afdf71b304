//! Roster's sandbox server: the JourneyApps Backend API v4 over SQLite with deterministic demo
//! data, rate limiting, CORS and fault injection; it also serves the built app, so one process
//! is the whole demo and the backend of every end-to-end test.

pub mod api;
pub mod assets;
pub mod clock;
pub mod config;
pub mod control;
pub mod db;
pub mod demo;
pub mod error;
pub mod proxy;
pub mod ratelimit;
pub mod server;
pub mod state;

pub use config::Config;
pub use server::{start, RunningSandbox};
