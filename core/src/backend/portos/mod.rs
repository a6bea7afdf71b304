//! PORTOS, a point-of-sale system's sessions API (contract: API.md sections 2 and 5).
//!
//! Users are not a resource here: they are the sessions grouped by user name. The console signs
//! in with a login (user name, password, device name) whose password is used once; it keeps
//! the session's tokens, refreshes them a minute before they expire and once on a 401 before
//! giving up, so a console left open keeps working. The server filters, sorts and pages the
//! sessions (NData). Revoking is deleting a session; a session already gone is reported as
//! such, not as a failure.

pub mod ndata;

use super::capabilities::{AuthMethod, Capabilities, Section};
use super::paging::Gathered;
use super::read::{read, send_once};
use super::{Api, ApiError, Credentials, LoadEvent, SessionsLoad, UsersLoad};
use crate::model::action::{Action, ActionKind, Performed};
use crate::model::{time, Session, SessionId, SessionState, User, UserId};
use crate::policy::REVOKE_IDLE;
use crate::table::server::{PageAt, ServerPage, SessionRow};
use crate::table::sessions::{SessionColumn, SessionFilter, SessionsView};
use crate::table::users::UserColumn;
use crate::table::PAGE_SIZE;
use chrono::{DateTime, Duration, Utc};
use ndata::{NData, Op};
use serde_json::Value;
use std::collections::BTreeMap;
use std::fmt;
use std::sync::{Arc, Mutex};

use super::http::{encode_component, HttpRequest, HttpResponse, Method, Transport};

/// Sessions a page when the console reads them all (to group users, or to act on everything a
/// filter matches).
const GATHER_PAGE: u64 = 1000;
/// Tokens are refreshed this long before they expire.
const REFRESH_AHEAD_SECS: i64 = 60;
/// What a revoke of a session that no longer exists says.
pub const ALREADY_GONE: &str = "Already gone";
/// Why the console is signed out after revoking its own session.
pub const OWN_SESSION_REVOKED: &str = "This console's own session was revoked, so the console \
     is signed out. Sign in again to go on.";
/// Why the console is signed out when its tokens can no longer be refreshed.
pub const SESSION_ENDED: &str = "The console's session on the PORTOS server has ended (revoked \
     elsewhere, or expired more than a day ago). Sign in again to go on.";

/// Sessions, their users and one action: revoke.
pub const CAPABILITIES: Capabilities = Capabilities {
    name: "PORTOS",
    base_url_placeholder: "https://pos.example.com/portos",
    base_url_label: "Server address",
    base_url_hint: "The PORTOS server's address.",
    auth_methods: &[AuthMethod::PortosLogin],
    sections: &[
        Section::Sessions,
        Section::Users,
        Section::Policy,
        Section::Activity,
    ],
    user_columns: &[
        UserColumn::Name,
        UserColumn::Sessions,
        UserColumn::Devices,
        UserColumn::Environments,
        UserColumn::LastAccess,
    ],
    user_sorts: &[
        UserColumn::Name,
        UserColumn::Sessions,
        UserColumn::Devices,
        UserColumn::Environments,
        UserColumn::LastAccess,
    ],
    user_filters: &[],
    user_search: "User name",
    user_statuses: &[],
    session_columns: &[
        SessionColumn::User,
        SessionColumn::Device,
        SessionColumn::Environment,
        SessionColumn::Actions,
        SessionColumn::AuthType,
        SessionColumn::Started,
        SessionColumn::LastAccess,
        SessionColumn::Expires,
    ],
    session_sorts: &[
        SessionColumn::User,
        SessionColumn::Device,
        SessionColumn::Environment,
        SessionColumn::Started,
        SessionColumn::LastAccess,
        SessionColumn::Expires,
    ],
    session_search: "Device name",
    session_filters: &[
        SessionFilter::Environment,
        SessionFilter::User,
        SessionFilter::IdleDays,
        SessionFilter::ExpiringHours,
    ],
    session_csv_columns: &[
        SessionColumn::User,
        SessionColumn::Device,
        SessionColumn::Environment,
        SessionColumn::AuthType,
        SessionColumn::Started,
        SessionColumn::LastAccess,
        SessionColumn::Expires,
        SessionColumn::SessionId,
    ],
    session_states: &[],
    environments: &["BackOffice", "CashRegister", "PDA", "Tool"],
    user_session_columns: &[
        SessionColumn::Device,
        SessionColumn::Environment,
        SessionColumn::Actions,
        SessionColumn::AuthType,
        SessionColumn::Started,
        SessionColumn::LastAccess,
        SessionColumn::Expires,
        SessionColumn::SessionId,
    ],
    sessions_noun: "sessions",
    actions: &[ActionKind::RevokeSession],
    enrollment: false,
    server_batch: false,
    sessions_on_server: true,
    users_on_server: false,
    users_with_sessions: true,
    policy: Some(&REVOKE_IDLE),
};

