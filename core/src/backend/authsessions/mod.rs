//! An "authenticated sessions" admin API (contract: API.md sections 3 and 5): the users with
//! active sessions, each user's sessions, and revoking one.
//!
//! The user list carries counts, not sessions: the pages that show sessions read each user's
//! in turn. Devices report odd placeholders (`-`, `Other- v. `): they are read as unknown, not
//! as data. Paging is `page` (from 1) and `pageSize` in an envelope `{Items, Page, PageSize,
//! TotalCount}`; the client also reads a bare array, and the seed's array written inside
//! braces.

use super::capabilities::{AuthMethod, Capabilities, Section};
use super::http::{encode_component, HttpRequest, HttpResponse, Method, Transport};
use super::paging::Gathered;
use super::read::{read, send_once};
use super::{Api, ApiError, Credentials, LoadEvent, UsersLoad};
use crate::model::action::{Action, ActionKind, Performed};
use crate::model::{time, Session, SessionState, User, UserId};
use crate::policy::REVOKE_NOT_UPDATED;
use crate::table::sessions::{SessionColumn, SessionFilter};
use crate::table::users::{UserColumn, UserFilter};
use serde_json::Value;

/// Items a page when the console reads a whole listing: the most the API gives.
const PAGE_SIZE: u64 = 500;
/// What a revoke of a session no longer active says.
pub const ALREADY_GONE: &str = "Already gone";

/// Users with their session counts, their sessions, one action: revoke.
pub const CAPABILITIES: Capabilities = Capabilities {
    name: "Authenticated sessions",
    base_url_label: "Base URL",
    base_url_placeholder: "https://app.example.com/core/api/admin",
    base_url_hint: "The admin API's base, ending in /api/admin.",
    auth_methods: &[AuthMethod::BearerToken],
    sections: &[
        Section::Users,
        Section::Sessions,
        Section::Policy,
        Section::Activity,
    ],
    user_columns: &[
        UserColumn::Name,
        UserColumn::Id,
        UserColumn::Sessions,
        UserColumn::Operator,
    ],
    user_sorts: &[
        UserColumn::Name,
        UserColumn::Id,
        UserColumn::Sessions,
        UserColumn::Operator,
    ],
    user_filters: &[UserFilter::Operator],
    user_search: "Name or guid",
    user_statuses: &[],
    session_columns: &[
        SessionColumn::User,
        SessionColumn::Smartphone,
        SessionColumn::OperatingSystem,
        SessionColumn::Application,
        SessionColumn::Actions,
        SessionColumn::LastUpdated,
        SessionColumn::Expires,
        SessionColumn::SessionId,
    ],
    session_sorts: &[
        SessionColumn::User,
        SessionColumn::Smartphone,
        SessionColumn::OperatingSystem,
        SessionColumn::Application,
        SessionColumn::LastUpdated,
        SessionColumn::Expires,
        SessionColumn::SessionId,
    ],
    session_filters: &[SessionFilter::IdleDays, SessionFilter::ExpiringHours],
    session_search: "User or smartphone",
    session_csv_columns: &[
        SessionColumn::User,
        SessionColumn::UserId,
        SessionColumn::SessionId,
        SessionColumn::Smartphone,
        SessionColumn::OperatingSystem,
        SessionColumn::Application,
        SessionColumn::LastUpdated,
        SessionColumn::Expires,
    ],
    environments: &[],
    session_states: &[],
    user_session_columns: &[
        SessionColumn::SessionId,
        SessionColumn::Smartphone,
        SessionColumn::OperatingSystem,
        SessionColumn::Application,
        SessionColumn::Actions,
        SessionColumn::LastUpdated,
        SessionColumn::Expires,
    ],
    sessions_noun: "sessions",
    actions: &[ActionKind::RevokeSession],
    enrollment: false,
    server_batch: false,
    sessions_on_server: false,
    users_on_server: false,
    users_with_sessions: false,
    policy: Some(&REVOKE_NOT_UPDATED),
};

/// An authenticated-sessions admin API and the token for it.
#[derive(Clone, Debug)]
pub struct AuthSessions {
    base_url: String,
    credentials: Credentials,
}

impl AuthSessions {
    /// The API at `base_url` (ending in `/api/admin`).
    pub fn new(base_url: &str, credentials: Credentials) -> AuthSessions {
        AuthSessions {
            base_url: base_url.trim().trim_end_matches('/').to_string(),
            credentials,
        }
    }

    fn get(&self, path: &str) -> HttpRequest {
        HttpRequest {
            method: Method::Get,
            url: format!("{}/v1/authenticated-sessions{path}", self.base_url),
            authorization: Some(self.credentials.authorization()),
            json_body: None,
        }
    }

