//! The connection the console is using, shared by every page, and where it is kept between
//! reloads: sessionStorage (closing the tab forgets the secret), or localStorage only when the
//! admin asked to be remembered on this device.

use crate::connector::journeyapps::JourneyApps;
use crate::connector::Credentials;
use crate::model::activity::{self, Entry};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

const STORAGE_KEY: &str = "roster.connection";
/// The activity log, in localStorage: it holds no secrets and should survive the tab.
const ACTIVITY_KEY: &str = "roster.activity";

/// A backend and the credentials for it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Connection {
    pub base_url: String,
    pub credentials: Credentials,
}

impl Connection {
    pub fn connector(&self) -> JourneyApps {
        JourneyApps::new(&self.base_url, self.credentials.clone())
    }
}

/// App-wide state, provided as context by `App`.
#[derive(Clone, Copy)]
pub struct AppState {
    pub connection: RwSignal<Option<Connection>>,
    /// Why the admin was sent back to the connect screen, if they were.
    pub notice: RwSignal<Option<String>>,
    /// Display names by user id, as last loaded with the users list.
    pub display_names: RwSignal<HashMap<String, String>>,
    /// Every action run from this browser, newest first.
    pub activity: RwSignal<Vec<Entry>>,
}

impl AppState {
    /// State with whatever connection this tab already had.
    pub fn restore() -> Self {
        AppState {
            connection: RwSignal::new(load()),
            notice: RwSignal::new(None),
            display_names: RwSignal::new(HashMap::new()),
            activity: RwSignal::new(load_activity()),
        }
    }

    /// Records an action in the activity log and saves the log on this device.
    pub fn log_activity(&self, action: &str, targets: &[String], outcome: String) {
        let backend = self
            .connection
            .with_untracked(|c| c.as_ref().map(|c| c.base_url.clone()))
            .unwrap_or_default();
        let entry = Entry::new(chrono::Utc::now(), &backend, action, targets, outcome);
        self.activity.update(|log| {
            activity::record(log, entry);
            if let (Some(storage), Ok(text)) = (local_storage(), serde_json::to_string(log)) {
                let _ = storage.set_item(ACTIVITY_KEY, &text);
            }
        });
    }

    /// Uses `connection` from now on and keeps it for reloads: in this tab only, or with
    /// `remember` on this device until Disconnect.
    pub fn connect(&self, connection: Connection, remember: bool) {
        forget();
        let storage = if remember {
            local_storage()
        } else {
            session_storage()
        };
        if let (Some(storage), Ok(text)) = (storage, serde_json::to_string(&connection)) {
            let _ = storage.set_item(STORAGE_KEY, &text);
        }
        self.notice.set(None);
        self.connection.set(Some(connection));
    }

    /// Forgets the connection and its secret; `why` is shown on the connect screen.
    pub fn disconnect(&self, why: Option<String>) {
        self.notice.set(why);
        forget();
        self.connection.set(None);
    }
}

fn session_storage() -> Option<web_sys::Storage> {
    web_sys::window()?.session_storage().ok()?
}

fn local_storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok()?
}

/// Removes the saved connection from both storages.
fn forget() {
    for storage in [session_storage(), local_storage()].into_iter().flatten() {
        let _ = storage.remove_item(STORAGE_KEY);
    }
}

/// This tab's connection, else one remembered on this device.
fn load() -> Option<Connection> {
    [session_storage(), local_storage()]
        .into_iter()
        .flatten()
        .find_map(|storage| {
            let text = storage.get_item(STORAGE_KEY).ok()??;
            serde_json::from_str(&text).ok()
        })
}

/// The saved activity log; an unreadable one starts empty rather than breaking the console.
fn load_activity() -> Vec<Entry> {
    local_storage()
        .and_then(|s| s.get_item(ACTIVITY_KEY).ok().flatten())
        .and_then(|text| serde_json::from_str(&text).ok())
        .unwrap_or_default()
}