/// The login, until it is used: the password is kept only that long.
#[derive(Clone)]
struct Login {
    user: String,
    password: String,
    device: String,
}

/// The console's session on the server.
#[derive(Clone, Default)]
struct Tokens {
    token_id: String,
    refresh_token: String,
    /// When the token ends, once the server said.
    expires_at: Option<DateTime<Utc>>,
    /// The console's own session, once the server said.
    session: Option<SessionId>,
}

/// A PORTOS server and the console's session on it.
#[derive(Clone)]
pub struct Portos {
    base_url: String,
    login: Option<Login>,
    tokens: Arc<Mutex<Option<Tokens>>>,
    /// Why the session ended, once it has: nothing more is sent with its tokens.
    ended: Arc<Mutex<Option<&'static str>>>,
    /// One refresh at a time: a rotated refresh token works once.
    refreshing: Arc<futures::lock::Mutex<()>>,
    now: fn() -> DateTime<Utc>,
}

// Passwords and tokens never reach a log line.
impl fmt::Debug for Portos {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Portos")
            .field("base_url", &self.base_url)
            .field("signed_in", &self.token().is_some())
            .finish()
    }
}

impl Portos {
    /// The server at `base_url` (its address, e.g. `https://pos.example.com/portos`), with a
    /// login to sign in with or a session's tokens.
    pub fn new(base_url: &str, credentials: Credentials) -> Portos {
        let (login, tokens) = match credentials {
            Credentials::PortosLogin {
                user,
                password,
                device,
            } => (
                Some(Login {
                    user,
                    password,
                    device,
                }),
                None,
            ),
            Credentials::PortosSession {
                token_id,
                refresh_token,
            } => (
                None,
                Some(Tokens {
                    token_id,
                    refresh_token,
                    ..Tokens::default()
                }),
            ),
            _ => (None, None),
        };
        Portos {
            base_url: base_url.trim().trim_end_matches('/').to_string(),
            login,
            tokens: Arc::new(Mutex::new(tokens)),
            ended: Arc::default(),
            refreshing: Arc::default(),
            now: Utc::now,
        }
    }

    /// The same, reading the time from `now` (tests move it).
    pub fn with_clock(mut self, now: fn() -> DateTime<Utc>) -> Portos {
        self.now = now;
        self
    }

    fn tokens(&self) -> std::sync::MutexGuard<'_, Option<Tokens>> {
        self.tokens.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn token(&self) -> Option<String> {
        self.tokens().as_ref().map(|t| t.token_id.clone())
    }

    /// Ends the session on this side: its tokens are dropped, and every call says `why`.
    fn end(&self, why: &'static str) {
        *self.tokens() = None;
        *self.ended.lock().unwrap_or_else(|p| p.into_inner()) = Some(why);
    }

