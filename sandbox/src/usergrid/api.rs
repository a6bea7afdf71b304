//! Usergrid's routes under `/usergrid/roster/sandbox`: the token, the users (with `limit`,
//! `cursor` and `ql`), one user, `/users/me`, devices, disable/enable, deactivate and
//! revoketokens, each answer in the ApiResponse envelope (API.md sections 4 and 5).

use super::error::UgError;
use super::store::{Holder, User};
use super::{ql, Caller, APPLICATION, ORGANIZATION};
use crate::state::{same_secret, AppState};
use axum::body::Bytes;
use axum::extract::{OriginalUri, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, put};
use axum::{Extension, Json, Router};
use base64::Engine;
use serde_json::{json, Map, Value};
use std::collections::HashMap;
use std::sync::Arc;
use std::time::Instant;

type Shared = State<Arc<AppState>>;
type Answer = Result<Response, UgError>;

/// `limit` when none is given, and the most a page holds.
pub const DEFAULT_LIMIT: i64 = 10;
pub const MAX_LIMIT: i64 = 1000;
/// Seconds a token lasts unless its grant asks otherwise.
pub const TOKEN_SECONDS: i64 = 3600;
/// The longest a grant's `ttl` may make a token last: a week.
pub const MAX_TOKEN_SECONDS: i64 = 7 * 24 * 3600;
/// The user properties a `PUT` may set as text (null clears one), besides `activated` and
/// `disabled` (seed 004's table).
const TEXT_PROPERTIES: [&str; 7] = [
    "username",
    "email",
    "name",
    "firstname",
    "middlename",
    "lastname",
    "picture",
];
/// Properties the server keeps itself: sent back in a whole-entity `PUT`, they are ignored.
const SERVER_PROPERTIES: [&str; 5] = ["created", "modified", "deactivated", "metadata", "type"];
/// The client credentials' id; the secret is `--api-token`.
pub const CLIENT_ID: &str = "roster-console";
/// Every demo user's password.
pub const DEMO_PASSWORD: &str = "demo";
/// The administrator, who is not one of the app's users.
pub const ADMIN: &str = "admin";
const ADMIN_UUID: &str = "00000000-0000-4000-8000-00000000ad01";
const APPLICATION_UUID: &str = "00000000-0000-4000-8000-000000000a99";

pub fn routes() -> Router<Arc<AppState>> {
    let mut router = Router::new().route("/token", post(token));
    // Usergrid takes a collection's singular name for its plural (`/user/{uuid}` is how the
    // SDKs address an entity by its type).
    for users in ["/users", "/user"] {
        router = router
            .route(users, get(list))
            .route(&format!("{users}/{{user}}"), get(one).put(update))
            .route(&format!("{users}/{{user}}/devices"), get(devices))
            .route(&format!("{users}/{{user}}/device"), get(devices))
            .route(&format!("{users}/{{user}}/deactivate"), post(deactivate))
            .route(
                &format!("{users}/{{user}}/revoketokens"),
                put(revoke_tokens),
            );
    }
    router
        .fallback(no_route)
        .method_not_allowed_fallback(no_method)
}

async fn no_route() -> UgError {
    UgError::not_found("No such resource")
}

async fn no_method() -> UgError {
    UgError::for_status(
        StatusCode::METHOD_NOT_ALLOWED,
        "This resource does not take that method",
    )
}

/// The ApiResponse envelope around `entities`.
fn envelope(
    state: &AppState,
    action: &str,
    uri: &OriginalUri,
    entities: Vec<Value>,
    cursor: Option<String>,
    started: Instant,
) -> Response {
    let path = uri.path();
    let local = path
        .strip_prefix(super::MOUNT)
        .filter(|p| !p.is_empty())
        .unwrap_or(path);
    let mut body = Map::new();
    body.insert("action".into(), json!(action));
    body.insert("path".into(), json!(local));
    body.insert(
        "uri".into(),
        json!(format!("{}{path}", state.public_origin)),
    );
    body.insert("count".into(), json!(entities.len()));
    body.insert("entities".into(), Value::Array(entities));
    if let Some(cursor) = cursor {
        body.insert("cursor".into(), json!(cursor));
    }
    body.insert(
        "timestamp".into(),
        json!(state.clock.now_precise().timestamp_millis()),
    );
    body.insert(
        "duration".into(),
        json!(started.elapsed().as_millis() as u64),
    );
    body.insert("organization".into(), json!(ORGANIZATION));
    body.insert("applicationName".into(), json!(APPLICATION));
    Json(Value::Object(body)).into_response()
}

