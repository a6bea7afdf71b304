//! PORTOS' routes: login, refresh, logout and profile under `/api/auth`, and the sessions
//! listing, one session and its deletion under `/sessions` (API.md sections 2 and 5).

use super::instant;
use super::problem::{MemberError, Problem};
use super::query;
use super::store::{Session, Tokens};
use super::Caller;
use crate::state::AppState;
use axum::body::Bytes;
use axum::extract::{OriginalUri, Path, State};
use axum::http::{StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Extension, Json, Router};
use serde_json::{json, Map, Value};
use std::sync::Arc;

type Shared = State<Arc<AppState>>;
type Answer = Result<Response, Problem>;

/// How long after its end a session's tokens may still be refreshed.
const REFRESH_GRACE_SECONDS: i64 = 24 * 3600;
/// The only user that may log in.
pub const ADMIN: &str = "admin";

/// The routes under `/portos`; the gate in front of them checks tokens.
pub fn routes() -> Router<Arc<AppState>> {
    Router::new()
        .route("/api/auth", post(login).get(profile).delete(logout))
        .route("/api/auth/refresh", post(refresh))
        .route("/sessions", get(list))
        .route("/sessions/{id}", get(one).delete(delete))
        .fallback(no_route)
        .method_not_allowed_fallback(no_method)
}

async fn no_route() -> Problem {
    Problem::for_status(StatusCode::NOT_FOUND, "No such API route")
}

async fn no_method() -> Problem {
    Problem::for_status(
        StatusCode::METHOD_NOT_ALLOWED,
        "This route does not take that method",
    )
}

/// The body as a JSON object.
fn object(body: &[u8]) -> Result<Map<String, Value>, Problem> {
    match serde_json::from_slice(body) {
        Ok(Value::Object(fields)) => Ok(fields),
        _ => Err(Problem::bad_request(
            "The request body must be a JSON object",
        )),
    }
}

/// A member that must be a non-empty string.
fn required<'a>(
    fields: &'a Map<String, Value>,
    name: &'static str,
    errors: &mut Vec<MemberError>,
) -> &'a str {
    match fields.get(name).and_then(Value::as_str).map(str::trim) {
        Some(text) if !text.is_empty() => text,
        _ => {
            errors.push(MemberError {
                member_name: name,
                message: format!("The {name} field is required."),
                code: "Required",
            });
            ""
        }
    }
}

/// What the login and the profile say about the console's user and device.
fn user(device: &str) -> Value {
    json!({
        "id": 1,
        "name": "Administrator",
        "userName": ADMIN,
        "rights": ["Sessions.Read", "Sessions.Delete"],
        "device": { "name": device, "envName": "BackOffice" },
    })
}

/// New random tokens.
fn new_tokens(state: &AppState) -> Tokens {
    Tokens {
        token_id: state.random_text(40),
        refresh_token: state.random_text(64),
    }
}

/// `POST /api/auth {UserName, Password, DeviceName}`: a new session and its tokens.
async fn login(State(state): Shared, body: Bytes) -> Answer {
    let fields = object(&body)?;
    let mut errors = Vec::new();
    let user_name = required(&fields, "UserName", &mut errors);
    let device = required(&fields, "DeviceName", &mut errors);
    if !errors.is_empty() {
        return Err(Problem::validation(errors));
    }
    let password = fields.get("Password").and_then(Value::as_str).unwrap_or("");
    if user_name != ADMIN || !crate::state::same_secret(password, &state.config.api_password) {
        return Err(Problem::unauthorized(
            "InvalidCredentials",
            "The user name or password is wrong",
        ));
    }
    let device: String = device.chars().take(200).collect();
    let now = instant::ticks(state.clock.now_precise());
    let tokens = new_tokens(&state);
    let session = Session {
        session_id: state.random_text(32),
        user_name: ADMIN.into(),
        device_name: device.clone(),
        env_name: "BackOffice".into(),
        auth_type: "Bearer".into(),
        started_at: now,
        expires_at: now + state.portos_token_lifetime(),
        last_access_at: now,
        version: 1,
    };
    state.portos().sign_in(&session, &tokens)?;
    Ok(Json(json!({
        "tokenId": tokens.token_id,
        "refreshToken": tokens.refresh_token,
        "user": user(&device),
    }))
    .into_response())
}

/// `GET /api/auth`: the caller's session (decided: its id, when it ends, and its user).
async fn profile(Extension(caller): Extension<Caller>) -> Answer {
    let session = caller.0;
    Ok(Json(json!({
        "sessionId": session.session_id,
        "expiresAt": instant::format(session.expires_at),
        "user": user(&session.device_name),
    }))
    .into_response())
}

/// `DELETE /api/auth`: the caller's session ends.
async fn logout(State(state): Shared, Extension(caller): Extension<Caller>) -> Answer {
    state.portos().sign_out(&caller.0.session_id)?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// `POST /api/auth/refresh {tokenId, refreshToken}`: new tokens for the same session; the old
/// ones are refused from now on. Needs no Authorization header.
async fn refresh(State(state): Shared, body: Bytes) -> Answer {
    let fields = object(&body)?;
    let mut errors = Vec::new();
    let old = Tokens {
        token_id: required(&fields, "tokenId", &mut errors).to_string(),
        refresh_token: required(&fields, "refreshToken", &mut errors).to_string(),
    };
    if !errors.is_empty() {
        return Err(Problem::validation(errors));
    }
    let now = instant::ticks(state.clock.now_precise());
    let fresh = new_tokens(&state);
    let expires_at = now + state.portos_token_lifetime();
    let grace = REFRESH_GRACE_SECONDS * 10_000_000;
    if !state
        .portos()
        .refresh(&old, &fresh, now, expires_at, grace)?
    {
        return Err(Problem::unauthorized(
            "InvalidRefreshToken",
            "The tokens are not current, or the session has ended",
        ));
    }
    Ok(Json(json!({
        "tokenId": fresh.token_id,
        "refreshToken": fresh.refresh_token,
    }))
    .into_response())
}

/// `GET /sessions?…`: a page of sessions, or only their number with `$count=true`.
async fn list(State(state): Shared, uri: Uri) -> Answer {
    let query = query::parse(uri.query().unwrap_or(""))?;
    let store = state.portos();
    let total = store.count_matching(&query)?;
    if query.count {
        return Ok(Json(json!({ "count": 0, "totalCount": total })).into_response());
    }
    let items: Vec<Value> = store.list(&query)?.iter().map(Session::to_json).collect();
    Ok(Json(json!({ "items": items, "count": items.len(), "totalCount": total })).into_response())
}

fn not_found(id: &str, uri: &OriginalUri) -> Problem {
    Problem::not_found(
        "SessionNotFound",
        format!("No session with id {id}"),
        uri.path(),
    )
}

/// `GET /sessions/{id}`.
async fn one(State(state): Shared, uri: OriginalUri, Path(id): Path<String>) -> Answer {
    match state.portos().get(&id)? {
        Some(session) => Ok(Json(session.to_json()).into_response()),
        None => Err(not_found(&id, &uri)),
    }
}

/// `DELETE /sessions/{id}`: the deleted session, one version later; its token stops working.
async fn delete(State(state): Shared, uri: OriginalUri, Path(id): Path<String>) -> Answer {
    match state.portos().delete(&id)? {
        Some(session) => Ok(Json(session.to_json()).into_response()),
        None => Err(not_found(&id, &uri)),
    }
}
