//! The JourneyApps Backend API v4 routes: users, sessions, actions, batch and display names.

use super::db::{self, Page, SignOut, Store};
use super::error::{ApiError, ErrorType};
use crate::state::AppState;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Serialize;
use serde_json::{Map, Value};
use std::collections::HashMap;
use std::sync::{Arc, MutexGuard};

/// The most objects one page may hold, and the most operations one batch may hold.
pub const MAX_PAGE: u64 = 1000;
pub const MAX_BATCH: usize = 1000;

type Shared = State<Arc<AppState>>;
type ApiResult<T> = Result<T, ApiError>;

/// Routes under `/api/v4/{deployment}`; authentication and rate limiting wrap them in `server`.
pub fn routes() -> Router<Arc<AppState>> {
    Router::new()
        .route("/v4/{dep}/users", get(list_users))
        .route("/v4/{dep}/users/{user}", get(get_user))
        .route(
            "/v4/{dep}/users/{user}/sessions/{session}",
            get(get_session),
        )
        .route("/v4/{dep}/users/{user}/lock", post(lock))
        .route("/v4/{dep}/users/{user}/unlock", post(unlock))
        .route("/v4/{dep}/users/{user}/sessions/{session}/wipe", post(wipe))
        .route(
            "/v4/{dep}/users/{user}/sessions/{session}/re-authenticate",
            post(reauthenticate),
        )
        .route(
            "/v4/{dep}/users/{user}/authentication-token",
            post(authentication_token),
        )
        .route("/v4/{dep}/batch.json", post(batch))
        .route("/v4/{dep}/objects/user.json", get(list_user_objects))
        .route("/v4/{dep}/objects/user/{file}", get(get_user_object))
        .fallback(route_error)
        .method_not_allowed_fallback(route_error)
}

/// Any path or method the API does not have.
pub async fn route_error() -> ApiError {
    ApiError::new(ErrorType::RouteError, "No such API route")
}

/// The listing envelope: `total`, `count`, `more`, `objects`.
#[derive(Serialize)]
struct Listing<T> {
    total: u64,
    count: usize,
    more: bool,
    objects: Vec<T>,
}

impl<T> Listing<T> {
    fn new(page: Page<T>, skip: u64) -> Self {
        let count = page.objects.len();
        Listing {
            total: page.total,
            count,
            more: skip + (count as u64) < page.total,
            objects: page.objects,
        }
    }
}

/// Reads `skip` and `limit` (at most 1000; 1000 when absent).
pub fn paging(query: &HashMap<String, String>) -> ApiResult<(u64, u64)> {
    let number = |name: &str, default: u64| -> ApiResult<u64> {
        match query.get(name) {
            None => Ok(default),
            Some(text) => text.trim().parse::<u64>().map_err(|_| {
                ApiError::invalid_request(format!("{name} must be a non-negative integer"))
            }),
        }
    };
    let skip = number("skip", 0)?;
    let limit = number("limit", MAX_PAGE)?;
    // SQLite counts in i64: a larger skip would wrap around to the first page.
    if i64::try_from(skip).is_err() {
        return Err(ApiError::invalid_value(format!(
            "skip must be at most {}",
            i64::MAX
        )));
    }
    if limit > MAX_PAGE {
        return Err(ApiError::invalid_value(format!(
            "limit must be at most {MAX_PAGE}"
        )));
    }
    Ok((skip, limit))
}

fn query_or_error(
    query: Result<Query<HashMap<String, String>>, axum::extract::rejection::QueryRejection>,
) -> ApiResult<HashMap<String, String>> {
    query
        .map(|Query(q)| q)
        .map_err(|_| ApiError::invalid_request("The query string is malformed"))
}

fn store(state: &AppState) -> MutexGuard<'_, Store> {
    state.journeyapps()
}

async fn list_users(
    State(state): Shared,
    query: Result<Query<HashMap<String, String>>, axum::extract::rejection::QueryRejection>,
) -> ApiResult<Response> {
    let (skip, limit) = paging(&query_or_error(query)?)?;
    let page = store(&state).list_users(skip, limit)?;
    Ok(Json(Listing::new(page, skip)).into_response())
}

async fn list_user_objects(
    State(state): Shared,
    query: Result<Query<HashMap<String, String>>, axum::extract::rejection::QueryRejection>,
) -> ApiResult<Response> {
    let (skip, limit) = paging(&query_or_error(query)?)?;
    let page = store(&state).list_user_objects(skip, limit)?;
    Ok(Json(Listing::new(page, skip)).into_response())
}

