//! Every backend behind one interface. A backend turns domain requests into HTTP requests over
//! a [`Transport`] and HTTP answers into domain values or typed errors; it declares what it can
//! do in its [`Capabilities`], and the console offers exactly that. The pages never name a
//! kind: they call [`Backend`] through [`Api`] and read its capabilities.

#[cfg(feature = "authsessions")]
pub mod authsessions;
mod capabilities;
mod connection;
pub mod error;
pub mod fill;
pub mod http;
pub mod journeyapps;
pub mod lenient;
pub mod paging;
#[cfg(feature = "portos")]
pub mod portos;
mod read;
pub mod run;
#[cfg(feature = "usergrid")]
pub mod usergrid;

#[cfg(test)]
mod fake;
#[cfg(test)]
mod testing;

pub use capabilities::{AuthMethod, Capabilities, Field, Section};
pub use connection::{ConnectForm, Connection, Credentials, Kind, UsergridGrant};
pub use error::ApiError;
pub use http::{HttpRequest, HttpResponse, Method, Transport, TransportError};

use crate::model::action::{Action, Performed};
use crate::model::enrollment::EnrollmentToken;
use crate::model::{SessionId, User, UserId};
use crate::table::server::{PageAt, ServerPage, SessionRow};
use crate::table::sessions::SessionsView;
use crate::table::users::UsersView;
use chrono::{DateTime, Utc};

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

/// Every session a view shows, read from a server that filters them, and a notice when part
/// could not be read.
#[derive(Clone, Debug, PartialEq)]
pub struct SessionsLoad {
    pub rows: Vec<SessionRow>,
    pub notice: Option<String>,
}

/// One user as read back to settle what a lost answer left unknown.
#[derive(Clone, Debug, PartialEq)]
pub enum ReadBack {
    Found(User),
    /// The backend no longer has the user.
    Gone,
    /// The user could not be read now: what it shows stays unknown.
    Unreadable,
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

    /// The credentials to keep now: they change when a session's tokens are refreshed.
    fn credentials(&self) -> Credentials;

    /// Proves the URL and credentials with one cheap request.
    async fn check<T: Transport>(&self, transport: &T) -> Result<(), ApiError>;

    /// Signs in with the connection's credentials and returns those to keep: the same for a
    /// token, a session's tokens for a login (whose password is then forgotten).
    async fn sign_in<T: Transport>(&self, transport: &T) -> Result<Credentials, ApiError> {
        self.check(transport).await?;
        Ok(self.credentials())
    }

    /// Ends the console's own session on the backend, where it has one.
    async fn sign_out<T: Transport>(&self, _transport: &T) -> Result<(), ApiError> {
        Ok(())
    }

    /// The console's own session among the backend's, where it has one.
    fn own_session(&self) -> Option<SessionId> {
        None
    }

    /// One page of the sessions `view` shows, filtered, sorted and paged by the server (where
    /// capabilities say `sessions_on_server`); `now` anchors "more than N days ago".
    async fn query_sessions<T: Transport>(
        &self,
        _transport: &T,
        _view: &SessionsView,
        _at: &PageAt,
        _now: DateTime<Utc>,
    ) -> Result<ServerPage<SessionRow>, ApiError> {
        Err(ApiError::Unsupported)
    }

    /// How many sessions `view` shows, counted by the server.
    async fn count_sessions<T: Transport>(
        &self,
        _transport: &T,
        _view: &SessionsView,
        _now: DateTime<Utc>,
    ) -> Result<u64, ApiError> {
        Err(ApiError::Unsupported)
    }

    /// One page of the users `view` shows, filtered, sorted and paged by the server (where
    /// capabilities say `users_on_server`).
    async fn query_users<T: Transport>(
        &self,
        _transport: &T,
        _view: &UsersView,
        _at: &PageAt,
    ) -> Result<ServerPage<User>, ApiError> {
        Err(ApiError::Unsupported)
    }

    /// Every user `view` shows, read page by page from the server (bounded like any listing),
    /// to act on all of them.
    async fn all_users<T: Transport>(
        &self,
        _transport: &T,
        _view: &UsersView,
        _events: &dyn Fn(LoadEvent),
    ) -> Result<UsersLoad, ApiError> {
        Err(ApiError::Unsupported)
    }

    /// Every session `view` shows, read page by page from the server (bounded like any
    /// listing), to act on all of them.
    async fn all_sessions<T: Transport>(
        &self,
        _transport: &T,
        _view: &SessionsView,
        _now: DateTime<Utc>,
        _events: &dyn Fn(LoadEvent),
    ) -> Result<SessionsLoad, ApiError> {
        Err(ApiError::Unsupported)
    }

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