    /// The error of a call made without a session: why it ended, or refused.
    fn no_session(&self) -> ApiError {
        match *self.ended.lock().unwrap_or_else(|p| p.into_inner()) {
            Some(why) => ApiError::SessionEnded { why },
            None => refused(),
        }
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base_url)
    }

    fn request(&self, method: Method, path: &str, token: &str) -> HttpRequest {
        HttpRequest {
            method,
            url: self.url(path),
            authorization: Some(format!("Bearer {token}")),
            json_body: None,
        }
    }

    /// `POST /api/auth`: a login's request.
    pub fn login_request(user: &str, password: &str, device: &str, base_url: &str) -> HttpRequest {
        let body =
            serde_json::json!({ "UserName": user, "Password": password, "DeviceName": device });
        HttpRequest {
            method: Method::Post,
            url: format!("{}/api/auth", base_url.trim_end_matches('/')),
            authorization: None,
            json_body: Some(body.to_string()),
        }
    }

    /// `GET /sessions` with `query`.
    pub fn sessions_request(&self, query: &NData, token: &str) -> HttpRequest {
        let pairs = query.to_query();
        let pairs: Vec<(&str, String)> =
            pairs.iter().map(|(k, v)| (k.as_str(), v.clone())).collect();
        let path = format!("/sessions?{}", super::http::query_string(&pairs));
        self.request(Method::Get, &path, token)
    }

    /// Reads the session's profile (`GET /api/auth`): when its token ends, and which session
    /// is the console's own.
    async fn learn_profile<T: Transport>(
        &self,
        transport: &T,
        token: &str,
    ) -> Result<(), ApiError> {
        let request = self.request(Method::Get, "/api/auth", token);
        let response = read(transport, request, &|_| {}, error_of).await?;
        let body: Value = serde_json::from_str(&response.body)
            .map_err(|_| unexpected(response.status, "the profile is not JSON"))?;
        let mut tokens = self.tokens();
        if let Some(tokens) = tokens.as_mut().filter(|t| t.token_id == token) {
            tokens.expires_at = text(&body, "expiresAt").as_deref().and_then(time::parse);
            tokens.session = text(&body, "sessionId").map(SessionId::from);
        }
        Ok(())
    }

    /// Refreshes the tokens, unless another request did since `seen` was the token.
    async fn refresh<T: Transport>(&self, transport: &T, seen: &str) -> Result<(), ApiError> {
        let _one_at_a_time = self.refreshing.lock().await;
        let Some(current) = self.tokens().clone() else {
            return Err(self.no_session());
        };
        if current.token_id != seen {
            return Ok(());
        }
        let body = serde_json::json!({ "tokenId": current.token_id, "refreshToken": current.refresh_token });
        let request = HttpRequest {
            method: Method::Post,
            url: self.url("/api/auth/refresh"),
            authorization: None,
            json_body: Some(body.to_string()),
        };
        let response = match send_once(transport, request, error_of).await {
            Err(err) if err.needs_reconnect() => {
                self.end(SESSION_ENDED);
                return Err(self.no_session());
            }
            other => other?,
        };
        let body: Value = serde_json::from_str(&response.body)
            .map_err(|_| unexpected(response.status, "the refresh answer is not JSON"))?;
        let (Some(token_id), Some(refresh_token)) =
            (text(&body, "tokenId"), text(&body, "refreshToken"))
        else {
            return Err(unexpected(
                response.status,
                "the refresh answer has no tokens",
            ));
        };
        *self.tokens() = Some(Tokens {
            token_id: token_id.clone(),
            refresh_token,
            session: current.session,
            expires_at: None,
        });
        self.learn_profile(transport, &token_id).await
    }

    /// The token to send now: refreshed first when it ends within a minute.
    async fn fresh_token<T: Transport>(&self, transport: &T) -> Result<String, ApiError> {
        let Some(tokens) = self.tokens().clone() else {
            return Err(self.no_session());
        };
        let ends_soon = tokens
            .expires_at
            .is_some_and(|at| (self.now)() + Duration::seconds(REFRESH_AHEAD_SECS) >= at);
        if ends_soon {
            self.refresh(transport, &tokens.token_id).await?;
        } else if tokens.expires_at.is_none() {
            // A session restored from storage: learn when it ends, and which it is.
            self.learn_profile(transport, &tokens.token_id).await?;
        }
        self.token().ok_or_else(|| self.no_session())
    }

    /// Sends the request `build` makes for the current token; on a 401 the tokens are
    /// refreshed once and it is sent again (refused, it did not run). Reads wait out 429s.
    async fn call<T: Transport>(
        &self,
        transport: &T,
        build: impl Fn(&str) -> HttpRequest,
        events: &dyn Fn(LoadEvent),
    ) -> Result<HttpResponse, ApiError> {
        let token = self.fresh_token(transport).await?;
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
        match send(token.clone()).await {
            Err(err) if err.needs_reconnect() => {
                self.refresh(transport, &token).await?;
                send(self.token().ok_or_else(|| self.no_session())?).await
            }
            other => other,
        }
    }

    /// One page of sessions for `query`.
    async fn list<T: Transport>(
        &self,
        transport: &T,
        query: &NData,
        events: &dyn Fn(LoadEvent),
    ) -> Result<ServerPage<SessionRow>, ApiError> {
        let response = self
            .call(
                transport,
                |token| self.sessions_request(query, token),
                events,
            )
            .await?;
        parse_listing(&response, query.skip)
    }

    /// Every session `query` matches, a page at a time, bounded like any listing.
    async fn gather<T: Transport>(
        &self,
        transport: &T,
        mut query: NData,
        events: &dyn Fn(LoadEvent),
    ) -> Result<Gathered<SessionRow>, ApiError> {
        let mut got = Gathered::default();
        query.take = GATHER_PAGE;
        loop {
            query.skip = got.received;
            let page = self.list(transport, &query, events).await?;
            let (total, has_next) = (page.total, page.next.is_some());
            let more = got.add(page.items, |row| row.session.id.as_str()) && has_next;
            events(LoadEvent::Progress {
                loaded: got.items.len(),
                total,
            });
            if !more || !got.may_ask() {
                got.announced(total);
                return Ok(got);
            }
        }
    }
}