    /// `GET …/list?page=P&pageSize=S`.
    pub fn list_request(&self, page: u64, size: u64) -> HttpRequest {
        self.get(&format!("/list?page={page}&pageSize={size}"))
    }

    /// `GET …/user-sessions/{guid}?page=P&pageSize=S`.
    pub fn sessions_request(&self, user: &UserId, page: u64, size: u64) -> HttpRequest {
        let guid = encode_component(user.as_str());
        self.get(&format!(
            "/user-sessions/{guid}?page={page}&pageSize={size}"
        ))
    }

    /// `POST …/revoke {"Session": <ID>}`; None for a session id that is not a number (this API
    /// numbers its sessions).
    pub fn revoke_request(&self, session: &str) -> Option<HttpRequest> {
        let id: i64 = session.trim().parse().ok()?;
        Some(HttpRequest {
            method: Method::Post,
            url: format!("{}/v1/authenticated-sessions/revoke", self.base_url),
            authorization: Some(self.credentials.authorization()),
            json_body: Some(serde_json::json!({ "Session": id }).to_string()),
        })
    }

    /// Every item of a paged listing, page by page, bounded like any listing.
    async fn gather<T: Transport, Item>(
        &self,
        transport: &T,
        page_request: impl Fn(u64) -> HttpRequest,
        parse_item: fn(&Value) -> Item,
        id_of: fn(&Item) -> &str,
        events: &dyn Fn(LoadEvent),
    ) -> Result<Gathered<Item>, ApiError> {
        let mut got = Gathered::default();
        let mut page = 1u64;
        loop {
            let response = read(transport, page_request(page), events, error_of).await?;
            let listing = parse_listing(&response)?;
            let full = listing.items.len() as u64 >= PAGE_SIZE;
            let more = got.add(listing.items.iter().map(parse_item).collect(), id_of)
                && listing.paged
                && match listing.total {
                    Some(total) => got.received < total,
                    None => full,
                };
            events(LoadEvent::Progress {
                loaded: got.items.len(),
                total: listing.total,
            });
            if !more || !got.may_ask() {
                got.announced(listing.total);
                return Ok(got);
            }
            page += 1;
        }
    }
}

/// One page of a listing as read.
struct Listing {
    items: Vec<Value>,
    total: Option<u64>,
    /// Whether it came in the paged envelope (a bare array is all there is).
    paged: bool,
}

/// Reads a listing: the envelope, a bare array, or an array written inside braces as the
/// seed shows it.
fn parse_listing(response: &HttpResponse) -> Result<Listing, ApiError> {
    let body = response.body.trim();
    let value: Value = match serde_json::from_str(body) {
        Ok(value) => value,
        Err(_) => body
            .strip_prefix('{')
            .and_then(|b| b.strip_suffix('}'))
            .filter(|inner| inner.trim_start().starts_with('['))
            .and_then(|inner| serde_json::from_str(inner).ok())
            .ok_or_else(|| unexpected(response.status, "the answer is not JSON"))?,
    };
    match value {
        Value::Array(items) => Ok(Listing {
            items,
            total: None,
            paged: false,
        }),
        Value::Object(envelope) => {
            let items = envelope
                .get("Items")
                .and_then(Value::as_array)
                .cloned()
                .ok_or_else(|| unexpected(response.status, "the answer has no Items"))?;
            Ok(Listing {
                items,
                total: envelope.get("TotalCount").and_then(Value::as_u64),
                paged: true,
            })
        }
        _ => Err(unexpected(response.status, "the answer is not a listing")),
    }
}