    /// The users `ids` as the backend has them now, one [`ReadBack`] per id in order: to settle
    /// what lost answers left unknown. By default one user a request, a few at once; a
    /// backend whose listing carries sessions reads the listing instead where that takes fewer
    /// requests. Refused credentials end it with the error.
    async fn read_back<T: Transport>(
        &self,
        transport: &T,
        ids: &[UserId],
    ) -> Result<Vec<ReadBack>, ApiError> {
        run::read_back_each(ids, |id| self.user(transport, id, &|_| {})).await
    }

    /// Carries out `action` with exactly one request: a lost answer does not mean it did not
    /// run, so it is never resent here.
    async fn perform<T: Transport>(
        &self,
        transport: &T,
        action: &Action,
    ) -> Result<Performed, ApiError>;

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
    #[cfg(feature = "portos")]
    Portos(portos::Portos),
    #[cfg(feature = "authsessions")]
    AuthSessions(authsessions::AuthSessions),
    #[cfg(feature = "usergrid")]
    Usergrid(usergrid::Usergrid),
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
            #[cfg(feature = "portos")]
            Kind::Portos => Backend::Portos(portos::Portos::new(
                &connection.base_url,
                connection.credentials.clone(),
            )),
            #[cfg(feature = "authsessions")]
            Kind::AuthSessions => Backend::AuthSessions(authsessions::AuthSessions::new(
                &connection.base_url,
                connection.credentials.clone(),
            )),
            #[cfg(feature = "usergrid")]
            Kind::Usergrid => Backend::Usergrid(usergrid::Usergrid::new(
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
            #[cfg(feature = "portos")]
            Backend::Portos($backend) => $call,
            #[cfg(feature = "authsessions")]
            Backend::AuthSessions($backend) => $call,
            #[cfg(feature = "usergrid")]
            Backend::Usergrid($backend) => $call,
            #[cfg(test)]
            Backend::Fake($backend) => $call,
        }
    };
}

impl Api for Backend {
    fn capabilities(&self) -> &'static Capabilities {
        dispatch!(self, b => b.capabilities())
    }

    fn credentials(&self) -> Credentials {
        dispatch!(self, b => b.credentials())
    }

    async fn check<T: Transport>(&self, transport: &T) -> Result<(), ApiError> {
        dispatch!(self, b => b.check(transport).await)
    }

    async fn sign_in<T: Transport>(&self, transport: &T) -> Result<Credentials, ApiError> {
        dispatch!(self, b => b.sign_in(transport).await)
    }

    async fn sign_out<T: Transport>(&self, transport: &T) -> Result<(), ApiError> {
        dispatch!(self, b => b.sign_out(transport).await)
    }

    fn own_session(&self) -> Option<SessionId> {
        dispatch!(self, b => b.own_session())
    }

    async fn query_sessions<T: Transport>(
        &self,
        transport: &T,
        view: &SessionsView,
        at: &PageAt,
        now: DateTime<Utc>,
    ) -> Result<ServerPage<SessionRow>, ApiError> {
        dispatch!(self, b => b.query_sessions(transport, view, at, now).await)
    }

    async fn count_sessions<T: Transport>(
        &self,
        transport: &T,
        view: &SessionsView,
        now: DateTime<Utc>,
    ) -> Result<u64, ApiError> {
        dispatch!(self, b => b.count_sessions(transport, view, now).await)
    }

    async fn query_users<T: Transport>(
        &self,
        transport: &T,
        view: &UsersView,
        at: &PageAt,
    ) -> Result<ServerPage<User>, ApiError> {
        dispatch!(self, b => b.query_users(transport, view, at).await)
    }

    async fn all_users<T: Transport>(
        &self,
        transport: &T,
        view: &UsersView,
        events: &dyn Fn(LoadEvent),
    ) -> Result<UsersLoad, ApiError> {
        dispatch!(self, b => b.all_users(transport, view, events).await)
    }

    async fn all_sessions<T: Transport>(
        &self,
        transport: &T,
        view: &SessionsView,
        now: DateTime<Utc>,
        events: &dyn Fn(LoadEvent),
    ) -> Result<SessionsLoad, ApiError> {
        dispatch!(self, b => b.all_sessions(transport, view, now, events).await)
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

    async fn read_back<T: Transport>(
        &self,
        transport: &T,
        ids: &[UserId],
    ) -> Result<Vec<ReadBack>, ApiError> {
        dispatch!(self, b => b.read_back(transport, ids).await)
    }

    async fn perform<T: Transport>(
        &self,
        transport: &T,
        action: &Action,
    ) -> Result<Performed, ApiError> {
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
