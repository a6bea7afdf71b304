//! The connection the console is using, shared by every page, and where it is kept between
//! reloads: sessionStorage only, so closing the tab forgets the secret.

use crate::connector::journeyapps::JourneyApps;
use crate::connector::Credentials;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

const STORAGE_KEY: &str = "roster.connection";

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
}

impl AppState {
    /// State with whatever connection this tab already had.
    pub fn restore() -> Self {
        AppState {
            connection: RwSignal::new(load()),
            notice: RwSignal::new(None),
            display_names: RwSignal::new(HashMap::new()),
        }
    }

    /// Uses `connection` from now on, and keeps it for reloads of this tab.
    pub fn connect(&self, connection: Connection) {
        if let (Some(storage), Ok(text)) = (session_storage(), serde_json::to_string(&connection)) {
            let _ = storage.set_item(STORAGE_KEY, &text);
        }
        self.notice.set(None);
        self.connection.set(Some(connection));
    }

    /// Forgets the connection and its secret; `why` is shown on the connect screen.
    pub fn disconnect(&self, why: Option<String>) {
        self.notice.set(why);
        if let Some(storage) = session_storage() {
            let _ = storage.remove_item(STORAGE_KEY);
        }
        self.connection.set(None);
    }
}

fn session_storage() -> Option<web_sys::Storage> {
    web_sys::window()?.session_storage().ok()?
}

fn load() -> Option<Connection> {
    let text = session_storage()?.get_item(STORAGE_KEY).ok()??;
    serde_json::from_str(&text).ok()
}
