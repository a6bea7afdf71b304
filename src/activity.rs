//! The activity log of this browser: every action run here, newest first, kept in localStorage
//! (it holds no secrets and should survive the tab).

use crate::browser::local_storage;
use crate::client::Client;
use leptos::prelude::*;
use roster_core::model::activity::{self, Entry};

const STORAGE_KEY: &str = "roster.activity";

/// The log, provided as context by `App`.
#[derive(Clone, Copy)]
pub struct ActivityLog {
    pub entries: RwSignal<Vec<Entry>>,
    client: Client,
}

impl ActivityLog {
    /// The log saved on this device; an unreadable one starts empty rather than breaking the
    /// console.
    pub fn restore(client: Client) -> Self {
        let saved = local_storage()
            .and_then(|s| s.get_item(STORAGE_KEY).ok().flatten())
            .and_then(|text| serde_json::from_str(&text).ok())
            .unwrap_or_default();
        ActivityLog {
            entries: RwSignal::new(saved),
            client,
        }
    }

    /// Records an action on the connected backend and saves the log on this device.
    pub fn record(&self, action: &str, targets: &[String], outcome: String) {
        let backend = self.client.base_url_untracked().unwrap_or_default();
        let entry = Entry::new(chrono::Utc::now(), &backend, action, targets, outcome);
        let _ = self.entries.try_update(|log| {
            activity::record(log, entry);
            if let (Some(storage), Ok(text)) = (local_storage(), serde_json::to_string(log)) {
                let _ = storage.set_item(STORAGE_KEY, &text);
            }
        });
    }
}

/// The log in context.
pub fn use_activity() -> ActivityLog {
    expect_context::<ActivityLog>()
}
