//! The PORTOS sessions API at `/portos` (API.md sections 2 and 5): a point-of-sale system's
//! sessions, listed with NData, revoked by deleting them, and the console's own session behind
//! a login whose token expires and is refreshed.

pub mod api;
pub mod demo;
pub mod instant;
pub mod problem;
pub mod query;
pub mod store;

use crate::gate::{self, Api};
use crate::state::AppState;
use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, Method};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use problem::Problem;
use std::sync::Arc;
use store::{Refusal, Session};

pub use store::Store;

/// Where the API lives in the sandbox.
pub const MOUNT: &str = "/portos";

/// The session whose token a request carries.
#[derive(Debug, Clone)]
pub struct Caller(pub Session);

/// The routes that need no token: logging in and refreshing.
fn is_public(method: &Method, path: &str) -> bool {
    let path = path.strip_prefix(MOUNT).unwrap_or(path);
    method == Method::POST && (path == "/api/auth" || path == "/api/auth/refresh")
}

/// The bearer token of a request, if it has one.
fn bearer(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.trim().split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then_some(token.trim())
        .filter(|t| !t.is_empty())
}

/// The session a request's token belongs to, or the problem to answer.
pub fn caller(state: &AppState, headers: &HeaderMap) -> Result<Session, Problem> {
    let token = bearer(headers).ok_or_else(|| {
        Problem::unauthorized(
            "Unauthorized",
            "Send the token from the login (Authorization: Bearer <tokenId>)",
        )
    })?;
    let now = instant::ticks(state.clock.now_precise());
    match state.portos().caller(token, now)? {
        Ok(session) => Ok(session),
        Err(Refusal::Expired) => Err(Problem::unauthorized(
            "TokenExpired",
            "The token has expired: refresh it or log in again",
        )),
        Err(Refusal::Unknown) => Err(Problem::unauthorized(
            "InvalidToken",
            "The token is not valid (logged out, replaced by a refresh, or its session deleted)",
        )),
    }
}

/// In front of every route: the rate limit, then the token (but for login and refresh), then
/// any injected fault.
pub async fn gate(
    State(state): State<Arc<AppState>>,
    mut request: Request,
    next: Next,
) -> Response {
    if let Some(refused) = gate::over_limit(&state, Api::Portos) {
        return refused;
    }
    if !is_public(request.method(), request.uri().path()) {
        match caller(&state, request.headers()) {
            Ok(session) => {
                request.extensions_mut().insert(Caller(session));
            }
            Err(problem) => return problem.into_response(),
        }
    }
    gate::pass(&state, Api::Portos, request, next).await
}

/// Fills an empty sessions table with `count` demo sessions.
pub fn seed(store: &mut Store, count: u32) -> rusqlite::Result<()> {
    if store.session_count()? == 0 && count > 0 {
        store.insert(&demo::generate(count, chrono::Utc::now()))?;
    }
    Ok(())
}
