//! The JourneyApps Backend API v4 (contract: API.md section 1).
//!
//! Responses are read leniently: unknown fields are ignored, a missing or mistyped field is
//! "unknown", an unknown state or platform is kept as sent. Only a response that is not this API
//! at all (not JSON, no `objects` list) is an error.

use super::capabilities::{AuthMethod, Capabilities, Section};
use super::error::operation_failure;
use super::http::{encode_component, HttpRequest, HttpResponse, Method, Transport};
use super::lenient::{self, Fields, Record};
use super::paging::Gathered;
use super::read::{read, send_once};
use super::run::read_back_each;
use super::{Api, ApiError, BatchAnswer, Credentials, LoadEvent, ReadBack, UsersLoad};
use crate::model::action::{Action, ActionKind, Performed};
use crate::model::enrollment::EnrollmentToken;
use crate::model::{time, Session, SessionState, User, UserId};
use crate::policy::REAUTHENTICATE_STALE;
use crate::table::sessions::{SessionColumn, SessionFilter, STATES};
use crate::table::users::{UserColumn, UserFilter, STATUSES};
use serde::de::MapAccess;
use serde_json::Value;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// The most objects the API returns per page.
pub const PAGE_SIZE: u64 = 1000;
/// Pages requested at once while loading a listing.
const PAGES_IN_FLIGHT: usize = 4;
/// Users read back one by one at most; more are read from the listing when that takes fewer
/// requests (a page holds a thousand).
const READ_BACK_ONE_BY_ONE: usize = 8;

/// Everything in API.md's capability table: JourneyApps supports every action.
pub const CAPABILITIES: Capabilities = Capabilities {
    name: "JourneyApps Backend API v4",
    base_url_placeholder: "https://….journeyapps.com/api/v4/<backend deployment id>",
    base_url_label: "Base URL",
    base_url_hint: "Shown on the deployment's Manage API page.",
    auth_methods: &[AuthMethod::NamedToken, AuthMethod::Basic],
    sections: &[
        Section::Users,
        Section::Sessions,
        Section::Policy,
        Section::Activity,
    ],
    user_columns: &[
        UserColumn::Name,
        UserColumn::Id,
        UserColumn::Status,
        UserColumn::Sessions,
        UserColumn::Platforms,
        UserColumn::LastConnected,
    ],
    user_sorts: &[
        UserColumn::Name,
        UserColumn::Id,
        UserColumn::Status,
        UserColumn::Sessions,
        UserColumn::Platforms,
        UserColumn::LastConnected,
    ],
    user_filters: &[
        UserFilter::Status,
        UserFilter::Platform,
        UserFilter::IdleDays,
    ],
    user_search: "Name or id",
    user_statuses: &STATUSES,
    session_columns: &[
        SessionColumn::User,
        SessionColumn::Device,
        SessionColumn::State,
        SessionColumn::Actions,
        SessionColumn::Platform,
        SessionColumn::LastConnected,
        SessionColumn::LastAuthenticated,
        SessionColumn::DeviceId,
    ],
    session_sorts: &[
        SessionColumn::User,
        SessionColumn::Device,
        SessionColumn::State,
        SessionColumn::Platform,
        SessionColumn::LastConnected,
        SessionColumn::LastAuthenticated,
        SessionColumn::DeviceId,
    ],
    session_search: "Device, device id, user name or id",
    session_filters: &[
        SessionFilter::State,
        SessionFilter::Platform,
        SessionFilter::IdleDays,
        SessionFilter::AuthDays,
    ],
    session_csv_columns: &[
        SessionColumn::User,
        SessionColumn::UserId,
        SessionColumn::Device,
        SessionColumn::State,
        SessionColumn::Platform,
        SessionColumn::LastConnected,
        SessionColumn::LastAuthenticated,
        SessionColumn::DeviceId,
        SessionColumn::SessionId,
    ],
    session_states: &STATES,
    environments: &[],
    user_session_columns: &[
        SessionColumn::State,
        SessionColumn::Device,
        SessionColumn::Actions,
        SessionColumn::Platform,
        SessionColumn::Container,
        SessionColumn::Runtime,
        SessionColumn::DeviceId,
        SessionColumn::Created,
        SessionColumn::LastAuthenticated,
        SessionColumn::LastConnected,
        SessionColumn::SignedOut,
        SessionColumn::LastFullSync,
    ],
    sessions_noun: "sessions",
    actions: &[
        ActionKind::Lock,
        ActionKind::LockAndWipe,
        ActionKind::Unlock,
        ActionKind::ReAuthenticateSession,
        ActionKind::WipeSession,
    ],
    enrollment: true,
    server_batch: true,
    sessions_on_server: false,
    users_on_server: false,
    users_with_sessions: true,
    policy: Some(&REAUTHENTICATE_STALE),
};

