//! The JourneyApps Backend API v4 at `/api/v4/{deployment}` (API.md section 1): users and
//! their sessions, lock, wipe, re-authenticate, enrollment tokens, batch, and the data model's
//! user objects for display names.

pub mod api;
pub mod db;
pub mod demo;
pub mod error;

use crate::gate::{self, Api};
use crate::state::{same_secret, AppState};
use axum::extract::{Request, State};
use axum::http::{header, HeaderMap};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use base64::Engine;
use error::{ApiError, ErrorType};
use std::sync::Arc;

/// True if the request carries the Named Token or the Basic credentials of this deployment.
pub fn authorized(state: &AppState, headers: &HeaderMap) -> bool {
    let Some(value) = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
    else {
        return false;
    };
    let Some((scheme, credentials)) = value.trim().split_once(' ') else {
        return false;
    };
    let credentials = credentials.trim();
    if scheme.eq_ignore_ascii_case("bearer") {
        credentials
            .strip_prefix("O:")
            .is_some_and(|token| same_secret(token, &state.config.api_token))
    } else if scheme.eq_ignore_ascii_case("basic") {
        let decoded = base64::engine::general_purpose::STANDARD.decode(credentials);
        let text = decoded.ok().and_then(|bytes| String::from_utf8(bytes).ok());
        text.as_deref()
            .and_then(|t| t.split_once(':'))
            .is_some_and(|(user, password)| {
                user == state.config.deployment_id
                    && same_secret(password, &state.config.api_password)
            })
    } else {
        false
    }
}

/// In front of every API route: the deployment must exist, then the rate limit, then the
/// credentials, then any injected fault.
pub async fn gate(State(state): State<Arc<AppState>>, request: Request, next: Next) -> Response {
    let path = request.uri().path();
    let path = path.strip_prefix("/api").unwrap_or(path);
    let mut parts = path.trim_start_matches('/').split('/');
    match (parts.next(), parts.next()) {
        (Some("v4"), Some(dep)) if !dep.is_empty() => {
            if dep != state.config.deployment_id {
                return ApiError::new(ErrorType::AccountNotFound, "No deployment with this id")
                    .into_response();
            }
        }
        _ => return api::route_error().await.into_response(),
    }
    if let Some(refused) = gate::over_limit(&state, Api::JourneyApps) {
        return refused;
    }
    if !authorized(&state, request.headers()) {
        return ApiError::new(
            ErrorType::AuthenticationFailed,
            "Send a Named Token (Authorization: Bearer O:<token>) or the deployment's Basic credentials",
        )
        .into_response();
    }
    gate::pass(&state, Api::JourneyApps, request, next).await
}