fn object(body: &[u8]) -> Result<Map<String, Value>, UgError> {
    match serde_json::from_slice(body) {
        Ok(Value::Object(fields)) => Ok(fields),
        _ => Err(UgError::bad(
            "illegal_argument",
            "The body must be a JSON object",
        )),
    }
}

fn text<'a>(fields: &'a Map<String, Value>, name: &str) -> &'a str {
    fields.get(name).and_then(Value::as_str).unwrap_or("")
}

/// `POST /token`: a password grant (the administrator, or a demo user) or client credentials.
async fn token(State(state): Shared, body: Bytes) -> Answer {
    let fields = object(&body)?;
    let holder = match text(&fields, "grant_type") {
        "password" => {
            let (username, password) = (text(&fields, "username"), text(&fields, "password"));
            let wrong = || UgError::bad("invalid_grant", "invalid username or password");
            if username == ADMIN {
                if !same_secret(password, &state.config.api_password) {
                    return Err(wrong());
                }
                Holder::Admin
            } else {
                let user = state.usergrid().user(username)?.ok_or_else(wrong)?;
                if user.username != username || !same_secret(password, DEMO_PASSWORD) {
                    return Err(wrong());
                }
                if user.disabled || !user.activated {
                    return Err(UgError::bad(
                        "invalid_grant",
                        "user is disabled or not activated",
                    ));
                }
                Holder::User(user.uuid)
            }
        }
        "client_credentials" => {
            let (id, secret) = (text(&fields, "client_id"), text(&fields, "client_secret"));
            if id != CLIENT_ID || !same_secret(secret, &state.config.api_token) {
                return Err(UgError::new(
                    StatusCode::UNAUTHORIZED,
                    "invalid_client",
                    "invalid client id or secret",
                ));
            }
            Holder::Client
        }
        other => {
            return Err(UgError::bad(
                "unsupported_grant_type",
                format!("unsupported grant type {other:?}"),
            ))
        }
    };
    let seconds = lifetime(fields.get("ttl"))?;
    let token = format!("YWMt{}", state.random_text(60));
    let expires = state.clock.now().timestamp() + seconds;
    let store = state.usergrid();
    store.grant(&token, &holder, expires)?;
    let mut answer = json!({ "access_token": token, "expires_in": seconds });
    match holder {
        Holder::Admin => answer["user"] = admin_entity(),
        Holder::Client => {
            answer["application"] = json!({
                "uuid": APPLICATION_UUID,
                "name": format!("{ORGANIZATION}/{APPLICATION}"),
            })
        }
        Holder::User(uuid) => {
            answer["user"] = store
                .user(&uuid)?
                .map(|u| u.to_json())
                .unwrap_or(Value::Null)
        }
    }
    Ok(Json(answer).into_response())
}

/// How many seconds a token lasts for a grant's `ttl` (milliseconds, as Usergrid documents;
/// none or 0 for the default): rounded up to whole seconds, at most [`MAX_TOKEN_SECONDS`].
fn lifetime(ttl: Option<&Value>) -> Result<i64, UgError> {
    let millis = match ttl {
        None | Some(Value::Null) => 0,
        Some(value) => value
            .as_u64()
            .or_else(|| value.as_str().and_then(|t| t.trim().parse().ok()))
            .ok_or_else(|| {
                UgError::bad(
                    "illegal_argument",
                    "ttl must be a whole number of milliseconds",
                )
            })?,
    };
    Ok(match millis {
        0 => TOKEN_SECONDS,
        millis => i64::try_from(millis.div_ceil(1000))
            .unwrap_or(i64::MAX)
            .min(MAX_TOKEN_SECONDS),
    })
}

fn admin_entity() -> Value {
    json!({
        "uuid": ADMIN_UUID,
        "type": "user",
        "username": ADMIN,
        "name": "Administrator",
        "activated": true,
        "disabled": false,
    })
}