/// One page of a listing.
#[derive(Clone, Debug, PartialEq)]
pub struct Page<T> {
    pub total: Option<u64>,
    pub more: bool,
    pub objects: Vec<T>,
}

/// A JourneyApps deployment: its base URL, the credentials to use, and the display names read
/// so far (users have no names; the app's data model has them).
#[derive(Clone, Debug)]
pub struct JourneyApps {
    base_url: String,
    credentials: Credentials,
    names: Arc<Mutex<HashMap<UserId, String>>>,
}

impl JourneyApps {
    /// The base URL as shown on the Manage API page, e.g. `https://…/api/v4/<deployment id>`.
    pub fn new(base_url: &str, credentials: Credentials) -> Self {
        JourneyApps {
            base_url: base_url.trim().trim_end_matches('/').to_string(),
            credentials,
            names: Arc::default(),
        }
    }

    fn request(&self, method: Method, path: &str) -> HttpRequest {
        HttpRequest {
            method,
            url: format!("{}{path}", self.base_url),
            authorization: Some(self.credentials.authorization()),
            json_body: None,
        }
    }

    /// `GET /users?limit&skip`.
    pub fn users_page_request(&self, skip: u64, limit: u64) -> HttpRequest {
        self.request(Method::Get, &format!("/users?limit={limit}&skip={skip}"))
    }

    /// `GET /objects/user.json?limit&skip`: display names.
    pub fn user_objects_page_request(&self, skip: u64, limit: u64) -> HttpRequest {
        self.request(
            Method::Get,
            &format!("/objects/user.json?limit={limit}&skip={skip}"),
        )
    }

    /// `GET /objects/user/{id}.json`: one data-model user object, for its display name.
    pub fn user_object_request(&self, user: &UserId) -> HttpRequest {
        self.request(
            Method::Get,
            &format!("/objects/user/{}.json", encode_component(user.as_str())),
        )
    }

    /// `GET /users/{id}`: one user with its sessions.
    pub fn user_request(&self, user: &UserId) -> HttpRequest {
        self.request(
            Method::Get,
            &format!("/users/{}", encode_component(user.as_str())),
        )
    }

    /// `POST /users/{id}/authentication-token`: a new enrollment token for the user.
    pub fn enrollment_token_request(&self, user: &UserId) -> HttpRequest {
        self.request(
            Method::Post,
            &format!(
                "/users/{}/authentication-token",
                encode_component(user.as_str())
            ),
        )
    }

    /// The request that carries out `action`; None for an action this API does not have.
    pub fn action_request(&self, action: &Action) -> Option<HttpRequest> {
        let user_path = format!("/users/{}", encode_component(action.user().as_str()));
        let session_path =
            |session: &str| format!("{user_path}/sessions/{}", encode_component(session));
        let (path, body) = match action {
            Action::Lock { wipe, .. } => (
                format!("{user_path}/lock"),
                Some(serde_json::json!({ "wipe": wipe })),
            ),
            Action::Unlock { .. } => (format!("{user_path}/unlock"), None),
            Action::WipeSession { session, .. } => {
                (format!("{}/wipe", session_path(session.as_str())), None)
            }
            Action::ReAuthenticateSession { session, .. } => (
                format!("{}/re-authenticate", session_path(session.as_str())),
                None,
            ),
            _ => return None,
        };
        Some(HttpRequest {
            json_body: body.map(|b| b.to_string()),
            ..self.request(Method::Post, &path)
        })
    }

