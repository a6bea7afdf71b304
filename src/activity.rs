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

/// An action sent whose answer has not come yet. Answered, it goes into the log with its
/// outcome; dropped unanswered (its page went away first, and the task waiting for the answer
/// with it), it goes in as unknown, since it may have run.
pub struct Unanswered {
    log: ActivityLog,
    action: String,
    targets: Vec<String>,
    /// What the log says if no answer comes.
    unanswered: Option<Box<dyn FnOnce() -> String>>,
}

impl ActivityLog {
    /// Notes that `action` on `targets` is being sent; `unanswered` says what the log records
    /// if the answer never comes.
    pub fn sending(
        &self,
        action: String,
        targets: Vec<String>,
        unanswered: impl FnOnce() -> String + 'static,
    ) -> Unanswered {
        Unanswered {
            log: *self,
            action,
            targets,
            unanswered: Some(Box::new(unanswered)),
        }
    }
}

impl Unanswered {
    /// Records the answer's `outcome`.
    pub fn answered(mut self, outcome: String) {
        self.unanswered = None;
        self.log.record(&self.action, &self.targets, outcome);
    }
}

impl Drop for Unanswered {
    fn drop(&mut self) {
        if let Some(unanswered) = self.unanswered.take() {
            self.log.record(&self.action, &self.targets, unanswered());
        }
    }
}

/// What the log says of an action sent whose page closed before its answer came.
pub fn page_left_text() -> String {
    tr!(outcome.unknown, message = tr!(outcome.page_left))
}

/// The log in context.
pub fn use_activity() -> ActivityLog {
    expect_context::<ActivityLog>()
}
