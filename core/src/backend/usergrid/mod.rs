//! Apache Usergrid (contract: API.md sections 4 and 5): an application's users, queried with
//! `ql` and paged by cursor on the server, their devices, and disable / enable, deactivate and
//! revoking every token.
//!
//! The console gets a token with a grant: an administrator's password (used once, never kept:
//! when the token expires the admin signs in again) or the application's client credentials
//! (the secret stays in memory while the tab lives, to get a new token when one expires; it is
//! never stored). The token is kept like any secret.

pub mod ql;

use super::capabilities::{AuthMethod, Capabilities, Section};
use super::http::{encode_component, HttpRequest, HttpResponse, Method, Transport};
use super::paging::Gathered;
use super::read::{read, send_once};
use super::{Api, ApiError, Credentials, LoadEvent, UsergridGrant, UsersLoad};
use crate::model::action::{Action, ActionKind, Performed};
use crate::model::{Session, SessionState, User, UserId};
use crate::table::server::{PageAt, ServerPage};
use crate::table::sessions::SessionColumn;
use crate::table::users::{UserColumn, UserFilter, UsersView};
use crate::table::PAGE_SIZE;
use chrono::{DateTime, Duration, Utc};
use serde_json::Value;
use std::fmt;
use std::sync::{Arc, Mutex};

/// Users a page when the console reads a whole listing: the most Usergrid gives.
const GATHER_LIMIT: usize = 1000;
/// A token is replaced this long before it expires.
const RENEW_AHEAD_SECS: i64 = 60;
/// Why the console is signed out when its token cannot be renewed.
pub const TOKEN_ENDED: &str = "The Usergrid token has expired or was revoked. Sign in again \
     to go on.";

/// Users and their devices; disable, enable, deactivate and sign out everywhere.
pub const CAPABILITIES: Capabilities = Capabilities {
    name: "Apache Usergrid",
    base_url_label: "Base URL",
    base_url_placeholder: "https://api.usergrid.com/<organization>/<application>",
    base_url_hint: "The application's address: the server, then the organization and the \
                    application.",
    auth_methods: &[AuthMethod::UsergridPassword, AuthMethod::UsergridClient],
    sections: &[Section::Users, Section::Activity],
    user_columns: &[
        UserColumn::Name,
        UserColumn::Username,
        UserColumn::Email,
        UserColumn::Activated,
        UserColumn::Disabled,
        UserColumn::Created,
        UserColumn::Modified,
    ],
    user_sorts: &[
        UserColumn::Name,
        UserColumn::Username,
        UserColumn::Email,
        UserColumn::Activated,
        UserColumn::Disabled,
        UserColumn::Created,
        UserColumn::Modified,
    ],
    user_filters: &[
        UserFilter::Disabled,
        UserFilter::Activated,
        UserFilter::Created,
    ],
    user_search: "Words of the name, username or e-mail",
    user_statuses: &[],
    session_columns: &[],
    session_sorts: &[],
    session_filters: &[],
    session_search: "",
    session_csv_columns: &[],
    environments: &[],
    session_states: &[],
    user_session_columns: &[
        SessionColumn::Device,
        SessionColumn::Created,
        SessionColumn::Modified,
    ],
    sessions_noun: "devices",
    actions: &[
        ActionKind::Disable,
        ActionKind::Enable,
        ActionKind::Deactivate,
        ActionKind::RevokeTokens,
    ],
    enrollment: false,
    server_batch: false,
    sessions_on_server: false,
    users_on_server: true,
    users_with_sessions: false,
    policy: None,
};

/// The token in use and when it expires.
#[derive(Clone)]
struct Token {
    token: String,
    expires_at: Option<DateTime<Utc>>,
}

/// A Usergrid application and the console's token for it.
#[derive(Clone)]
pub struct Usergrid {
    base_url: String,
    /// The grant not yet used (a password), or kept to renew the token (client credentials).
    grant: Arc<Mutex<Option<UsergridGrant>>>,
    token: Arc<Mutex<Option<Token>>>,
    now: fn() -> DateTime<Utc>,
}

// Secrets never reach a log line.
impl fmt::Debug for Usergrid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Usergrid")
            .field("base_url", &self.base_url)
            .finish()
    }
}

impl Usergrid {
    /// The application at `base_url` (`{server}/{org}/{app}`) with a grant or a token.
    pub fn new(base_url: &str, credentials: Credentials) -> Usergrid {
        let (grant, token) = match credentials {
            Credentials::UsergridGrant(grant) => (Some(grant), None),
            Credentials::UsergridToken { token, expires_at } => (
                None,
                Some(Token {
                    token,
                    expires_at: expires_at.and_then(|at| DateTime::from_timestamp(at, 0)),
                }),
            ),
            _ => (None, None),
        };
        Usergrid {
            base_url: base_url.trim().trim_end_matches('/').to_string(),
            grant: Arc::new(Mutex::new(grant)),
            token: Arc::new(Mutex::new(token)),
            now: Utc::now,
        }
    }