    /// `POST /batch.json` with `actions` as its operations, all run whatever fails; None when
    /// one of them is an action this API does not have.
    pub fn batch_request(&self, actions: &[&Action]) -> Option<HttpRequest> {
        let operations = actions
            .iter()
            .map(|a| batch_operation(a))
            .collect::<Option<Vec<Value>>>()?;
        let body = serde_json::json!({ "operations": operations, "stop_on_error": false });
        Some(HttpRequest {
            json_body: Some(body.to_string()),
            ..self.request(Method::Post, "/batch.json")
        })
    }

    /// The display name known for `user`, if any.
    fn known_name(&self, user: &UserId) -> Option<String> {
        self.names
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .get(user)
            .cloned()
    }

    /// Remembers display names, so that one user read later has its name without asking.
    fn remember_names<'a>(&self, users: impl IntoIterator<Item = &'a User>) {
        let mut names = self.names.lock().unwrap_or_else(|p| p.into_inner());
        for user in users {
            if let Some(name) = &user.display_name {
                names.insert(user.id.clone(), name.clone());
            }
        }
    }

    /// One user with its sessions, without its display name.
    async fn read_user<T: Transport>(
        &self,
        transport: &T,
        id: &UserId,
        events: &dyn Fn(LoadEvent),
    ) -> Result<User, ApiError> {
        let response = read(
            transport,
            self.user_request(id),
            events,
            error_from_response,
        )
        .await?;
        let record: UserRecord = lenient::from_json(&response.body)
            .ok_or_else(|| unexpected(response.status, "the user is not a JSON object"))?;
        let user = record.user();
        if user.id.as_str().is_empty() {
            return Err(unexpected(response.status, "the answer is not a user"));
        }
        Ok(user)
    }

    /// One user as the listing has it: with its sessions, its name only if known already.
    async fn user_as_listed<T: Transport>(
        &self,
        transport: &T,
        id: &UserId,
    ) -> Result<User, ApiError> {
        self.read_user(transport, id, &|_| {}).await
    }

    /// The display name of one user from the data model: None when it has none, or when it
    /// cannot be read (the user is then shown by id).
    async fn read_name<T: Transport>(&self, transport: &T, user: &UserId) -> Option<String> {
        let response = read(
            transport,
            self.user_object_request(user),
            &|_| {},
            error_from_response,
        )
        .await
        .ok()?;
        lenient::from_json::<UserObject>(&response.body)?.display
    }
}

