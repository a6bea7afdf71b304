//! The one way the pages reach a backend: the client owns the connection, its backend and the
//! transport. Every request goes through it, so a refused credential (401) anywhere sends the
//! admin back to the connect screen and forgets the secret everywhere. A page's reads are
//! called off when it goes away; writes never are, since a write cut off mid-way would leave
//! its outcome unknown.
//!
//! The connection is kept between reloads in sessionStorage (closing the tab forgets the
//! secret), or in localStorage only when the admin asked to be remembered on this device. A
//! backend whose session tokens are refreshed hands the client new ones; the client keeps
//! those in place of the old. A login's password is used once to sign in and never kept.

use crate::browser::{local_storage, session_storage};
use crate::task::Tasks;
use crate::transport::BrowserTransport;
use leptos::prelude::*;
use roster_core::backend::{Api, ApiError, Backend, Capabilities, Connection};
use roster_core::model::SessionId;
use send_wrapper::SendWrapper;
use std::future::Future;
use web_sys::AbortController;

const STORAGE_KEY: &str = "roster.connection";

/// A connection, the backend it names, and where it is kept.
#[derive(Clone, Debug)]
struct Connected {
    connection: Connection,
    backend: Backend,
    /// Kept on this device (localStorage) rather than in this tab.
    remembered: bool,
}

/// The console's link to its backend, provided as context by `App`.
#[derive(Clone, Copy)]
pub struct Client {
    connected: RwSignal<Option<Connected>>,
    /// Why the admin was sent back to the connect screen, if they were.
    pub notice: RwSignal<Option<String>>,
    /// The console's: a sign-out goes on while the console lives, whatever page follows.
    scope: Tasks,
}

impl Client {
    /// The client with whatever connection this tab (or this device) already had.
    pub fn restore() -> Self {
        Client {
            connected: RwSignal::new(load()),
            notice: RwSignal::new(None),
            scope: Tasks::here(),
        }
    }

    /// Whether the console is connected (tracked).
    pub fn is_connected(&self) -> bool {
        self.connected.with(Option::is_some)
    }

    /// What the connected backend can do (tracked); None when not connected.
    pub fn capabilities(&self) -> Option<&'static Capabilities> {
        self.connected
            .with(|c| c.as_ref().map(|c| c.backend.capabilities()))
    }

    /// The connected backend's base URL (tracked), for the top bar and the activity log.
    pub fn base_url(&self) -> Option<String> {
        self.connected
            .with(|c| c.as_ref().map(|c| c.connection.base_url.clone()))
    }

    /// Where this backend's saved views are kept on this device (untracked); None when not
    /// connected.
    pub fn views_key(&self) -> Option<String> {
        self.connected
            .try_with_untracked(|c| {
                c.as_ref().map(|c| {
                    roster_core::views::storage_key(c.connection.kind.key(), &c.connection.base_url)
                })
            })
            .flatten()
    }

    /// The connected backend's base URL, without tracking it.
    pub fn base_url_untracked(&self) -> Option<String> {
        self.connected
            .try_with_untracked(|c| c.as_ref().map(|c| c.connection.base_url.clone()))
            .flatten()
    }

    /// Uses `connection` and its signed-in `backend` from now on and keeps the connection for
    /// reloads: in this tab only, or with `remember` on this device until Disconnect.
    pub fn connect(&self, connection: Connection, backend: Backend, remember: bool) {
        forget();
        save(&connection, remember);
        self.notice.set(None);
        self.connected.set(Some(Connected {
            connection,
            backend,
            remembered: remember,
        }));
    }

    /// Forgets the connection and its secret; `why` is shown on the connect screen.
    pub fn disconnect(&self, why: Option<String>) {
        self.notice.set(why);
        forget();
        self.connected.set(None);
    }

    /// What the admin's Disconnect does: ends the console's session on the backend, where it
    /// has one (best effort: it is forgotten here whatever the backend answers), and forgets.
    pub fn sign_out(&self) {
        if let Some(backend) = self.backend() {
            self.scope.spawn(async move {
                let _ = backend.sign_out(&BrowserTransport::default()).await;
            });
        }
        self.disconnect(None);
    }

    /// The console's own session on the backend, where it has one.
    pub fn own_session(&self) -> Option<SessionId> {
        self.backend().and_then(|backend| backend.own_session())
    }

    /// Keeps the backend's credentials if they changed (refreshed tokens), where the old ones
    /// were kept. Nothing reactive changes: the same backend goes on.
    fn keep_credentials(&self) {
        let _ = self.connected.try_update_untracked(|connected| {
            let Some(connected) = connected else { return };
            let fresh = connected.backend.credentials();
            if fresh != connected.connection.credentials && !fresh.is_blank() {
                connected.connection.credentials = fresh;
                save(&connected.connection, connected.remembered);
            }
        });
    }

    fn backend(&self) -> Option<Backend> {
        self.connected
            .try_with_untracked(|c| c.as_ref().map(|c| c.backend.clone()))
            .flatten()
    }

    /// Acts on what a call ended with: refused credentials end the connection.
    fn heed<T>(&self, result: &Result<T, ApiError>) {
        if let Err(err) = result {
            self.refused(err);
        }
    }

    /// Ends the connection if `err` says the credentials were refused; true if it did.
    pub fn refused(&self, err: &ApiError) -> bool {
        if err.needs_reconnect() {
            self.disconnect(Some(crate::text::error(err)));
        }
        err.needs_reconnect()
    }
}

