//! Reading every session (or user) a view shows from a backend that pages them on the server,
//! to act on all of them or to export them; how far it got is said while it runs.

use super::waiting_text;
use crate::client::Requests;
use chrono::{DateTime, Utc};
use leptos::prelude::*;
use roster_core::backend::{Api, ApiError, LoadEvent, SessionsLoad, UsersLoad};
use roster_core::table::sessions::SessionsView;
use roster_core::table::users::UsersView;

/// What the status line says while the `noun` (users or sessions) are read.
pub fn gathering_text(noun: &str, loaded: usize, total: Option<u64>) -> String {
    let tag = crate::locale::tag();
    let loaded = crate::locale::number(loaded as u64, tag);
    let what = crate::text::said(noun);
    match total {
        Some(total) => tr!(
            gather.of,
            what = what,
            loaded = loaded,
            total = crate::locale::number(total, tag)
        ),
        None => tr!(gather.so_far, what = what, loaded = loaded),
    }
}

/// What a gathering reports, as words in `status`.
fn report(noun: &'static str, status: RwSignal<Option<String>>) -> impl Fn(LoadEvent) + Copy {
    move |event| {
        let text = match event {
            LoadEvent::Progress { loaded, total } => gathering_text(noun, loaded, total),
            LoadEvent::Waiting { millis } => waiting_text(millis),
        };
        let _ = status.try_set(Some(text));
    }
}

/// Every session `view` shows (bounded like any listing), saying how far it got in `status`
/// and clearing it when done.
pub async fn all_sessions(
    requests: Requests,
    view: SessionsView,
    now: DateTime<Utc>,
    status: RwSignal<Option<String>>,
) -> Result<SessionsLoad, ApiError> {
    let _ = status.try_set(Some(gathering_text("sessions", 0, None)));
    let events = report("sessions", status);
    let load = requests
        .read(move |backend, transport| async move {
            backend.all_sessions(&transport, &view, now, &events).await
        })
        .await;
    let _ = status.try_set(None);
    load
}

/// Every user `view` shows (bounded like any listing), saying how far it got in `status` and
/// clearing it when done.
pub async fn all_users(
    requests: Requests,
    view: UsersView,
    status: RwSignal<Option<String>>,
) -> Result<UsersLoad, ApiError> {
    let _ = status.try_set(Some(gathering_text("users", 0, None)));
    let events = report("users", status);
    let load = requests
        .read(move |backend, transport| async move {
            backend.all_users(&transport, &view, &events).await
        })
        .await;
    let _ = status.try_set(None);
    load
}
