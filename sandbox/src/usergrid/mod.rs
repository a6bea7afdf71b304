//! Apache Usergrid's users and devices at `/usergrid/roster/sandbox` (organization `roster`,
//! application `sandbox`; API.md sections 4 and 5): tokens by password or client credentials,
//! users queried with `ql` and paged by cursor, devices, disable/enable, deactivate and
//! revoketokens.

pub mod api;
pub mod demo;
pub mod error;
pub mod ql;
pub mod store;

use crate::gate::{self, Api};
use crate::state::AppState;
use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, Method};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use error::UgError;
use std::sync::Arc;
use store::{Holder, Refusal};

pub use store::Store;

pub const ORGANIZATION: &str = "roster";
pub const APPLICATION: &str = "sandbox";
/// Where the API lives in the sandbox: `/usergrid/{org}/{app}`.
pub const MOUNT: &str = "/usergrid/roster/sandbox";

/// Whose token a request carries.
#[derive(Debug, Clone)]
pub struct Caller(pub Holder);

/// The holder of a request's bearer token, or the error to answer.
pub fn caller(state: &AppState, headers: &HeaderMap) -> Result<Holder, UgError> {
    let token = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().split_once(' '))
        .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
        .map(|(_, token)| token.trim())
        .filter(|t| !t.is_empty())
        .ok_or_else(|| UgError::unauthorized("Send a token (Authorization: Bearer <token>)"))?;
    let now = state.clock.now().timestamp();
    match state.usergrid().holder(token, now)? {
        Ok(holder) => Ok(holder),
        Err(Refusal::Expired) => Err(UgError::unauthorized("The token has expired")),
        Err(Refusal::UserBlocked) => Err(UgError::unauthorized(
            "The token's user is disabled or not activated",
        )),
        Err(Refusal::Unknown) => Err(UgError::unauthorized("The token is not valid")),
    }
}

/// In front of every route: the rate limit, then the token (but for `/token`; a user's token
/// reads only `/users/me`), then any injected fault.
pub async fn gate(
    State(state): State<Arc<AppState>>,
    mut request: Request,
    next: Next,
) -> Response {
    if let Some(refused) = gate::over_limit(&state, Api::Usergrid) {
        return refused;
    }
    let path = request.uri().path();
    let path = path.strip_prefix(MOUNT).unwrap_or(path).to_string();
    let is_token = request.method() == Method::POST && path == "/token";
    if !is_token {
        let holder = match caller(&state, request.headers()) {
            Ok(holder) => holder,
            Err(err) => return err.into_response(),
        };
        let own = request.method() == Method::GET && path == "/users/me";
        if matches!(holder, Holder::User(_)) && !own {
            return UgError::unauthorized("A user's token may read only /users/me").into_response();
        }
        request.extensions_mut().insert(Caller(holder));
    }
    gate::pass(&state, Api::Usergrid, request, next).await
}

/// Fills an empty database with `count` demo users and their devices.
pub fn seed(store: &mut Store, count: u32) -> rusqlite::Result<()> {
    if store.user_count()? == 0 && count > 0 {
        let (users, devices) = demo::generate(count, chrono::Utc::now());
        store.insert(&users, &devices)?;
    }
    Ok(())
}