    /// The same, reading the time from `now` (tests move it).
    pub fn with_clock(mut self, now: fn() -> DateTime<Utc>) -> Usergrid {
        self.now = now;
        self
    }

    fn grant(&self) -> std::sync::MutexGuard<'_, Option<UsergridGrant>> {
        self.grant.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn held(&self) -> std::sync::MutexGuard<'_, Option<Token>> {
        self.token.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn request(&self, method: Method, path: &str, token: &str, body: Option<Value>) -> HttpRequest {
        HttpRequest {
            method,
            url: format!("{}{path}", self.base_url),
            authorization: Some(format!("Bearer {token}")),
            json_body: body.map(|b| b.to_string()),
        }
    }

    /// `GET /users?limit=L&ql=Q[&cursor=C]`.
    pub fn users_request(&self, ql: &str, limit: usize, at: &PageAt, token: &str) -> HttpRequest {
        let cursor = match at {
            PageAt::Cursor(cursor) => format!("&cursor={}", encode_component(cursor)),
            _ => String::new(),
        };
        let path = format!("/users?limit={limit}&ql={}{cursor}", encode_component(ql));
        self.request(Method::Get, &path, token, None)
    }

    /// `POST /token` with `grant`.
    fn token_request(&self, grant: &UsergridGrant) -> HttpRequest {
        let body = match grant {
            UsergridGrant::Password { username, password } => serde_json::json!({
                "grant_type": "password", "username": username, "password": password
            }),
            UsergridGrant::Client { id, secret } => serde_json::json!({
                "grant_type": "client_credentials", "client_id": id, "client_secret": secret
            }),
        };
        HttpRequest {
            method: Method::Post,
            url: format!("{}/token", self.base_url),
            authorization: None,
            json_body: Some(body.to_string()),
        }
    }

    /// Gets a token with `grant`, keeping it; the password of a password grant is not kept.
    async fn get_token<T: Transport>(
        &self,
        transport: &T,
        grant: &UsergridGrant,
    ) -> Result<(), ApiError> {
        let response = send_once(transport, self.token_request(grant), error_of).await?;
        let body: Value = serde_json::from_str(&response.body)
            .map_err(|_| unexpected(response.status, "the token answer is not JSON"))?;
        let token = body
            .get("access_token")
            .and_then(Value::as_str)
            .ok_or_else(|| unexpected(response.status, "the token answer has no access_token"))?;
        let expires_at = body
            .get("expires_in")
            .and_then(Value::as_i64)
            .and_then(|s| (self.now)().checked_add_signed(Duration::try_seconds(s)?));
        *self.held() = Some(Token {
            token: token.to_string(),
            expires_at,
        });
        if matches!(grant, UsergridGrant::Password { .. }) {
            *self.grant() = None;
        }
        Ok(())
    }

    /// The token ended: with client credentials a new one is got, else the admin signs in
    /// again.
    async fn renew<T: Transport>(&self, transport: &T) -> Result<(), ApiError> {
        let grant = self.grant().clone();
        match grant {
            Some(grant @ UsergridGrant::Client { .. }) => self.get_token(transport, &grant).await,
            _ => {
                *self.held() = None;
                Err(ApiError::SessionEnded { why: TOKEN_ENDED })
            }
        }
    }

    /// The token to send now, renewed first when it is about to expire.
    async fn fresh_token<T: Transport>(&self, transport: &T) -> Result<String, ApiError> {
        let held = self.held().clone();
        let Some(held) = held else {
            return Err(ApiError::SessionEnded { why: TOKEN_ENDED });
        };
        let ending = held
            .expires_at
            .is_some_and(|at| (self.now)() + Duration::seconds(RENEW_AHEAD_SECS) >= at);
        if ending {
            self.renew(transport).await?;
        }
        self.held()
            .as_ref()
            .map(|t| t.token.clone())
            .ok_or(ApiError::SessionEnded { why: TOKEN_ENDED })
    }