impl Api for Portos {
    fn capabilities(&self) -> &'static Capabilities {
        &CAPABILITIES
    }

    fn credentials(&self) -> Credentials {
        match (self.tokens().as_ref(), &self.login) {
            (Some(tokens), _) => Credentials::PortosSession {
                token_id: tokens.token_id.clone(),
                refresh_token: tokens.refresh_token.clone(),
            },
            (None, Some(login)) => Credentials::PortosLogin {
                user: login.user.clone(),
                password: login.password.clone(),
                device: login.device.clone(),
            },
            (None, None) => Credentials::PortosSession {
                token_id: String::new(),
                refresh_token: String::new(),
            },
        }
    }

    /// The session's profile: it proves the address and the tokens.
    async fn check<T: Transport>(&self, transport: &T) -> Result<(), ApiError> {
        let token = self.token().ok_or_else(|| self.no_session())?;
        self.learn_profile(transport, &token).await
    }

    /// Logs in with the login (its password used this once), learns the session, and returns
    /// the session's tokens to keep.
    async fn sign_in<T: Transport>(&self, transport: &T) -> Result<Credentials, ApiError> {
        let Some(login) = &self.login else {
            self.check(transport).await?;
            return Ok(self.credentials());
        };
        let request =
            Portos::login_request(&login.user, &login.password, &login.device, &self.base_url);
        let response = send_once(transport, request, error_of).await?;
        let body: Value = serde_json::from_str(&response.body)
            .map_err(|_| unexpected(response.status, "the login answer is not JSON"))?;
        let (Some(token_id), Some(refresh_token)) =
            (text(&body, "tokenId"), text(&body, "refreshToken"))
        else {
            return Err(unexpected(
                response.status,
                "the login answer has no tokens",
            ));
        };
        *self.tokens() = Some(Tokens {
            token_id: token_id.clone(),
            refresh_token,
            ..Tokens::default()
        });
        self.learn_profile(transport, &token_id).await?;
        Ok(self.credentials())
    }

    /// `DELETE /api/auth`: the console's session ends and leaves the list.
    async fn sign_out<T: Transport>(&self, transport: &T) -> Result<(), ApiError> {
        let Some(token) = self.token() else {
            // Nothing to end: the session is already over.
            return Ok(());
        };
        let request = self.request(Method::Delete, "/api/auth", &token);
        let ended = send_once(transport, request, error_of).await.map(|_| ());
        self.end(SESSION_ENDED);
        ended
    }

    fn own_session(&self) -> Option<SessionId> {
        self.tokens().as_ref().and_then(|t| t.session.clone())
    }

    /// Every session, grouped by user name.
    async fn load_users<T: Transport>(
        &self,
        transport: &T,
        events: &dyn Fn(LoadEvent),
    ) -> Result<UsersLoad, ApiError> {
        let mut query = NData::for_view(&SessionsView::default(), 0, GATHER_PAGE, (self.now)());
        query.sort = vec![("sessionId".into(), false)];
        let got = self.gather(transport, query, events).await?;
        let notice = got.notice("sessions");
        Ok(UsersLoad {
            users: group_by_user(got.items),
            notice,
        })
    }

    /// The sessions of one user name; a name with none left is a user with no sessions.
    async fn user<T: Transport>(
        &self,
        transport: &T,
        id: &UserId,
        events: &dyn Fn(LoadEvent),
    ) -> Result<User, ApiError> {
        let mut query = NData::for_view(&SessionsView::default(), 0, GATHER_PAGE, (self.now)());
        query
            .filters
            .push(("identity.userName".into(), Op::Eq, id.to_string()));
        let got = self.gather(transport, query, events).await?;
        let rows = got.items;
        Ok(group_by_user(rows).pop().unwrap_or_else(|| User {
            id: id.clone(),
            display_name: Some(id.to_string()),
            ..User::default()
        }))
    }

    /// `DELETE /sessions/{id}`; a session already gone needed nothing.
    async fn perform<T: Transport>(
        &self,
        transport: &T,
        action: &Action,
    ) -> Result<Performed, ApiError> {
        let Action::RevokeSession { session, .. } = action else {
            return Err(ApiError::Unsupported);
        };
        let path = format!("/sessions/{}", encode_component(session.as_str()));
        let deleted = self
            .call(
                transport,
                |token| self.request(Method::Delete, &path, token),
                &|_| {},
            )
            .await;
        let performed = match deleted {
            Ok(_) => Performed::Done,
            Err(ApiError::NotFound { .. }) => Performed::AlreadyDone(ALREADY_GONE),
            Err(err) => return Err(err),
        };
        // The console's own session is over: its token would only be refused from now on.
        if self.own_session().as_ref() == Some(session) {
            self.end(OWN_SESSION_REVOKED);
        }
        Ok(performed)
    }

    async fn query_sessions<T: Transport>(
        &self,
        transport: &T,
        view: &SessionsView,
        at: &PageAt,
        now: DateTime<Utc>,
    ) -> Result<ServerPage<SessionRow>, ApiError> {
        let skip = match at {
            PageAt::Offset(skip) => *skip,
            PageAt::Start | PageAt::Cursor(_) => 0,
        };
        let query = NData::for_view(view, skip, PAGE_SIZE as u64, now);
        self.list(transport, &query, &|_| {}).await
    }

    async fn all_sessions<T: Transport>(
        &self,
        transport: &T,
        view: &SessionsView,
        now: DateTime<Utc>,
        events: &dyn Fn(LoadEvent),
    ) -> Result<SessionsLoad, ApiError> {
        let query = NData::for_view(view, 0, GATHER_PAGE, now);
        let got = self.gather(transport, query, events).await?;
        let notice = got.notice("sessions");
        Ok(SessionsLoad {
            rows: got.items,
            notice,
        })
    }

    async fn count_sessions<T: Transport>(
        &self,
        transport: &T,
        view: &SessionsView,
        now: DateTime<Utc>,
    ) -> Result<u64, ApiError> {
        let mut query = NData::for_view(view, 0, 0, now);
        query.count = true;
        let response = self
            .call(
                transport,
                |token| self.sessions_request(&query, token),
                &|_| {},
            )
            .await?;
        let body: Value = serde_json::from_str(&response.body)
            .map_err(|_| unexpected(response.status, "the count is not JSON"))?;
        body.get("totalCount")
            .and_then(Value::as_u64)
            .ok_or_else(|| unexpected(response.status, "the answer has no totalCount"))
    }
}