/// `GET /objects/user/{id}.json`: one data-model user object.
async fn get_user_object(
    State(state): Shared,
    Path((_, file)): Path<(String, String)>,
) -> ApiResult<Response> {
    let Some(id) = file.strip_suffix(".json") else {
        return Err(route_error().await);
    };
    Ok(Json(store(&state).user_object(id)?).into_response())
}

async fn get_user(
    State(state): Shared,
    Path((_, user)): Path<(String, String)>,
) -> ApiResult<Response> {
    Ok(Json(store(&state).user(&user)?).into_response())
}

async fn get_session(
    State(state): Shared,
    Path((_, user, session)): Path<(String, String, String)>,
) -> ApiResult<Response> {
    Ok(Json(store(&state).session(&user, &session)?).into_response())
}

/// Parses a JSON object body; an empty or non-object body is an invalid request.
pub fn json_object(body: &[u8]) -> ApiResult<Map<String, Value>> {
    match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(map)) => Ok(map),
        Ok(_) => Err(ApiError::invalid_request(
            "The request body must be a JSON object",
        )),
        Err(_) if body.iter().all(u8::is_ascii_whitespace) => {
            Err(ApiError::invalid_request("The request body is missing"))
        }
        Err(_) => Err(ApiError::invalid_request(
            "The request body is not valid JSON",
        )),
    }
}

/// The required boolean `wipe` of a lock.
fn wipe_flag(fields: &Map<String, Value>) -> ApiResult<bool> {
    match fields.get("wipe") {
        None => Err(ApiError::invalid_request("The parameter wipe is required")),
        Some(Value::Bool(wipe)) => Ok(*wipe),
        Some(_) => Err(ApiError::invalid_value("wipe must be true or false")),
    }
}

async fn lock(
    State(state): Shared,
    Path((_, user)): Path<(String, String)>,
    body: Bytes,
) -> ApiResult<StatusCode> {
    let wipe = wipe_flag(&json_object(&body)?)?;
    let now = crate::clock::format(state.clock.now());
    store(&state).transaction(|tx| db::lock_user(tx, &user, wipe, &now))?;
    Ok(StatusCode::NO_CONTENT)
}

async fn unlock(
    State(state): Shared,
    Path((_, user)): Path<(String, String)>,
) -> ApiResult<StatusCode> {
    store(&state).transaction(|tx| db::unlock_user(tx, &user))?;
    Ok(StatusCode::NO_CONTENT)
}

async fn wipe(
    State(state): Shared,
    Path((_, user, session)): Path<(String, String, String)>,
) -> ApiResult<StatusCode> {
    sign_out(&state, &user, &session, SignOut::Wipe)
}

async fn reauthenticate(
    State(state): Shared,
    Path((_, user, session)): Path<(String, String, String)>,
) -> ApiResult<StatusCode> {
    sign_out(&state, &user, &session, SignOut::ReAuthenticate)
}

fn sign_out(state: &AppState, user: &str, session: &str, how: SignOut) -> ApiResult<StatusCode> {
    let now = crate::clock::format(state.clock.now());
    store(state).transaction(|tx| db::sign_out_session(tx, user, session, how, &now))?;
    Ok(StatusCode::NO_CONTENT)
}

/// The `{"token","url"}` answer of an enrollment-token request.
#[derive(Serialize)]
struct IssuedToken {
    token: String,
    url: String,
}

async fn authentication_token(
    State(state): Shared,
    Path((_, user)): Path<(String, String)>,
) -> ApiResult<Response> {
    let origin = &state.public_origin;
    let issued = store(&state).transaction(|tx| issue_token(&state, tx, &user, origin))?;
    Ok(Json(issued).into_response())
}

fn issue_token(
    state: &AppState,
    conn: &rusqlite::Connection,
    user: &str,
    origin: &str,
) -> ApiResult<IssuedToken> {
    let now = state.clock.now();
    let expires = now + chrono::Duration::seconds(state.config.token_ttl);
    let (now, expires) = (crate::clock::format(now), crate::clock::format(expires));
    let token = loop {
        let candidate = state.new_enrollment_token();
        if db::create_token(conn, user, &candidate, &now, &expires)? {
            break candidate;
        }
    };
    let url = enrollment_url(origin, &token);
    Ok(IssuedToken { token, url })
}

/// The URL an enrollment code carries: the sandbox's own enrollment page, shaped like
/// JourneyApps' `…/enroll?h=HOST&k=TOKEN&t=j`.
pub fn enrollment_url(origin: &str, token: &str) -> String {
    let host = origin.split("://").nth(1).unwrap_or(origin);
    format!("{origin}/sandbox/enroll?h={host}&k={token}&t=j")
}