/// Reads `limit` (default 10, clamped to 1 to 1000).
fn limit(query: &HashMap<String, String>) -> Result<i64, UgError> {
    match query.get("limit") {
        None => Ok(DEFAULT_LIMIT),
        Some(text) => text
            .trim()
            .parse::<i64>()
            .map(|n| n.clamp(1, MAX_LIMIT))
            .map_err(|_| UgError::bad("illegal_argument", "limit must be a number")),
    }
}

/// The opaque cursor of the page that starts `offset` items in.
pub fn cursor_at(offset: i64) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(format!("ug:{offset}"))
}

/// Where a cursor says the page starts.
fn offset_of(cursor: &str) -> Result<i64, UgError> {
    base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(cursor.trim())
        .ok()
        .and_then(|bytes| String::from_utf8(bytes).ok())
        .and_then(|text| text.strip_prefix("ug:")?.parse::<i64>().ok())
        .filter(|n| *n >= 0)
        .ok_or_else(|| UgError::bad("illegal_argument", "the cursor is not one this API gave"))
}

/// `GET /users?limit=L&cursor=C&ql=Q`.
async fn list(
    State(state): Shared,
    uri: OriginalUri,
    query: Result<Query<HashMap<String, String>>, axum::extract::rejection::QueryRejection>,
) -> Answer {
    let started = Instant::now();
    let Query(query) =
        query.map_err(|_| UgError::bad("illegal_argument", "The query string is malformed"))?;
    let take = limit(&query)?;
    let skip = match query.get("cursor") {
        Some(cursor) if !cursor.is_empty() => offset_of(cursor)?,
        _ => 0,
    };
    let parsed = ql::parse(query.get("ql").map_or("", String::as_str))
        .map_err(|why| UgError::bad("query_parse", format!("The query cannot be parsed: {why}")))?;
    let (users, more) = state.usergrid().list(&parsed, skip, take)?;
    let next = more.then(|| cursor_at(skip + users.len() as i64));
    let entities = users.iter().map(User::to_json).collect();
    Ok(envelope(&state, "get", &uri, entities, next, started))
}

/// The user a path names (uuid or username), or 404.
fn find(state: &AppState, key: &str) -> Result<User, UgError> {
    state
        .usergrid()
        .user(key)?
        .ok_or_else(|| UgError::not_found(format!("User {key} not found")))
}

/// `GET /users/{uuid|username}`, and `GET /users/me` for the token's own user.
async fn one(
    State(state): Shared,
    uri: OriginalUri,
    Extension(caller): Extension<Caller>,
    Path(key): Path<String>,
) -> Answer {
    let started = Instant::now();
    let entity = if key == "me" {
        match caller.0 {
            Holder::Admin => admin_entity(),
            Holder::User(uuid) => find(&state, &uuid)?.to_json(),
            Holder::Client => {
                return Err(UgError::not_found(
                    "An application token has no user of its own",
                ))
            }
        }
    } else {
        find(&state, &key)?.to_json()
    };
    Ok(envelope(&state, "get", &uri, vec![entity], None, started))
}

/// `GET /users/{user}/devices`.
async fn devices(State(state): Shared, uri: OriginalUri, Path(key): Path<String>) -> Answer {
    let started = Instant::now();
    let user = find(&state, &key)?;
    let devices = state.usergrid().devices(&user.uuid)?;
    let entities = devices.iter().map(|d| d.to_json()).collect();
    Ok(envelope(&state, "get", &uri, entities, None, started))
}

