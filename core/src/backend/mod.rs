//! Every backend behind one interface. A backend turns domain requests into HTTP requests over
//! a [`Transport`] and HTTP answers into domain values or typed errors; it declares what it can
//! do in its [`Capabilities`], and the console offers exactly that. The pages never name a
//! kind: they call [`Backend`] through [`Api`] and read its capabilities.

mod capabilities;
mod connection;
mod error;
pub mod http;
pub mod journeyapps;
pub mod paging;
mod read;
pub mod run;

#[cfg(test)]
mod fake;
#[cfg(test)]
mod testing;

pub use capabilities::{AuthMethod, Capabilities, Field, Section};
pub use connection::{ConnectForm, Connection, Credentials, Kind};
pub use error::ApiError;
pub use http::{HttpRequest, HttpResponse, Method, Transport, TransportError};

use crate::model::action::Action;
use crate::model::enrollment::EnrollmentToken;
use crate::model::{User, UserId};

/// What happens while a listing loads, for a progress indicator.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum LoadEvent {
    /// `loaded` users so far of `total` (when the backend says).
    Progress { loaded: usize, total: Option<u64> },
    /// Rate limited (or a passing server error): waiting this long before trying again.
    Waiting { millis: u32 },
}

/// Every user, and a notice when part of what the backend has could not be loaded (the users
/// are still shown).
#[derive(Clone, Debug, PartialEq)]
pub struct UsersLoad {
    pub users: Vec<User>,
    pub notice: Option<String>,
}

/// The answer to one server batch: one result per action in order (an error in plain words),
/// or why the whole request failed.
pub type BatchAnswer = Result<Vec<Result<(), String>>, ApiError>;

/// The operations the pages need. Each kind implements all of them; an operation its
/// capabilities do not offer answers [`ApiError::Unsupported`].
// The app runs on one browser thread, so the futures need not be Send.
#[allow(async_fn_in_trait)]
pub trait Api {
    /// What this backend can do.
    fn capabilities(&self) -> &'static Capabilities;

    /// Proves the URL and credentials with one cheap request.
    async fn check<T: Transport>(&self, transport: &T) -> Result<(), ApiError>;

    /// Every user with its sessions, reporting progress and waits to `events`.
    async fn load_users<T: Transport>(
        &self,
        transport: &T,
        events: &dyn Fn(LoadEvent),
    ) -> Result<UsersLoad, ApiError>;

    /// One user with its sessions; a user that no longer exists is [`ApiError::NotFound`].
    async fn user<T: Transport>(
        &self,
        transport: &T,
        id: &UserId,
        events: &dyn Fn(LoadEvent),
    ) -> Result<User, ApiError>;

    /// Carries out `action` with exactly one request: a lost answer does not mean it did not
    /// run, so it is never resent here.
    async fn perform<T: Transport>(&self, transport: &T, action: &Action) -> Result<(), ApiError>;

    /// Carries out `actions` with one server batch request (where capabilities say
    /// `server_batch`).
    async fn perform_batch<T: Transport>(
        &self,
        _transport: &T,
        _actions: &[&Action],
    ) -> BatchAnswer {
        Err(ApiError::Unsupported)
    }

    /// Issues an enrollment token for the user (where capabilities say `enrollment`).
    async fn enrollment_token<T: Transport>(
        &self,
        _transport: &T,
        _user: &UserId,
    ) -> Result<EnrollmentToken, ApiError> {
        Err(ApiError::Unsupported)
    }
}

/// The backend of a connection: one of the known kinds.
#[derive(Clone, Debug)]
pub enum Backend {
    JourneyApps(journeyapps::JourneyApps),
    /// A test-only kind with fewer capabilities, to prove the interface carries any backend.
    #[cfg(test)]
    Fake(fake::Fake),
}

impl Backend {
    /// The backend `connection` names, with its credentials.
    pub fn new(connection: &Connection) -> Backend {
        match connection.kind {
            Kind::JourneyApps => Backend::JourneyApps(journeyapps::JourneyApps::new(
                &connection.base_url,
                connection.credentials.clone(),
            )),
        }
    }
}

/// Calls the same operation on whichever kind `self` is.
macro_rules! dispatch {
    ($self:ident, $backend:ident => $call:expr) => {
        match $self {
            Backend::JourneyApps($backend) => $call,
            #[cfg(test)]
            Backend::Fake($backend) => $call,
        }
    };
}

impl Api for Backend {
    fn capabilities(&self) -> &'static Capabilities {
        dispatch!(self, b => b.capabilities())
    }

    async fn check<T: Transport>(&self, transport: &T) -> Result<(), ApiError> {
        dispatch!(self, b => b.check(transport).await)
    }

    async fn load_users<T: Transport>(
        &self,
        transport: &T,
        events: &dyn Fn(LoadEvent),
    ) -> Result<UsersLoad, ApiError> {
        dispatch!(self, b => b.load_users(transport, events).await)
    }

    async fn user<T: Transport>(
        &self,
        transport: &T,
        id: &UserId,
        events: &dyn Fn(LoadEvent),
    ) -> Result<User, ApiError> {
        dispatch!(self, b => b.user(transport, id, events).await)
    }

    async fn perform<T: Transport>(&self, transport: &T, action: &Action) -> Result<(), ApiError> {
        dispatch!(self, b => b.perform(transport, action).await)
    }

    async fn perform_batch<T: Transport>(&self, transport: &T, actions: &[&Action]) -> BatchAnswer {
        dispatch!(self, b => b.perform_batch(transport, actions).await)
    }

    async fn enrollment_token<T: Transport>(
        &self,
        transport: &T,
        user: &UserId,
    ) -> Result<EnrollmentToken, ApiError> {
        dispatch!(self, b => b.enrollment_token(transport, user).await)
    }
}
