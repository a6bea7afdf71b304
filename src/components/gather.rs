//! Reading every session a view shows from a backend that pages them on the server, to act on
//! all of them or to export them; how far it got is said while it runs.

use super::waiting_text;
use crate::client::Requests;
use chrono::{DateTime, Utc};
use leptos::prelude::*;
use roster_core::backend::{Api, ApiError, LoadEvent, SessionsLoad};
use roster_core::table::sessions::SessionsView;

/// What the status line says while the sessions are read.
pub fn gathering_text(loaded: usize, total: Option<u64>) -> String {
    match total {
        Some(total) => format!("Reading the matching sessions… {loaded} of {total}"),
        None => format!("Reading the matching sessions… {loaded} so far"),
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
    let _ = status.try_set(Some(gathering_text(0, None)));
    let events = move |event| {
        let text = match event {
            LoadEvent::Progress { loaded, total } => gathering_text(loaded, total),
            LoadEvent::Waiting { millis } => waiting_text(millis),
        };
        let _ = status.try_set(Some(text));
    };
    let load = requests
        .read(move |backend, transport| async move {
            backend.all_sessions(&transport, &view, now, &events).await
        })
        .await;
    let _ = status.try_set(None);
    load
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn says_how_far_it_got() {
        assert_eq!(
            gathering_text(2000, Some(3412)),
            "Reading the matching sessions… 2000 of 3412"
        );
        assert!(gathering_text(0, None).ends_with("0 so far"));
    }
}