/// The client in context.
pub fn use_client() -> Client {
    expect_context::<Client>()
}

/// The requests of one page: reads are called off when the page goes away.
#[derive(Clone, Copy)]
pub struct Requests {
    client: Client,
    controller: StoredValue<Option<AbortController>, LocalStorage>,
}

/// The requests of the page (or component) being built.
pub fn use_requests() -> Requests {
    let controller = AbortController::new().ok();
    let abort = SendWrapper::new(controller.clone());
    on_cleanup(move || {
        if let Some(controller) = abort.take() {
            controller.abort();
        }
    });
    Requests {
        client: use_client(),
        controller: StoredValue::new_local(controller),
    }
}

impl Requests {
    /// The client they go through.
    pub fn client(&self) -> Client {
        self.client
    }

    fn reads(&self) -> BrowserTransport {
        match self
            .controller
            .try_with_value(|c| c.as_ref().map(AbortController::signal))
        {
            Some(Some(signal)) => BrowserTransport::with_signal(signal),
            Some(None) => BrowserTransport::default(),
            // The page is gone: nothing more is read for it.
            None => BrowserTransport::called_off(),
        }
    }

    /// Runs `op` on the connected backend with this page's transport for reads.
    pub async fn read<T, Fut>(
        self,
        op: impl FnOnce(Backend, BrowserTransport) -> Fut,
    ) -> Result<T, ApiError>
    where
        Fut: Future<Output = Result<T, ApiError>>,
    {
        self.call(self.reads(), op).await
    }

    /// Runs `op` on the connected backend with a transport that is never called off: a write
    /// must finish so its outcome is known.
    pub async fn write<T, Fut>(
        self,
        op: impl FnOnce(Backend, BrowserTransport) -> Fut,
    ) -> Result<T, ApiError>
    where
        Fut: Future<Output = Result<T, ApiError>>,
    {
        self.call(BrowserTransport::default(), op).await
    }

    async fn call<T, Fut>(
        self,
        transport: BrowserTransport,
        op: impl FnOnce(Backend, BrowserTransport) -> Fut,
    ) -> Result<T, ApiError>
    where
        Fut: Future<Output = Result<T, ApiError>>,
    {
        let Some(backend) = self.client.backend() else {
            return Err(ApiError::NotConnected);
        };
        let result = op(backend, transport).await;
        self.client.keep_credentials();
        self.client.heed(&result);
        result
    }
}

/// Signs in with a connection the admin has not made yet (a login's password is used here,
/// once): the connection to keep, with the credentials the backend gave, and the backend.
pub async fn sign_in(connection: Connection) -> Result<(Connection, Backend), ApiError> {
    let backend = Backend::new(&connection);
    let credentials = backend.sign_in(&BrowserTransport::default()).await?;
    let kept = Connection {
        credentials,
        ..connection
    };
    Ok((kept, backend))
}

/// Keeps `connection` for reloads: on this device with `remember`, else in this tab.
fn save(connection: &Connection, remember: bool) {
    let storage = if remember {
        local_storage()
    } else {
        session_storage()
    };
    if let (Some(storage), Ok(text)) = (storage, serde_json::to_string(connection)) {
        let _ = storage.set_item(STORAGE_KEY, &text);
    }
}

/// Removes the saved connection from both storages.
fn forget() {
    for storage in [session_storage(), local_storage()].into_iter().flatten() {
        let _ = storage.remove_item(STORAGE_KEY);
    }
}

/// This tab's connection, else one remembered on this device.
fn load() -> Option<Connected> {
    [(session_storage(), false), (local_storage(), true)]
        .into_iter()
        .find_map(|(storage, remembered)| {
            let text = storage?.get_item(STORAGE_KEY).ok()??;
            let connection: Connection = serde_json::from_str(&text).ok()?;
            Some(Connected {
                backend: Backend::new(&connection),
                connection,
                remembered,
            })
        })
}
