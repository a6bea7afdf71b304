//! Roster's sandbox server: the backend APIs Roster supports (JourneyApps Backend API v4 at
//! `/api`, PORTOS at `/portos`, the authenticated sessions at `/core/api/admin`, Usergrid at
//! `/usergrid/roster/sandbox`) over SQLite with deterministic demo data, each with its rate
//! limit, its error shape and the shared fault injection; it also serves the built app, so one process
//! is the whole demo and the backend of every end-to-end test.

pub mod assets;
pub mod authsessions;
pub mod clock;
pub mod config;
pub mod control;
pub mod gate;
pub mod journeyapps;
pub mod portos;
pub mod proxy;
pub mod ratelimit;
pub mod rng;
pub mod server;
pub mod sqlite;
pub mod state;
pub mod usergrid;

pub use config::Config;
pub use server::{start, RunningSandbox};