/// Refused credentials: the console has no session to use.
fn refused() -> ApiError {
    ApiError::Unauthorized {
        detail: String::new(),
    }
}

/// An answer that is not what this API sends.
fn unexpected(status: u16, what: &str) -> ApiError {
    ApiError::Unexpected {
        status,
        what: what.to_string(),
        api: "a PORTOS server",
        url_hint: "the address is the PORTOS server's, without /sessions or /api",
    }
}

/// The error a non-2xx answer stands for: an RFC 7807 problem (its `errorCode`, else its
/// `title`), branching on the status.
pub fn error_of(response: &HttpResponse) -> ApiError {
    let body: Option<Value> = serde_json::from_str(&response.body).ok();
    let field = |name: &str| body.as_ref().and_then(|b| text(b, name));
    let detail = field("detail").unwrap_or_default();
    let kind = field("errorCode").or_else(|| field("title"));
    match (response.status, kind) {
        (401, _) => ApiError::Unauthorized { detail },
        (429, _) => ApiError::RateLimited,
        (404, Some(_)) => ApiError::NotFound { detail },
        (status, Some(kind)) => {
            let problems = body
                .as_ref()
                .and_then(|b| b.get("errors"))
                .and_then(Value::as_array)
                .map(|errors| {
                    errors
                        .iter()
                        .filter_map(|e| text(e, "message"))
                        .collect::<Vec<_>>()
                        .join(" ")
                })
                .unwrap_or_default();
            ApiError::Backend {
                status,
                kind,
                detail: format!("{detail} {problems}").trim().to_string(),
            }
        }
        (status, None) => unexpected(status, "the answer is not a PORTOS problem"),
    }
}