impl Api for JourneyApps {
    fn capabilities(&self) -> &'static Capabilities {
        &CAPABILITIES
    }

    fn credentials(&self) -> Credentials {
        self.credentials.clone()
    }

    /// One user: it proves the URL and the credentials.
    async fn check<T: Transport>(&self, transport: &T) -> Result<(), ApiError> {
        let response = read(
            transport,
            self.users_page_request(0, 1),
            &|_| {},
            error_from_response,
        )
        .await?;
        parse_page(&response, UserRecord::user).map(|_| ())
    }

    /// Every user, a few pages at a time, with display names joined in.
    async fn load_users<T: Transport>(
        &self,
        transport: &T,
        events: &dyn Fn(LoadEvent),
    ) -> Result<UsersLoad, ApiError> {
        let users_page = |skip| self.users_page_request(skip, PAGE_SIZE);
        let names_page = |skip| self.user_objects_page_request(skip, PAGE_SIZE);
        let quiet = |_| {};
        let (users, names) = futures::join!(
            fetch_all(
                transport,
                &users_page,
                UserRecord::user,
                |u| u.id.as_str(),
                events
            ),
            fetch_all(
                transport,
                &names_page,
                UserObject::pair,
                |(id, _)| id.as_str(),
                &quiet
            ),
        );
        let users = users?;
        let mut notices: Vec<String> = users.notice("users").into_iter().collect();
        let mut users = users.items;
        match names {
            Ok(names) => {
                notices.extend(names.notice("display names"));
                join_display_names(&mut users, names.items);
                self.remember_names(&users);
            }
            // Refused credentials are refused for everything, whichever request heard it first.
            Err(err) if err.needs_reconnect() => return Err(err),
            Err(err) => notices.push(format!(
                "Display names are unavailable, so users are shown by id. {}",
                err.message()
            )),
        }
        let notice = (!notices.is_empty()).then(|| notices.join(" "));
        Ok(UsersLoad { users, notice })
    }

    /// One user, waiting out a 429; its name from the names read before, or else from its
    /// data-model object.
    async fn user<T: Transport>(
        &self,
        transport: &T,
        id: &UserId,
        events: &dyn Fn(LoadEvent),
    ) -> Result<User, ApiError> {
        let mut user = self.read_user(transport, id, events).await?;
        user.display_name = match self.known_name(&user.id) {
            Some(name) => Some(name),
            None => self.read_name(transport, &user.id).await,
        };
        self.remember_names([&user]);
        Ok(user)
    }

    /// A handful one by one; more from the listing (users come with their sessions there) if
    /// its pages, counted from the first page's total, are fewer than the users.
    async fn read_back<T: Transport>(
        &self,
        transport: &T,
        ids: &[UserId],
    ) -> Result<Vec<ReadBack>, ApiError> {
        // Names play no part in what a read-back settles: users are read as listed.
        let one_by_one = || read_back_each(ids, |id| self.user_as_listed(transport, id));
        if ids.len() <= READ_BACK_ONE_BY_ONE {
            return one_by_one().await;
        }
        let page = |skip| self.users_page_request(skip, PAGE_SIZE);
        let first = read(transport, page(0), &|_| {}, error_from_response).await?;
        let first = parse_page(&first, UserRecord::user)?;
        let step = first.objects.len() as u64;
        let pages = match (first.more, first.total) {
            (false, _) => 1,
            (true, Some(total)) if step > 0 => total.div_ceil(step),
            (true, _) => u64::MAX,
        };
        if pages >= ids.len() as u64 {
            return one_by_one().await;
        }
        let listed = fetch_rest(
            transport,
            &page,
            UserRecord::user,
            |u| u.id.as_str(),
            &|_| {},
            first,
        )
        .await?;
        // A listing cut short cannot say a user is gone.
        let complete = listed.stopped.is_none();
        let mut by_id: HashMap<UserId, User> = listed
            .items
            .into_iter()
            .map(|u| (u.id.clone(), u))
            .collect();
        Ok(ids
            .iter()
            .map(|id| match by_id.remove(id) {
                Some(user) => ReadBack::Found(user),
                None if complete => ReadBack::Gone,
                None => ReadBack::Unreadable,
            })
            .collect())
    }

    async fn perform<T: Transport>(
        &self,
        transport: &T,
        action: &Action,
    ) -> Result<Performed, ApiError> {
        let request = self.action_request(action).ok_or(ApiError::Unsupported)?;
        send_once(transport, request, error_from_response)
            .await
            .map(|_| Performed::Done)
    }

    async fn perform_batch<T: Transport>(&self, transport: &T, actions: &[&Action]) -> BatchAnswer {
        let request = self.batch_request(actions).ok_or(ApiError::Unsupported)?;
        let response = send_once(transport, request, error_from_response).await?;
        parse_batch_results(&response)
    }

    /// One request: a lost answer may still have issued a token.
    async fn enrollment_token<T: Transport>(
        &self,
        transport: &T,
        user: &UserId,
    ) -> Result<EnrollmentToken, ApiError> {
        let request = self.enrollment_token_request(user);
        let response = send_once(transport, request, error_from_response).await?;
        parse_enrollment_token(&response)
    }
}

/// Reads the pages of a listing. With `total` known, the next pages go out a few at a time;
/// without it, pages follow `more` one after another. Either way the gathering cannot run away
/// (see [`Gathered`]): `total` only says where pages start, never how much to plan for.
async fn fetch_all<T: Transport, R: Fields, Item>(
    transport: &T,
    page_request: &dyn Fn(u64) -> HttpRequest,
    item: fn(R) -> Item,
    id_of: fn(&Item) -> &str,
    events: &dyn Fn(LoadEvent),
) -> Result<Gathered<Item>, ApiError> {
    let response = read(transport, page_request(0), events, error_from_response).await?;
    let first = parse_page(&response, item)?;
    fetch_rest(transport, page_request, item, id_of, events, first).await
}