/// One validated batch operation.
#[derive(Debug, Clone, PartialEq)]
pub enum Operation {
    Lock { user_id: String, wipe: bool },
    Unlock { user_id: String },
    WipeSession { user_id: String, session_id: String },
    ReAuthenticate { user_id: String, session_id: String },
    AuthenticationToken { user_id: String },
}

impl Operation {
    /// Validates one element of `operations`; `index` names it in the error.
    pub fn parse(index: usize, value: &Value) -> ApiResult<Operation> {
        let bad = |what: &str| ApiError::invalid_request(format!("operations[{index}]: {what}"));
        let fields = value.as_object().ok_or_else(|| bad("must be an object"))?;
        let text = |name: &str| -> ApiResult<String> {
            match fields.get(name) {
                Some(Value::String(s)) if !s.is_empty() => Ok(s.clone()),
                _ => Err(bad(&format!("{name} is required"))),
            }
        };
        let method = text("method")?;
        Ok(match method.as_str() {
            "users/lock" => Operation::Lock {
                user_id: text("user_id")?,
                wipe: wipe_flag(fields).map_err(|e| bad(&e.detail))?,
            },
            "users/unlock" => Operation::Unlock {
                user_id: text("user_id")?,
            },
            "users/sessions/wipe" => Operation::WipeSession {
                user_id: text("user_id")?,
                session_id: text("session_id")?,
            },
            "users/sessions/re-authenticate" => Operation::ReAuthenticate {
                user_id: text("user_id")?,
                session_id: text("session_id")?,
            },
            "users/authentication-token" => Operation::AuthenticationToken {
                user_id: text("user_id")?,
            },
            other => return Err(bad(&format!("unknown method {other}"))),
        })
    }

    fn echo(&self) -> Map<String, Value> {
        let mut out = Map::new();
        let (method, user_id) = match self {
            Operation::Lock { user_id, wipe } => {
                out.insert("wipe".into(), Value::Bool(*wipe));
                ("users/lock", user_id)
            }
            Operation::Unlock { user_id } => ("users/unlock", user_id),
            Operation::WipeSession {
                user_id,
                session_id,
            } => {
                out.insert("session_id".into(), session_id.clone().into());
                ("users/sessions/wipe", user_id)
            }
            Operation::ReAuthenticate {
                user_id,
                session_id,
            } => {
                out.insert("session_id".into(), session_id.clone().into());
                ("users/sessions/re-authenticate", user_id)
            }
            Operation::AuthenticationToken { user_id } => ("users/authentication-token", user_id),
        };
        out.insert("method".into(), method.into());
        out.insert("user_id".into(), user_id.clone().into());
        out
    }
}

/// Validates a whole batch request: anything malformed rejects all of it, so nothing runs.
pub fn parse_batch(body: &[u8]) -> ApiResult<(Vec<Operation>, bool)> {
    let fields = json_object(body)?;
    let operations = match fields.get("operations") {
        Some(Value::Array(ops)) => ops,
        _ => return Err(ApiError::invalid_request("operations must be an array")),
    };
    if operations.len() > MAX_BATCH {
        return Err(ApiError::invalid_request(format!(
            "A batch holds at most {MAX_BATCH} operations; this one has {}",
            operations.len()
        )));
    }
    let stop_on_error = match fields.get("stop_on_error") {
        None | Some(Value::Null) => false,
        Some(Value::Bool(b)) => *b,
        Some(_) => {
            return Err(ApiError::invalid_value(
                "stop_on_error must be true or false",
            ))
        }
    };
    let parsed = operations
        .iter()
        .enumerate()
        .map(|(i, op)| Operation::parse(i, op))
        .collect::<ApiResult<Vec<_>>>()?;
    Ok((parsed, stop_on_error))
}

async fn batch(State(state): Shared, body: Bytes) -> ApiResult<Response> {
    let (operations, stop_on_error) = parse_batch(&body)?;
    let origin = &state.public_origin;
    let now = crate::clock::format(state.clock.now());
    let results = store(&state).transaction(|tx| {
        let mut failed = false;
        let results = operations
            .iter()
            .map(|op| {
                let mut out = op.echo();
                let outcome = if failed && stop_on_error {
                    Err(ApiError::new(
                        ErrorType::NotExecuted,
                        "Not executed: an earlier operation failed",
                    ))
                } else {
                    run_operation(&state, tx, op, &now, origin)
                };
                match outcome {
                    Ok(extra) => {
                        out.insert("success".into(), Value::Bool(true));
                        out.extend(extra);
                    }
                    Err(err) => {
                        failed = true;
                        out.insert("success".into(), Value::Bool(false));
                        out.insert(
                            "error".into(),
                            serde_json::to_value(err.body()).unwrap_or_default(),
                        );
                    }
                }
                Value::Object(out)
            })
            .collect::<Vec<_>>();
        Ok(results)
    })?;
    Ok(
        Json(serde_json::json!({ "stop_on_error": stop_on_error, "operations": results }))
            .into_response(),
    )
}