impl Api for AuthSessions {
    fn capabilities(&self) -> &'static Capabilities {
        &CAPABILITIES
    }

    fn credentials(&self) -> Credentials {
        self.credentials.clone()
    }

    /// The first user of the list: it proves the URL and the token.
    async fn check<T: Transport>(&self, transport: &T) -> Result<(), ApiError> {
        let response = send_once(transport, self.list_request(1, 1), error_of).await?;
        parse_listing(&response).map(|_| ())
    }

    /// Every user with active sessions and their counts (not the sessions).
    async fn load_users<T: Transport>(
        &self,
        transport: &T,
        events: &dyn Fn(LoadEvent),
    ) -> Result<UsersLoad, ApiError> {
        let got = self
            .gather(
                transport,
                |page| self.list_request(page, PAGE_SIZE),
                parse_user,
                |user| user.id.as_str(),
                events,
            )
            .await?;
        let notice = got.notice("users");
        Ok(UsersLoad {
            users: got.items,
            notice,
        })
    }

    /// A user and its active sessions; a known user with none left has no sessions.
    async fn user<T: Transport>(
        &self,
        transport: &T,
        id: &UserId,
        events: &dyn Fn(LoadEvent),
    ) -> Result<User, ApiError> {
        let got = self
            .gather(
                transport,
                |page| self.sessions_request(id, page, PAGE_SIZE),
                |item| (parse_user(item), parse_session(item)),
                |(_, session)| session.id.as_str(),
                events,
            )
            .await?;
        // Each session names its user; a user with none left is known by its id only.
        let mut user = got.items.first().map_or_else(
            || User {
                id: id.clone(),
                ..User::default()
            },
            |(user, _)| user.clone(),
        );
        user.sessions = got.items.into_iter().map(|(_, session)| session).collect();
        user.session_count = Some(user.sessions.len());
        user.last_connected_at = user
            .sessions
            .iter()
            .filter_map(|s| s.last_connected_at)
            .max();
        Ok(user)
    }

    /// `POST …/revoke`; a session no longer active needed nothing.
    async fn perform<T: Transport>(
        &self,
        transport: &T,
        action: &Action,
    ) -> Result<Performed, ApiError> {
        let Action::RevokeSession { session, .. } = action else {
            return Err(ApiError::Unsupported);
        };
        let Some(request) = self.revoke_request(session.as_str()) else {
            return Err(unexpected(0, "the session id is not a number"));
        };
        match send_once(transport, request, error_of).await {
            Ok(_) => Ok(Performed::Done),
            Err(ApiError::NotFound { .. }) => Ok(Performed::AlreadyDone(ALREADY_GONE)),
            Err(err) => Err(err),
        }
    }
}

/// An answer that is not what this API sends.
fn unexpected(status: u16, what: &str) -> ApiError {
    ApiError::Unexpected {
        status,
        what: what.to_string(),
        api: "an authenticated-sessions admin API",
        url_hint: "the base URL ends in /api/admin",
    }
}

/// The error a non-2xx answer stands for: `{"Error": "err_…", "Message": "…"}`.
pub fn error_of(response: &HttpResponse) -> ApiError {
    let body: Option<Value> = serde_json::from_str(&response.body).ok();
    let field = |name: &str| body.as_ref().and_then(|b| text(b, name));
    let detail = field("Message").unwrap_or_default();
    match (response.status, field("Error")) {
        (401, _) => ApiError::Unauthorized { detail },
        (429, _) => ApiError::RateLimited,
        (404, Some(_)) => ApiError::NotFound { detail },
        (status, Some(kind)) => ApiError::Backend {
            status,
            kind: kind.trim_start_matches("err_").to_string(),
            detail,
        },
        (status, None) => unexpected(status, "the answer is not an error of this API"),
    }
}

fn text(value: &Value, name: &str) -> Option<String> {
    value.get(name).and_then(Value::as_str).map(str::to_string)
}

/// What a device reports, or None for nothing or a placeholder: `-`, only punctuation, or
/// `Other- v. ` (an unknown kind with no version).
pub fn reported(value: Option<&str>) -> Option<String> {
    let value = value?.trim();
    let bare = value.trim_end_matches(|c: char| c == '.' || c.is_whitespace());
    let placeholder = !value.chars().any(char::is_alphanumeric)
        || ["other- v", "other-v", "other v", "other"]
            .iter()
            .any(|p| bare.eq_ignore_ascii_case(p));
    (!placeholder).then(|| value.to_string())
}

/// Reads a user of `list` (or the user fields of a session); never fails.
pub fn parse_user(value: &Value) -> User {
    User {
        id: text(value, "UserGuid")
            .unwrap_or_default()
            .to_lowercase()
            .into(),
        display_name: text(value, "UserName"),
        operator: value
            .get("IsOperator")
            .and_then(Value::as_bool)
            .unwrap_or(false),
        session_count: value
            .get("SessionCount")
            .and_then(Value::as_u64)
            .and_then(|n| usize::try_from(n).ok()),
        enrolled: true,
        ..User::default()
    }
}

/// Reads one session; never fails.
pub fn parse_session(value: &Value) -> Session {
    let when = |name: &str| text(value, name).as_deref().and_then(time::parse);
    let id = match value.get("ID") {
        Some(Value::Number(n)) => n.to_string(),
        Some(Value::String(s)) => s.clone(),
        _ => String::new(),
    };
    Session {
        id: id.into(),
        state: SessionState::Active,
        last_connected_at: when("LastUpdated"),
        expires_at: when("ExpirationDate"),
        label: reported(value.get("Smartphone").and_then(Value::as_str)),
        platform: reported(value.get("OperatingSystem").and_then(Value::as_str)),
        application: reported(value.get("Application").and_then(Value::as_str)),
        ..Session::default()
    }
}

#[cfg(test)]
mod tests;