/// [`fetch_all`] after its `first` page.
async fn fetch_rest<T: Transport, R: Fields, Item>(
    transport: &T,
    page_request: &dyn Fn(u64) -> HttpRequest,
    item: fn(R) -> Item,
    id_of: fn(&Item) -> &str,
    events: &dyn Fn(LoadEvent),
    first: Page<Item>,
) -> Result<Gathered<Item>, ApiError> {
    let get = |skip| async move {
        let response = read(transport, page_request(skip), events, error_from_response).await?;
        parse_page(&response, item)
    };
    let (total, mut more) = (first.total, first.more);
    // A server may cap pages below what we ask for: step by what the first page held.
    let step = first.objects.len() as u64;
    let mut got = Gathered::default();
    let mut going = got.add(first.objects, id_of);
    events(LoadEvent::Progress {
        loaded: got.items.len(),
        total,
    });
    while going && got.may_ask() {
        let skips: Vec<u64> = match total {
            Some(total) => (0..PAGES_IN_FLIGHT as u64)
                .map(|i| got.received.saturating_add(i.saturating_mul(step)))
                .take_while(|&skip| skip < total)
                .collect(),
            None if more => vec![got.received],
            None => Vec::new(),
        };
        if skips.is_empty() {
            break;
        }
        let pages = futures::future::join_all(skips.into_iter().map(get)).await;
        for page in pages {
            let page = page?;
            more = page.more;
            going = going && got.add(page.objects, id_of);
        }
        events(LoadEvent::Progress {
            loaded: got.items.len(),
            total,
        });
    }
    got.announced(total);
    Ok(got)
}

/// An answer that is not what this API sends.
fn unexpected(status: u16, what: &str) -> ApiError {
    ApiError::Unexpected {
        status,
        what: what.to_string(),
        api: "a JourneyApps API",
        url_hint: "the base URL ends in /api/v4/<backend deployment id>",
    }
}

/// The error a non-2xx response stands for, branching on status and `type` only.
pub fn error_from_response(response: &HttpResponse) -> ApiError {
    let body: Option<Value> = serde_json::from_str(&response.body).ok();
    let field = |name: &str| body.as_ref().and_then(|b| text(b, name));
    let detail = field("detail").unwrap_or_default();
    let kind = field("type");
    match (response.status, kind.as_deref()) {
        (401, _) => ApiError::Unauthorized { detail },
        (429, _) => ApiError::RateLimited,
        (404, Some("ACCOUNT_NOT_FOUND")) => ApiError::AccountNotFound { detail },
        (404, Some("OBJECT_NOT_FOUND")) => ApiError::NotFound { detail },
        (status, Some(kind)) => ApiError::Backend {
            status,
            kind: kind.to_string(),
            detail,
        },
        (status, None) => unexpected(status, "the answer is not a JourneyApps error"),
    }
}

/// One `batch.json` operation for `action`; None for an action this API does not have.
fn batch_operation(action: &Action) -> Option<Value> {
    let user_id = action.user().as_str();
    Some(match action {
        Action::Lock { wipe, .. } => {
            serde_json::json!({ "method": "users/lock", "user_id": user_id, "wipe": wipe })
        }
        Action::Unlock { .. } => {
            serde_json::json!({ "method": "users/unlock", "user_id": user_id })
        }
        Action::WipeSession { session, .. } => serde_json::json!({
            "method": "users/sessions/wipe", "user_id": user_id, "session_id": session.as_str()
        }),
        Action::ReAuthenticateSession { session, .. } => serde_json::json!({
            "method": "users/sessions/re-authenticate", "user_id": user_id,
            "session_id": session.as_str()
        }),
        _ => return None,
    })
}