    /// Sends what `build` makes for the current token; a refused token is renewed once (with
    /// client credentials) and the request sent again, or the admin signs in again.
    async fn call<T: Transport>(
        &self,
        transport: &T,
        build: impl Fn(&str) -> HttpRequest,
        events: &dyn Fn(LoadEvent),
    ) -> Result<HttpResponse, ApiError> {
        let send = |token: String| {
            let request = build(&token);
            async move {
                if request.method.is_read() {
                    read(transport, request, events, error_of).await
                } else {
                    send_once(transport, request, error_of).await
                }
            }
        };
        let token = self.fresh_token(transport).await?;
        match send(token).await {
            Err(err) if err.needs_reconnect() => {
                self.renew(transport).await?;
                send(self.fresh_token(transport).await?).await
            }
            other => other,
        }
    }

    /// One page of users for `ql`.
    async fn page<T: Transport>(
        &self,
        transport: &T,
        ql: &str,
        limit: usize,
        at: &PageAt,
        events: &dyn Fn(LoadEvent),
    ) -> Result<ServerPage<User>, ApiError> {
        let response = self
            .call(
                transport,
                |token| self.users_request(ql, limit, at, token),
                events,
            )
            .await?;
        let listing = parse_envelope(&response)?;
        Ok(ServerPage {
            items: listing.entities.iter().map(parse_user).collect(),
            total: None,
            next: listing.cursor.map(PageAt::Cursor),
        })
    }

    /// Every user `ql` matches, a page at a time, bounded like any listing.
    async fn gather<T: Transport>(
        &self,
        transport: &T,
        ql: &str,
        events: &dyn Fn(LoadEvent),
    ) -> Result<Gathered<User>, ApiError> {
        let mut got = Gathered::default();
        let mut at = PageAt::Start;
        loop {
            let page = self.page(transport, ql, GATHER_LIMIT, &at, events).await?;
            let more = got.add(page.items, |u| u.id.as_str());
            events(LoadEvent::Progress {
                loaded: got.items.len(),
                total: None,
            });
            match page.next {
                Some(next) if more && got.may_ask() => at = next,
                _ => return Ok(got),
            }
        }
    }

    fn user_path(id: &UserId) -> String {
        format!("/users/{}", encode_component(id.as_str()))
    }
}

/// One listing as read: its entities and where the next page starts.
struct Envelope {
    entities: Vec<Value>,
    cursor: Option<String>,
}

/// Reads the ApiResponse envelope.
fn parse_envelope(response: &HttpResponse) -> Result<Envelope, ApiError> {
    let body: Value = serde_json::from_str(&response.body)
        .map_err(|_| unexpected(response.status, "the answer is not JSON"))?;
    let entities = body
        .get("entities")
        .and_then(Value::as_array)
        .cloned()
        .ok_or_else(|| unexpected(response.status, "the answer has no entities"))?;
    let cursor = body
        .get("cursor")
        .and_then(Value::as_str)
        .filter(|c| !c.is_empty())
        .map(str::to_string);
    Ok(Envelope { entities, cursor })
}

impl Api for Usergrid {
    fn capabilities(&self) -> &'static Capabilities {
        &CAPABILITIES
    }

    fn credentials(&self) -> Credentials {
        match self.held().as_ref() {
            Some(held) => Credentials::UsergridToken {
                token: held.token.clone(),
                expires_at: held.expires_at.map(|at| at.timestamp()),
            },
            None => Credentials::UsergridToken {
                token: String::new(),
                expires_at: None,
            },
        }
    }

    /// One user: it proves the address and the token.
    async fn check<T: Transport>(&self, transport: &T) -> Result<(), ApiError> {
        self.page(transport, "select *", 1, &PageAt::Start, &|_| {})
            .await
            .map(|_| ())
    }

    /// Gets a token with the grant (a password is used this once), then checks it.
    async fn sign_in<T: Transport>(&self, transport: &T) -> Result<Credentials, ApiError> {
        let grant = self.grant().clone();
        if let Some(grant) = grant {
            self.get_token(transport, &grant).await?;
        }
        self.check(transport).await?;
        Ok(self.credentials())
    }

    async fn load_users<T: Transport>(
        &self,
        transport: &T,
        events: &dyn Fn(LoadEvent),
    ) -> Result<UsersLoad, ApiError> {
        self.all_users(transport, &UsersView::default(), events)
            .await
    }

    async fn query_users<T: Transport>(
        &self,
        transport: &T,
        view: &UsersView,
        at: &PageAt,
    ) -> Result<ServerPage<User>, ApiError> {
        let ql = ql::for_view(view);
        self.page(transport, &ql, PAGE_SIZE, at, &|_| {}).await
    }

    async fn all_users<T: Transport>(
        &self,
        transport: &T,
        view: &UsersView,
        events: &dyn Fn(LoadEvent),
    ) -> Result<UsersLoad, ApiError> {
        let got = self.gather(transport, &ql::for_view(view), events).await?;
        let notice = got.notice("users");
        Ok(UsersLoad {
            users: got.items,
            notice,
        })
    }

    /// The user and its devices (as its sessions).
    async fn user<T: Transport>(
        &self,
        transport: &T,
        id: &UserId,
        events: &dyn Fn(LoadEvent),
    ) -> Result<User, ApiError> {
        let path = Usergrid::user_path(id);
        let response = self
            .call(
                transport,
                |token| self.request(Method::Get, &path, token, None),
                events,
            )
            .await?;
        let envelope = parse_envelope(&response)?;
        let mut user = envelope
            .entities
            .first()
            .map(parse_user)
            .ok_or_else(|| unexpected(response.status, "the answer names no user"))?;
        let devices_path = format!("{path}/devices");
        let response = self
            .call(
                transport,
                |token| self.request(Method::Get, &devices_path, token, None),
                events,
            )
            .await?;
        user.sessions = parse_envelope(&response)?
            .entities
            .iter()
            .map(parse_device)
            .collect();
        Ok(user)
    }

    async fn perform<T: Transport>(
        &self,
        transport: &T,
        action: &Action,
    ) -> Result<Performed, ApiError> {
        let path = Usergrid::user_path(action.user());
        let (method, path, body) = match action {
            Action::Disable { .. } => (
                Method::Put,
                path,
                Some(serde_json::json!({"disabled": true})),
            ),
            Action::Enable { .. } => (
                Method::Put,
                path,
                Some(serde_json::json!({"disabled": false})),
            ),
            Action::Deactivate { .. } => (Method::Post, format!("{path}/deactivate"), None),
            Action::RevokeTokens { .. } => (Method::Put, format!("{path}/revoketokens"), None),
            _ => return Err(ApiError::Unsupported),
        };
        self.call(
            transport,
            |token| self.request(method, &path, token, body.clone()),
            &|_| {},
        )
        .await
        .map(|_| Performed::Done)
    }
}