fn text(value: &Value, name: &str) -> Option<String> {
    value.get(name).and_then(Value::as_str).map(str::to_string)
}

/// Reads one session and its user's name; never fails: what is missing is unknown.
pub fn parse_session(value: &Value) -> SessionRow {
    let identity = value.get("identity").unwrap_or(&Value::Null);
    let when = |name: &str| text(value, name).as_deref().and_then(time::parse);
    let user_name = text(identity, "userName").unwrap_or_default();
    SessionRow {
        user: User {
            id: user_name.clone().into(),
            display_name: (!user_name.is_empty()).then_some(user_name),
            ..User::default()
        },
        session: Session {
            id: text(value, "sessionId").unwrap_or_default().into(),
            state: SessionState::Active,
            label: text(identity, "deviceName"),
            environment: text(identity, "envName"),
            auth_type: text(identity, "authenticationType"),
            created_at: when("startedAt"),
            last_connected_at: when("lastAccessAt"),
            expires_at: when("expiresAt"),
            ..Session::default()
        },
    }
}

/// Reads a listing (`items`, `count`, `totalCount`) that started `skip` in.
pub fn parse_listing(
    response: &HttpResponse,
    skip: u64,
) -> Result<ServerPage<SessionRow>, ApiError> {
    let body: Value = serde_json::from_str(&response.body)
        .map_err(|_| unexpected(response.status, "the answer is not JSON"))?;
    let items = body
        .get("items")
        .and_then(Value::as_array)
        .ok_or_else(|| unexpected(response.status, "the answer has no list of items"))?;
    let total = body.get("totalCount").and_then(Value::as_u64);
    let after = skip.saturating_add(items.len() as u64);
    let next = match total {
        Some(total) => after < total,
        None => !items.is_empty(),
    };
    Ok(ServerPage {
        items: items.iter().map(parse_session).collect(),
        total,
        next: (next && !items.is_empty()).then_some(PageAt::Offset(after)),
    })
}

/// Sessions grouped by user name, by name; each user's last access is its latest session's.
pub fn group_by_user(rows: Vec<SessionRow>) -> Vec<User> {
    let mut users: BTreeMap<UserId, User> = BTreeMap::new();
    for row in rows {
        let user = users
            .entry(row.user.id.clone())
            .or_insert_with(|| row.user.clone());
        user.last_connected_at = user.last_connected_at.max(row.session.last_connected_at);
        user.enrolled = true;
        user.sessions.push(row.session);
    }
    users.into_values().collect()
}

#[cfg(test)]
mod tests;
