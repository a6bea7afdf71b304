//! The "authenticated sessions" admin API at `/core/api/admin` (API.md sections 3 and 5):
//! which users are signed in, on what phone, OS and app, and revoking a session; paged as
//! decided, with errors as `{"Error": "err_…", "Message"}`.

pub mod api;
pub mod demo;
pub mod error;
pub mod store;

use crate::gate::{self, Api};
use crate::state::{same_secret, AppState};
use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use error::ErrorBody;
use std::sync::Arc;

pub use store::Store;

/// Where the API lives in the sandbox.
pub const MOUNT: &str = "/core/api/admin";

/// True if the request carries `Authorization: Bearer {--api-token}`.
pub fn authorized(state: &AppState, headers: &HeaderMap) -> bool {
    headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().split_once(' '))
        .is_some_and(|(scheme, token)| {
            scheme.eq_ignore_ascii_case("bearer")
                && same_secret(token.trim(), &state.config.api_token)
        })
}

/// In front of every route: the rate limit, then the token, then any injected fault.
pub async fn gate(State(state): State<Arc<AppState>>, request: Request, next: Next) -> Response {
    if let Some(refused) = gate::over_limit(&state, Api::AuthSessions) {
        return refused;
    }
    if !authorized(&state, request.headers()) {
        return ErrorBody::new(
            StatusCode::UNAUTHORIZED,
            "err_Unauthorized",
            "Send the API token (Authorization: Bearer <token>)",
        )
        .into_response();
    }
    gate::pass(&state, Api::AuthSessions, request, next).await
}

/// Fills an empty database with `count` demo users and their sessions.
pub fn seed(store: &mut Store, count: u32) -> rusqlite::Result<()> {
    if store.user_count()? == 0 && count > 0 {
        let (users, sessions) = demo::generate(count, chrono::Utc::now());
        store.insert(&users, &sessions)?;
    }
    Ok(())
}