/// An answer that is not what this API sends.
fn unexpected(status: u16, what: &str) -> ApiError {
    ApiError::Unexpected {
        status,
        what: what.to_string(),
        api: "a Usergrid application",
        url_hint: "the base URL ends in /<organization>/<application>",
    }
}

/// The error a non-2xx answer stands for: `{"error": "code", "error_description": "…"}`. A
/// refused grant is refused credentials.
pub fn error_of(response: &HttpResponse) -> ApiError {
    let body: Option<Value> = serde_json::from_str(&response.body).ok();
    let field = |name: &str| {
        body.as_ref()
            .and_then(|b| b.get(name))
            .and_then(Value::as_str)
            .map(str::to_string)
    };
    let detail = field("error_description").unwrap_or_default();
    match (response.status, field("error")) {
        (401, _) => ApiError::Unauthorized { detail },
        (400, Some(code)) if code == "invalid_grant" => ApiError::Unauthorized { detail },
        (429, _) => ApiError::RateLimited,
        (404, Some(_)) => ApiError::NotFound { detail },
        (status, Some(kind)) => ApiError::Backend {
            status,
            kind,
            detail,
        },
        (status, None) => unexpected(status, "the answer is not a Usergrid error"),
    }
}

/// Milliseconds since 1970 as a moment.
fn millis(value: Option<&Value>) -> Option<DateTime<Utc>> {
    DateTime::from_timestamp_millis(value?.as_i64()?)
}

fn text(value: &Value, name: &str) -> Option<String> {
    value
        .get(name)
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(str::to_string)
}

/// Reads a user entity; never fails. Its name is `name`, else first and last names, else the
/// username.
pub fn parse_user(value: &Value) -> User {
    let username = text(value, "username");
    let from_parts = [text(value, "firstname"), text(value, "lastname")]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" ");
    let display_name = text(value, "name")
        .or_else(|| (!from_parts.is_empty()).then_some(from_parts))
        .or_else(|| username.clone());
    User {
        id: text(value, "uuid").unwrap_or_default().into(),
        display_name,
        email: text(value, "email"),
        username,
        created_at: millis(value.get("created")),
        modified_at: millis(value.get("modified")),
        activated: value.get("activated").and_then(Value::as_bool),
        disabled: value
            .get("disabled")
            .and_then(Value::as_bool)
            .unwrap_or(false),
        ..User::default()
    }
}

/// Reads a device entity as one of the user's sessions; never fails.
pub fn parse_device(value: &Value) -> Session {
    Session {
        id: text(value, "uuid").unwrap_or_default().into(),
        state: SessionState::Unknown,
        label: text(value, "name"),
        created_at: millis(value.get("created")),
        last_connected_at: millis(value.get("modified")),
        ..Session::default()
    }
}

#[cfg(test)]
mod tests;