fn run_operation(
    state: &AppState,
    tx: &rusqlite::Connection,
    op: &Operation,
    now: &str,
    origin: &str,
) -> ApiResult<Map<String, Value>> {
    match op {
        Operation::Lock { user_id, wipe } => db::lock_user(tx, user_id, *wipe, now)?,
        Operation::Unlock { user_id } => db::unlock_user(tx, user_id)?,
        Operation::WipeSession {
            user_id,
            session_id,
        } => db::sign_out_session(tx, user_id, session_id, SignOut::Wipe, now)?,
        Operation::ReAuthenticate {
            user_id,
            session_id,
        } => db::sign_out_session(tx, user_id, session_id, SignOut::ReAuthenticate, now)?,
        Operation::AuthenticationToken { user_id } => {
            let issued = issue_token(state, tx, user_id, origin)?;
            let mut extra = Map::new();
            extra.insert("token".into(), issued.token.into());
            extra.insert("url".into(), issued.url.into());
            return Ok(extra);
        }
    }
    Ok(Map::new())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn query(pairs: &[(&str, &str)]) -> HashMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn paging_defaults_and_limits() {
        assert_eq!(paging(&query(&[])).unwrap(), (0, 1000));
        assert_eq!(
            paging(&query(&[("limit", "2"), ("skip", "40")])).unwrap(),
            (40, 2)
        );
        assert_eq!(paging(&query(&[("limit", "1000")])).unwrap(), (0, 1000));
        assert_eq!(
            paging(&query(&[("limit", "1001")])).unwrap_err().kind,
            ErrorType::InvalidValue
        );
        assert_eq!(
            paging(&query(&[("skip", "-1")])).unwrap_err().kind,
            ErrorType::InvalidApiRequest
        );
        assert_eq!(
            paging(&query(&[("limit", "ten")])).unwrap_err().kind,
            ErrorType::InvalidApiRequest
        );
    }

    #[test]
    fn batch_parses_the_five_documented_operations() {
        let body = br#"{"operations":[
            {"method":"users/lock","user_id":"u1","wipe":true},
            {"method":"users/unlock","user_id":"u1"},
            {"method":"users/sessions/wipe","user_id":"u1","session_id":"s1"},
            {"method":"users/sessions/re-authenticate","user_id":"u1","session_id":"s2"},
            {"method":"users/authentication-token","user_id":"u2"}
        ],"stop_on_error":true}"#;
        let (ops, stop) = parse_batch(body).unwrap();
        assert!(stop);
        assert_eq!(
            ops[0],
            Operation::Lock {
                user_id: "u1".into(),
                wipe: true
            }
        );
        assert_eq!(
            ops[3],
            Operation::ReAuthenticate {
                user_id: "u1".into(),
                session_id: "s2".into()
            }
        );
        assert_eq!(ops.len(), 5);
    }

    #[test]
    fn batch_rejects_malformed_requests_whole() {
        let cases: &[&[u8]] = &[
            b"",
            b"not json",
            br#"{"operations": {}}"#,
            br#"{"operations":[{"method":"users/lock","user_id":"u1"}]}"#,
            br#"{"operations":[{"method":"users/delete","user_id":"u1"}]}"#,
            br#"{"operations":[{"method":"users/sessions/wipe","user_id":"u1"}]}"#,
        ];
        for body in cases {
            assert_eq!(
                parse_batch(body).unwrap_err().kind,
                ErrorType::InvalidApiRequest,
                "{}",
                String::from_utf8_lossy(body)
            );
        }
    }

    #[test]
    fn batch_allows_1000_operations_and_no_more() {
        let op = serde_json::json!({"method":"users/unlock","user_id":"u"});
        let body = |n: usize| {
            serde_json::to_vec(&serde_json::json!({"operations": vec![op.clone(); n]})).unwrap()
        };
        assert_eq!(parse_batch(&body(1000)).unwrap().0.len(), 1000);
        assert_eq!(
            parse_batch(&body(1001)).unwrap_err().kind,
            ErrorType::InvalidApiRequest
        );
    }
}