/// What a `PUT /users/{user}` changes.
#[derive(Debug, Default, PartialEq)]
struct Changes {
    /// Text properties to set (None clears one).
    texts: Vec<(&'static str, Option<String>)>,
    disabled: Option<bool>,
    activated: Option<bool>,
}

/// The changes `fields` ask of `user`: every documented property is taken, one the server
/// keeps itself is ignored (a whole entity sent back), and anything else is refused with the
/// reason, so nothing sent is dropped without a word.
fn changes(fields: &Map<String, Value>, user: &User) -> Result<Changes, UgError> {
    let bad = |why: String| UgError::bad("illegal_argument", why);
    let mut changes = Changes::default();
    for (name, value) in fields {
        let name = name.as_str();
        if let Some(&property) = TEXT_PROPERTIES.iter().find(|p| **p == name) {
            let text = match value {
                Value::String(text) => Some(text.clone()),
                Value::Null if property != "username" => None,
                _ => return Err(bad(format!("{name} must be text"))),
            };
            if property == "username" && text.as_deref().is_none_or(|t| t.trim().is_empty()) {
                return Err(bad("username must not be empty".into()));
            }
            changes.texts.push((property, text));
            continue;
        }
        match (name, value) {
            ("disabled", Value::Bool(b)) => changes.disabled = Some(*b),
            ("activated", Value::Bool(b)) => changes.activated = Some(*b),
            ("disabled" | "activated", _) => {
                return Err(bad(format!("{name} must be true or false")))
            }
            ("uuid", Value::String(uuid)) if *uuid == user.uuid => {}
            ("uuid", _) => return Err(bad("uuid cannot be changed".into())),
            ("password", _) => {
                return Err(bad(
                    "password cannot be set here: a password is changed with \
                     PUT /users/{user}/password, which this sandbox does not have"
                        .into(),
                ))
            }
            (name, _) if SERVER_PROPERTIES.contains(&name) => {}
            (name, _) => {
                return Err(bad(format!(
                    "{name} is not a user property this sandbox keeps (it keeps {}, activated \
                     and disabled)",
                    TEXT_PROPERTIES.join(", ")
                )))
            }
        }
    }
    if changes == Changes::default() {
        return Err(bad(format!(
            "Send a property to change: {}, activated or disabled",
            TEXT_PROPERTIES.join(", ")
        )));
    }
    Ok(changes)
}

/// `PUT /users/{user}` with the properties to change (a whole entity, or only some): the
/// updated user.
async fn update(
    State(state): Shared,
    uri: OriginalUri,
    Path(key): Path<String>,
    body: Bytes,
) -> Answer {
    let started = Instant::now();
    let fields = object(&body)?;
    let user = find(&state, &key)?;
    let Changes {
        texts,
        disabled,
        activated,
    } = changes(&fields, &user)?;
    let renamed = texts
        .iter()
        .find_map(|(p, t)| (*p == "username").then_some(t.as_deref()));
    if let Some(Some(taken)) = renamed {
        if state
            .usergrid()
            .user(taken)?
            .is_some_and(|u| u.uuid != user.uuid)
        {
            return Err(UgError::bad(
                "duplicate_unique_property_exists",
                format!("Entity user requires that property named username be unique, value of {taken} exists"),
            ));
        }
    }
    // Activating again clears the deactivation.
    let deactivated = (activated == Some(true)).then_some(None);
    let now = state.clock.now_precise().timestamp_millis();
    {
        let store = state.usergrid();
        store.set_texts(&user.uuid, &texts)?;
        store.update(&user.uuid, disabled, activated, deactivated, now)?;
    }
    let fresh = find(&state, &user.uuid)?;
    Ok(envelope(
        &state,
        "put",
        &uri,
        vec![fresh.to_json()],
        None,
        started,
    ))
}

/// `POST /users/{user}/deactivate`: not activated any more, and every token ended.
async fn deactivate(State(state): Shared, uri: OriginalUri, Path(key): Path<String>) -> Answer {
    let started = Instant::now();
    let user = find(&state, &key)?;
    let now = state.clock.now_precise().timestamp_millis();
    {
        let store = state.usergrid();
        store.update(&user.uuid, None, Some(false), Some(Some(now)), now)?;
        store.revoke_tokens(&user.uuid)?;
    }
    let fresh = find(&state, &user.uuid)?;
    Ok(envelope(
        &state,
        "Deactivate user",
        &uri,
        vec![fresh.to_json()],
        None,
        started,
    ))
}

/// `PUT /users/{user}/revoketokens`: the user's tokens stop working at once.
async fn revoke_tokens(State(state): Shared, uri: OriginalUri, Path(key): Path<String>) -> Answer {
    let started = Instant::now();
    let user = find(&state, &key)?;
    state.usergrid().revoke_tokens(&user.uuid)?;
    Ok(envelope(
        &state,
        "revoked user tokens",
        &uri,
        Vec::new(),
        None,
        started,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_and_strangers_are_refused() {
        assert_eq!(offset_of(&cursor_at(1234)).unwrap(), 1234);
        for bad in ["", "xyz", "dWc6LTE", "%%%"] {
            assert!(offset_of(bad).is_err(), "{bad}");
        }
    }
}