/// Reads a batch answer: one result per operation, in order; a failure carries the backend's
/// error in plain words.
pub fn parse_batch_results(response: &HttpResponse) -> BatchAnswer {
    let unexpected = || {
        unexpected(
            response.status,
            "the batch answer has no list of operations",
        )
    };
    let body: Value = serde_json::from_str(&response.body).map_err(|_| unexpected())?;
    let operations = body
        .get("operations")
        .and_then(Value::as_array)
        .ok_or_else(unexpected)?;
    Ok(operations
        .iter()
        .map(|op| {
            if op.get("success").and_then(Value::as_bool) == Some(true) {
                return Ok(());
            }
            let error = op.get("error").unwrap_or(&Value::Null);
            let kind = text(error, "type").unwrap_or_else(|| "UNKNOWN".into());
            let detail = text(error, "detail").or_else(|| text(error, "title"));
            Err(operation_failure(
                &kind,
                detail.as_deref().unwrap_or_default(),
            ))
        })
        .collect())
}

/// Reads a listing envelope: `objects` must be a list; `total` and `more` are optional. Each
/// object is read as the record `R` (straight from the text, see [`lenient`]) and made an item.
pub fn parse_page<R: Fields, Item>(
    response: &HttpResponse,
    item: fn(R) -> Item,
) -> Result<Page<Item>, ApiError> {
    let body: PageRecord<R> = lenient::from_json(&response.body)
        .ok_or_else(|| unexpected(response.status, "the response is not a JSON object"))?;
    let objects = body
        .objects
        .ok_or_else(|| unexpected(response.status, "the response has no list of objects"))?;
    Ok(Page {
        total: body.total,
        more: body.more.unwrap_or(false),
        objects: objects.into_iter().map(item).collect(),
    })
}

/// A listing envelope as sent.
#[derive(Default)]
struct PageRecord<R> {
    objects: Option<Vec<R>>,
    total: Option<u64>,
    more: Option<bool>,
}

impl<R: Fields> Fields for PageRecord<R> {
    fn field<'de, A: MapAccess<'de>>(&mut self, key: &str, map: &mut A) -> Result<(), A::Error> {
        match key {
            "objects" => self.objects = lenient::next(map)?,
            "total" => self.total = lenient::next(map)?,
            "more" => self.more = lenient::next(map)?,
            _ => lenient::skip(map)?,
        }
        Ok(())
    }
}

/// Reads `{"token","url"}`; both must be non-empty text, or there is nothing to show.
pub fn parse_enrollment_token(response: &HttpResponse) -> Result<EnrollmentToken, ApiError> {
    let unexpected = || {
        unexpected(
            response.status,
            "the answer has no enrollment token and link",
        )
    };
    let body: Value = serde_json::from_str(&response.body).map_err(|_| unexpected())?;
    match (text(&body, "token"), text(&body, "url")) {
        (Some(token), Some(url)) if !token.trim().is_empty() && !url.trim().is_empty() => {
            Ok(EnrollmentToken { token, url })
        }
        _ => Err(unexpected()),
    }
}

fn text(value: &Value, name: &str) -> Option<String> {
    value.get(name).and_then(Value::as_str).map(str::to_string)
}

/// Reads one user; never fails: what is missing or unreadable is left unknown.
pub fn parse_user(value: &Value) -> User {
    lenient::from_value::<UserRecord>(value).user()
}

/// Reads one session; never fails.
pub fn parse_session(value: &Value) -> Session {
    lenient::from_value::<SessionRecord>(value).0
}

/// A user as this API sends it.
#[derive(Default)]
pub struct UserRecord {
    user: User,
    enrolled: Option<bool>,
}

impl UserRecord {
    /// The user; without an `enrolled` flag, enrolled when one of its sessions is.
    pub fn user(self) -> User {
        let mut user = self.user;
        user.enrolled = self.enrolled.unwrap_or_else(|| {
            user.sessions
                .iter()
                .any(|s| s.state == SessionState::Enrolled)
        });
        user
    }
}

