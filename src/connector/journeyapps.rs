//! The JourneyApps Backend API v4 connector (contract: API.md section 1).
//!
//! Responses are read leniently: unknown fields are ignored, a missing or mistyped field is
//! "unknown", an unknown state or platform is kept as sent. Only a response that is not this API
//! at all (not JSON, no `objects` list) is an error.

use super::{
    operation_failure, Action, ApiError, Capabilities, Credentials, HttpRequest, HttpResponse,
    Method, Transport,
};
use crate::model::bulk::{retry_delay_millis, BulkRun, Progress};
use crate::model::enrollment::EnrollmentToken;
use crate::model::{time, Session, SessionState, User};
use crate::url::encode_component;
use chrono::{DateTime, Utc};
use serde_json::Value;
use std::collections::HashMap;

/// The most objects the API returns per page.
pub const PAGE_SIZE: u64 = 1000;
/// Pages requested at once while loading a listing.
const PAGES_IN_FLIGHT: usize = 4;
/// Tries of one read before a 429 or 5xx is reported.
const READ_ATTEMPTS: u32 = 5;
/// The API asks for at least one second before a retry after a 429.
const FIRST_RETRY_MILLIS: u32 = 1000;
const MAX_RETRY_MILLIS: u32 = 8000;

/// What happens while a listing loads, for a progress indicator.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum LoadEvent {
    /// `loaded` users so far of `total` (when the API says).
    Progress { loaded: usize, total: Option<u64> },
    /// Rate limited (or a passing server error): waiting this long before trying again.
    Waiting { millis: u32 },
}

/// What happens while a bulk run goes on, for its progress bar.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum BulkEvent {
    Progress(Progress),
    /// The backend refused a chunk with 429 (so none of it ran): resending after this long.
    Waiting {
        millis: u32,
    },
}

/// How a bulk run ended, besides each target's outcome.
#[derive(Clone, Debug, PartialEq)]
pub enum BulkEnd {
    /// Every target has an outcome.
    Finished,
    /// The admin cancelled between chunks; the rest are still pending.
    Cancelled,
    /// Stopped by an error that concerns every target (e.g. refused credentials).
    Stopped(ApiError),
}

/// Tries of one chunk refused with 429 before the run stops.
const CHUNK_ATTEMPTS: u32 = 8;

/// One page of a listing.
#[derive(Clone, Debug, PartialEq)]
pub struct Page<T> {
    pub total: Option<u64>,
    pub more: bool,
    pub objects: Vec<T>,
}

/// Every user, with display names joined in where the backend has them.
#[derive(Clone, Debug, PartialEq)]
pub struct UsersLoad {
    pub users: Vec<User>,
    /// Set when display names could not be loaded; the users are still shown, by id.
    pub names_error: Option<ApiError>,
}

/// A JourneyApps deployment: its base URL and the credentials to use.
#[derive(Clone, Debug, PartialEq)]
pub struct JourneyApps {
    base_url: String,
    credentials: Credentials,
}

impl JourneyApps {
    /// The base URL as shown on the Manage API page, e.g. `https://…/api/v4/<deployment id>`.
    pub fn new(base_url: &str, credentials: Credentials) -> Self {
        JourneyApps {
            base_url: base_url.trim().trim_end_matches('/').to_string(),
            credentials,
        }
    }

    /// Everything in the capability table: JourneyApps supports every action.
    pub fn capabilities() -> Capabilities {
        Capabilities {
            lock_user: true,
            wipe_session: true,
            reauthenticate_session: true,
            enrollment_token: true,
            batch: true,
        }
    }

