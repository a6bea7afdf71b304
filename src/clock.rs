//! The console's clock for relative times ("3 minutes ago"): one signal for the whole app that
//! moves every minute, so the times on screen stay true while a page stays open.

use chrono::{DateTime, Utc};
use leptos::prelude::*;
use std::time::Duration;

/// How often relative times are worked out again.
const TICK: Duration = Duration::from_secs(60);

#[derive(Clone, Copy)]
struct Minute(RwSignal<DateTime<Utc>>);

/// Starts the clock for everything below (once, in the app).
pub fn provide_clock() {
    let now = RwSignal::new(Utc::now());
    crate::task::every(TICK, move || now.set(Utc::now()));
    provide_context(Minute(now));
}

/// The time now, as of the last tick; outside the app (a component test), the time it was
/// read.
pub fn use_clock() -> Signal<DateTime<Utc>> {
    match use_context::<Minute>() {
        Some(Minute(now)) => now.into(),
        None => Signal::stored(Utc::now()),
    }
}

/// "3 minutes ago" for `at` in the admin's language, kept true as the clock moves.
pub fn relative(at: Option<DateTime<Utc>>) -> impl Fn() -> String + Send + Sync + 'static {
    let now = use_clock();
    move || crate::text::relative(at, now.get())
}