impl Fields for UserRecord {
    fn field<'de, A: MapAccess<'de>>(&mut self, key: &str, map: &mut A) -> Result<(), A::Error> {
        let user = &mut self.user;
        match key {
            "id" => user.id = lenient::next::<String, _>(map)?.unwrap_or_default().into(),
            "last_connected_at" => user.last_connected_at = lenient::next(map)?,
            "enrolled" => self.enrolled = lenient::next(map)?,
            "locked" => user.locked = lenient::next(map)?.unwrap_or(false),
            "sessions" => {
                let sessions: Option<Vec<SessionRecord>> = lenient::next(map)?;
                user.sessions = sessions
                    .unwrap_or_default()
                    .into_iter()
                    .map(|s| s.0)
                    .collect();
            }
            _ => lenient::skip(map)?,
        }
        Ok(())
    }
}

/// A session as this API sends it.
#[derive(Default)]
pub struct SessionRecord(Session);

impl Fields for SessionRecord {
    fn field<'de, A: MapAccess<'de>>(&mut self, key: &str, map: &mut A) -> Result<(), A::Error> {
        let session = &mut self.0;
        match key {
            "id" => session.id = lenient::next::<String, _>(map)?.unwrap_or_default().into(),
            "state" => {
                session.state = lenient::next::<String, _>(map)?
                    .map(|s| SessionState::parse(&s))
                    .unwrap_or_default()
            }
            "created_at" => session.created_at = lenient::next(map)?,
            "last_authenticated_at" => session.last_authenticated_at = lenient::next(map)?,
            "signed_out_at" => session.signed_out_at = lenient::next(map)?,
            "last_connected_at" => session.last_connected_at = lenient::next(map)?,
            "label" => session.label = lenient::next(map)?,
            "container" => {
                let container = nested(map)?;
                session.platform = container.platform;
                session.container_version = container.version;
                session.bundle_id = container.bundle_id;
            }
            "runtime" => session.runtime_version = nested(map)?.version,
            "device" => session.device_id = nested(map)?.id,
            "sync_status" => {
                session.last_full_sync =
                    nested(map)?.last_full_sync.as_deref().and_then(time::parse)
            }
            _ => lenient::skip(map)?,
        }
        Ok(())
    }
}

/// The text fields of a session's nested objects (`container`, `runtime`, `device`,
/// `sync_status`); each object fills the ones it has.
#[derive(Default)]
struct Nested {
    platform: Option<String>,
    version: Option<String>,
    bundle_id: Option<String>,
    id: Option<String>,
    last_full_sync: Option<String>,
}

impl Fields for Nested {
    fn field<'de, A: MapAccess<'de>>(&mut self, key: &str, map: &mut A) -> Result<(), A::Error> {
        let slot = match key {
            "platform" => &mut self.platform,
            "version" => &mut self.version,
            "bundle_id" => &mut self.bundle_id,
            "id" => &mut self.id,
            "last_full_sync" => &mut self.last_full_sync,
            _ => return lenient::skip(map),
        };
        *slot = lenient::next(map)?;
        Ok(())
    }
}

/// The nested object of the current entry; empty when it is not an object.
fn nested<'de, A: MapAccess<'de>>(map: &mut A) -> Result<Nested, A::Error> {
    Ok(lenient::next::<Record<Nested>, _>(map)?
        .map(|r| r.0)
        .unwrap_or_default())
}

/// A data-model user object: its id and display name.
#[derive(Default)]
pub struct UserObject {
    id: String,
    display: Option<String>,
}

impl UserObject {
    /// (id, display name).
    pub fn pair(self) -> (UserId, Option<String>) {
        (self.id.into(), self.display)
    }
}

impl Fields for UserObject {
    fn field<'de, A: MapAccess<'de>>(&mut self, key: &str, map: &mut A) -> Result<(), A::Error> {
        match key {
            "id" => self.id = lenient::next(map)?.unwrap_or_default(),
            "display" => self.display = lenient::next(map)?,
            _ => lenient::skip(map)?,
        }
        Ok(())
    }
}

/// Puts each object's `display` on the user with the same id.
pub fn join_display_names(users: &mut [User], objects: Vec<(UserId, Option<String>)>) {
    let names: HashMap<UserId, String> = objects
        .into_iter()
        .filter_map(|(id, display)| Some((id, display?)))
        .collect();
    for user in users {
        user.display_name = names.get(&user.id).cloned();
    }
}

#[cfg(test)]
mod tests;