    fn request(&self, method: Method, path: &str) -> HttpRequest {
        HttpRequest {
            method,
            url: format!("{}{path}", self.base_url),
            authorization: self.credentials.authorization(),
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
    pub fn user_object_request(&self, user_id: &str) -> HttpRequest {
        self.request(
            Method::Get,
            &format!("/objects/user/{}.json", encode_component(user_id)),
        )
    }

    /// The display name of one user, for a user page opened directly. None when the data model
    /// has no name for the user.
    pub async fn display_name<T: Transport>(
        &self,
        transport: &T,
        user_id: &str,
    ) -> Result<Option<String>, ApiError> {
        let response = read(transport, self.user_object_request(user_id), &|_| {}).await?;
        let body: Value =
            serde_json::from_str(&response.body).map_err(|_| ApiError::Unexpected {
                status: response.status,
                what: "the user object is not JSON".to_string(),
            })?;
        Ok(parse_user_object(&body).1)
    }

    /// `GET /users/{id}`: one user with its sessions.
    pub fn user_request(&self, user_id: &str) -> HttpRequest {
        self.request(
            Method::Get,
            &format!("/users/{}", encode_component(user_id)),
        )
    }

    /// Reads one user, waiting out a 429 (each wait is reported to `events`); a user that no
    /// longer exists is `NotFound`.
    pub async fn user<T: Transport>(
        &self,
        transport: &T,
        user_id: &str,
        events: &dyn Fn(LoadEvent),
    ) -> Result<User, ApiError> {
        let response = read(transport, self.user_request(user_id), events).await?;
        let body: Value =
            serde_json::from_str(&response.body).map_err(|_| ApiError::Unexpected {
                status: response.status,
                what: "the user is not JSON".to_string(),
            })?;
        match body.get("id").and_then(Value::as_str) {
            Some(_) => Ok(parse_user(&body)),
            None => Err(ApiError::Unexpected {
                status: response.status,
                what: "the answer is not a user".to_string(),
            }),
        }
    }

    /// `POST /users/{id}/authentication-token`: a new enrollment token for the user.
    pub fn enrollment_token_request(&self, user_id: &str) -> HttpRequest {
        self.request(
            Method::Post,
            &format!("/users/{}/authentication-token", encode_component(user_id)),
        )
    }

    /// Issues an enrollment token with one request (a lost answer may still have issued one).
    pub async fn enrollment_token<T: Transport>(
        &self,
        transport: &T,
        user_id: &str,
    ) -> Result<EnrollmentToken, ApiError> {
        let response = transport
            .send(self.enrollment_token_request(user_id))
            .await
            .map_err(|err| ApiError::Network { detail: err.0 })?;
        if (200..300).contains(&response.status) {
            parse_enrollment_token(&response)
        } else {
            Err(error_from_response(&response))
        }
    }

    /// The request that carries out `action`.
    pub fn action_request(&self, action: &Action) -> HttpRequest {
        let user_path = |user_id: &str| format!("/users/{}", encode_component(user_id));
        let session_path = |user_id: &str, session_id: &str| {
            format!(
                "{}/sessions/{}",
                user_path(user_id),
                encode_component(session_id)
            )
        };
        let (path, body) = match action {
            Action::Lock { user_id, wipe } => (
                format!("{}/lock", user_path(user_id)),
                Some(serde_json::json!({ "wipe": wipe })),
            ),
            Action::Unlock { user_id } => (format!("{}/unlock", user_path(user_id)), None),
            Action::WipeSession {
                user_id,
                session_id,
            } => (format!("{}/wipe", session_path(user_id, session_id)), None),
            Action::ReAuthenticateSession {
                user_id,
                session_id,
            } => (
                format!("{}/re-authenticate", session_path(user_id, session_id)),
                None,
            ),
        };
        HttpRequest {
            json_body: body.map(|b| b.to_string()),
            ..self.request(Method::Post, &path)
        }
    }

    /// `POST /batch.json` with `actions` as its operations, all run whatever fails.
    pub fn batch_request(&self, actions: &[&Action]) -> HttpRequest {
        let operations: Vec<Value> = actions.iter().map(|a| batch_operation(a)).collect();
        let body = serde_json::json!({ "operations": operations, "stop_on_error": false });
        HttpRequest {
            json_body: Some(body.to_string()),
            ..self.request(Method::Post, "/batch.json")
        }
    }

    /// Runs every pending target of `run` through `batch.json`, a chunk at a time, recording
    /// each outcome. A chunk refused with 429 did not run: it is resent after a wait. A chunk
    /// whose answer is lost or broken is marked failed, never resent, since it may have run.
    /// `cancelled` is asked between chunks.
    pub async fn run_bulk<T: Transport>(
        &self,
        transport: &T,
        run: &mut BulkRun,
        events: &dyn Fn(BulkEvent),
        cancelled: &dyn Fn() -> bool,
    ) -> BulkEnd {
        let mut attempt = 0;
        loop {
            let chunk = run.next_chunk();
            if chunk.is_empty() {
                return BulkEnd::Finished;
            }
            if cancelled() {
                return BulkEnd::Cancelled;
            }
            let actions: Vec<&Action> = chunk.iter().map(|&i| &run.targets[i].action).collect();
            let response = match transport.send(self.batch_request(&actions)).await {
                Ok(response) => response,
                Err(err) => {
                    run.fail(&chunk, &ApiError::Network { detail: err.0 }.message());
                    events(BulkEvent::Progress(run.progress()));
                    continue;
                }
            };
            if response.status == 429 && attempt + 1 < CHUNK_ATTEMPTS {
                let millis = retry_delay_millis(attempt, transport.jitter());
                attempt += 1;
                events(BulkEvent::Waiting { millis });
                transport.sleep(millis).await;
                continue;
            }
            attempt = 0;
            if !(200..300).contains(&response.status) {
                let err = error_from_response(&response);
                if err.needs_reconnect() || response.status == 429 {
                    return BulkEnd::Stopped(err);
                }
                run.fail(&chunk, &err.message());
            } else {
                match parse_batch_results(&response) {
                    Ok(results) => run.record(&chunk, &results),
                    Err(err) => run.fail(&chunk, &err.message()),
                }
            }
            events(BulkEvent::Progress(run.progress()));
        }
    }

    /// Carries out `action` with exactly one request: a destructive request is never retried
    /// on its own, since a lost answer does not mean it did not run.
    pub async fn perform<T: Transport>(
        &self,
        transport: &T,
        action: &Action,
    ) -> Result<(), ApiError> {
        let response = transport
            .send(self.action_request(action))
            .await
            .map_err(|err| ApiError::Network { detail: err.0 })?;
        if (200..300).contains(&response.status) {
            Ok(())
        } else {
            Err(error_from_response(&response))
        }
    }

    /// A cheap request that proves the URL and credentials: one user.
    pub async fn check<T: Transport>(&self, transport: &T) -> Result<(), ApiError> {
        let response = read(transport, self.users_page_request(0, 1), &|_| {}).await?;
        parse_page(&response, parse_user).map(|_| ())
    }

    /// Loads every user, a few pages at a time, and joins display names onto them.
    pub async fn load_users<T: Transport>(
        &self,
        transport: &T,
        events: &dyn Fn(LoadEvent),
    ) -> Result<UsersLoad, ApiError> {
        let users_page = |skip| self.users_page_request(skip, PAGE_SIZE);
        let names_page = |skip| self.user_objects_page_request(skip, PAGE_SIZE);
        let quiet = |_| {};
        let (users, names) = futures::join!(
            fetch_all(transport, &users_page, parse_user, events),
            fetch_all(transport, &names_page, parse_user_object, &quiet),
        );
        let mut users = users?;
        let names_error = match names {
            Ok(names) => {
                join_display_names(&mut users, names);
                None
            }
            // Refused credentials are refused for everything, whichever request heard it first.
            Err(err) if err.needs_reconnect() => return Err(err),
            Err(err) => Some(err),
        };
        Ok(UsersLoad { users, names_error })
    }
}

/// Sends a read, waiting and retrying on 429 and 5xx; any other non-2xx becomes its error.
async fn read<T: Transport>(
    transport: &T,
    request: HttpRequest,
    events: &dyn Fn(LoadEvent),
) -> Result<HttpResponse, ApiError> {
    let mut delay = FIRST_RETRY_MILLIS;
    for attempt in 1..=READ_ATTEMPTS {
        let response = transport
            .send(request.clone())
            .await
            .map_err(|err| ApiError::Network { detail: err.0 })?;
        let passing = response.status == 429 || response.status >= 500;
        if passing && attempt < READ_ATTEMPTS {
            events(LoadEvent::Waiting { millis: delay });
            transport.sleep(delay).await;
            delay = (delay * 2).min(MAX_RETRY_MILLIS);
            continue;
        }
        return if (200..300).contains(&response.status) {
            Ok(response)
        } else {
            Err(error_from_response(&response))
        };
    }
    unreachable!("the last attempt always returns")
}

/// Reads every page of a listing. With `total` known, the remaining pages go out a few at a
/// time; without it, pages follow `more` one after another.
async fn fetch_all<T: Transport, Item>(
    transport: &T,
    page_request: &dyn Fn(u64) -> HttpRequest,
    parse_item: fn(&Value) -> Item,
    events: &dyn Fn(LoadEvent),
) -> Result<Vec<Item>, ApiError> {
    let first = parse_page(&read(transport, page_request(0), events).await?, parse_item)?;
    let mut items = first.objects;
    events(LoadEvent::Progress {
        loaded: items.len(),
        total: first.total,
    });
    // A server may cap pages below what we ask for: step by what the first page held.
    let step = items.len() as u64;
    match first.total {
        Some(total) if step > 0 => {
            let skips: Vec<u64> = (1..).map(|i| i * step).take_while(|s| *s < total).collect();
            for group in skips.chunks(PAGES_IN_FLIGHT) {
                let pages = futures::future::join_all(group.iter().map(|&skip| async move {
                    parse_page(
                        &read(transport, page_request(skip), events).await?,
                        parse_item,
                    )
                }))
                .await;
                for page in pages {
                    items.extend(page?.objects);
                }
                events(LoadEvent::Progress {
                    loaded: items.len(),
                    total: Some(total),
                });
            }
        }
        _ => {
            let mut more = first.more && step > 0;
            while more {
                let page = parse_page(
                    &read(transport, page_request(items.len() as u64), events).await?,
                    parse_item,
                )?;
                more = page.more && !page.objects.is_empty();
                items.extend(page.objects);
                events(LoadEvent::Progress {
                    loaded: items.len(),
                    total: None,
                });
            }
        }
    }
    Ok(items)
}

/// The error a non-2xx response stands for, branching on status and `type` only.
pub fn error_from_response(response: &HttpResponse) -> ApiError {
    let body: Option<Value> = serde_json::from_str(&response.body).ok();
    let field = |name: &str| {
        body.as_ref()
            .and_then(|b| b.get(name))
            .and_then(Value::as_str)
            .map(str::to_string)
    };
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
        (status, None) => ApiError::Unexpected {
            status,
            what: "the answer is not a JourneyApps error".to_string(),
        },
    }
}

/// One `batch.json` operation for `action`.
fn batch_operation(action: &Action) -> Value {
    match action {
        Action::Lock { user_id, wipe } => {
            serde_json::json!({ "method": "users/lock", "user_id": user_id, "wipe": wipe })
        }
        Action::Unlock { user_id } => {
            serde_json::json!({ "method": "users/unlock", "user_id": user_id })
        }
        Action::WipeSession {
            user_id,
            session_id,
        } => serde_json::json!({
            "method": "users/sessions/wipe", "user_id": user_id, "session_id": session_id
        }),
        Action::ReAuthenticateSession {
            user_id,
            session_id,
        } => serde_json::json!({
            "method": "users/sessions/re-authenticate", "user_id": user_id, "session_id": session_id
        }),
    }
}

/// Reads a batch answer: one result per operation, in order; a failure carries the backend's
/// error in plain words.
pub fn parse_batch_results(response: &HttpResponse) -> Result<Vec<Result<(), String>>, ApiError> {
    let unexpected = || ApiError::Unexpected {
        status: response.status,
        what: "the batch answer has no list of operations".to_string(),
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

/// Reads a listing envelope: `objects` must be a list; `total` and `more` are optional.
pub fn parse_page<Item>(
    response: &HttpResponse,
    parse_item: fn(&Value) -> Item,
) -> Result<Page<Item>, ApiError> {
    let unexpected = |what: &str| ApiError::Unexpected {
        status: response.status,
        what: what.to_string(),
    };
    let body: Value =
        serde_json::from_str(&response.body).map_err(|_| unexpected("the response is not JSON"))?;
    let objects = body
        .get("objects")
        .and_then(Value::as_array)
        .ok_or_else(|| unexpected("the response has no list of objects"))?;
    Ok(Page {
        total: body.get("total").and_then(Value::as_u64),
        more: body.get("more").and_then(Value::as_bool).unwrap_or(false),
        objects: objects.iter().map(parse_item).collect(),
    })
}

/// Reads `{"token","url"}`; both must be non-empty text, or there is nothing to show.
pub fn parse_enrollment_token(response: &HttpResponse) -> Result<EnrollmentToken, ApiError> {
    let unexpected = || ApiError::Unexpected {
        status: response.status,
        what: "the answer has no enrollment token and link".to_string(),
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

fn nested_text(value: &Value, object: &str, name: &str) -> Option<String> {
    value.get(object).and_then(|o| text(o, name))
}

fn datetime(value: Option<String>) -> Option<DateTime<Utc>> {
    value.as_deref().and_then(time::parse)
}

/// Reads one user; never fails: what is missing or unreadable is left unknown.
pub fn parse_user(value: &Value) -> User {
    let sessions: Vec<Session> = value
        .get("sessions")
        .and_then(Value::as_array)
        .map(|list| list.iter().map(parse_session).collect())
        .unwrap_or_default();
    let enrolled = value
        .get("enrolled")
        .and_then(Value::as_bool)
        .unwrap_or_else(|| sessions.iter().any(|s| s.state == SessionState::Enrolled));
    User {
        id: text(value, "id").unwrap_or_default(),
        display_name: None,
        last_connected_at: datetime(text(value, "last_connected_at")),
        enrolled,
        locked: value
            .get("locked")
            .and_then(Value::as_bool)
            .unwrap_or(false),
        sessions,
    }
}

/// Reads one session; never fails.
pub fn parse_session(value: &Value) -> Session {
    Session {
        id: text(value, "id").unwrap_or_default(),
        state: text(value, "state")
            .map(|s| SessionState::parse(&s))
            .unwrap_or_default(),
        created_at: datetime(text(value, "created_at")),
        last_authenticated_at: datetime(text(value, "last_authenticated_at")),
        signed_out_at: datetime(text(value, "signed_out_at")),
        last_connected_at: datetime(text(value, "last_connected_at")),
        platform: nested_text(value, "container", "platform"),
        container_version: nested_text(value, "container", "version"),
        bundle_id: nested_text(value, "container", "bundle_id"),
        runtime_version: nested_text(value, "runtime", "version"),
        device_id: nested_text(value, "device", "id"),
        label: text(value, "label"),
        last_full_sync: datetime(nested_text(value, "sync_status", "last_full_sync")),
    }
}

/// Reads a data-model user object as (id, display).
fn parse_user_object(value: &Value) -> (String, Option<String>) {
    (
        text(value, "id").unwrap_or_default(),
        text(value, "display"),
    )
}

/// Puts each object's `display` on the user with the same id.
pub fn join_display_names(users: &mut [User], objects: Vec<(String, Option<String>)>) {
    let names: HashMap<String, String> = objects
        .into_iter()
        .filter_map(|(id, display)| Some((id, display?)))
        .collect();
    for user in users {
        user.display_name = names.get(&user.id).cloned();
    }
}

#[cfg(test)]
mod tests;
