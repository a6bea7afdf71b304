//! The routes under `/core/api/admin/v1/authenticated-sessions`: `list`, `user-sessions/{guid}`
//! and `revoke`, paged and answered as API.md section 5 decides.

use super::error::ErrorBody;
use super::store::{session_json, Listed};
use crate::state::AppState;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde_json::{json, Value};
use std::sync::Arc;

type Shared = State<Arc<AppState>>;
type Answer = Result<Response, ErrorBody>;

/// `pageSize` when the query has none, and the most it may be.
pub const DEFAULT_PAGE_SIZE: i64 = 50;
pub const MAX_PAGE_SIZE: i64 = 500;

/// The routes below the API's base; the gate in front of them checks the token.
pub fn routes() -> Router<Arc<AppState>> {
    Router::new()
        .route("/v1/authenticated-sessions/list", get(list))
        .route(
            "/v1/authenticated-sessions/user-sessions/{guid}",
            get(user_sessions),
        )
        .route("/v1/authenticated-sessions/revoke", post(revoke))
        .fallback(no_route)
        .method_not_allowed_fallback(no_method)
}

async fn no_route() -> ErrorBody {
    ErrorBody::for_status(StatusCode::NOT_FOUND, "No such API route")
}

async fn no_method() -> ErrorBody {
    ErrorBody::for_status(
        StatusCode::METHOD_NOT_ALLOWED,
        "This route does not take that method",
    )
}

fn invalid_paging(message: &str) -> ErrorBody {
    ErrorBody::new(StatusCode::BAD_REQUEST, "err_InvalidPaging", message)
}

/// Reads `page` (from 1) and `pageSize` (1 to 500, 50 when absent) into a skip and a take.
pub fn paging(uri: &Uri) -> Result<(i64, i64), ErrorBody> {
    let (mut page, mut size) = (1i64, DEFAULT_PAGE_SIZE);
    for pair in uri
        .query()
        .unwrap_or("")
        .split('&')
        .filter(|p| !p.is_empty())
    {
        let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
        let number = || value.parse::<i64>().ok();
        match name {
            "page" => page = number().ok_or_else(|| invalid_paging("page must be an integer"))?,
            "pageSize" => {
                size = number().ok_or_else(|| invalid_paging("pageSize must be an integer"))?
            }
            _ => {}
        }
    }
    if page < 1 {
        return Err(invalid_paging("page starts at 1"));
    }
    if !(1..=MAX_PAGE_SIZE).contains(&size) {
        return Err(invalid_paging("pageSize must be from 1 to 500"));
    }
    // Within i64: the page is at most i64::MAX, the size at most 500.
    let skip = (page - 1)
        .checked_mul(size)
        .ok_or_else(|| invalid_paging("page is too large"))?;
    Ok((skip, size))
}

fn envelope(items: Vec<Value>, skip: i64, size: i64, total: u64) -> Response {
    Json(json!({
        "Items": items,
        "Page": skip / size + 1,
        "PageSize": size,
        "TotalCount": total,
    }))
    .into_response()
}

/// `GET …/list`: the users with active sessions, by name then guid.
async fn list(State(state): Shared, uri: Uri) -> Answer {
    let (skip, size) = paging(&uri)?;
    let now = state.clock.now().timestamp();
    let (users, total) = state.authsessions().list(now, skip, size)?;
    let items = users.iter().map(Listed::to_json).collect();
    Ok(envelope(items, skip, size, total))
}

/// Whether `text` is a guid: 8-4-4-4-12 hexadecimal digits.
pub fn is_guid(text: &str) -> bool {
    let groups: Vec<&str> = text.split('-').collect();
    groups.len() == 5
        && groups
            .iter()
            .zip([8, 4, 4, 4, 12])
            .all(|(g, n)| g.len() == n && g.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// `GET …/user-sessions/{guid}`: a user's active sessions, the latest updated first.
async fn user_sessions(State(state): Shared, uri: Uri, Path(guid): Path<String>) -> Answer {
    if !is_guid(&guid) {
        return Err(ErrorBody::new(
            StatusCode::BAD_REQUEST,
            "err_InvalidGuid",
            "The user guid is malformed",
        ));
    }
    let (skip, size) = paging(&uri)?;
    let guid = guid.to_lowercase();
    let store = state.authsessions();
    let Some(user) = store.user(&guid)? else {
        return Err(ErrorBody::new(
            StatusCode::NOT_FOUND,
            "err_UserNotFound",
            "No user has this guid",
        ));
    };
    let now = state.clock.now().timestamp();
    let (sessions, total) = store.sessions_of(&guid, now, skip, size)?;
    let items = sessions.iter().map(|s| session_json(&user, s)).collect();
    Ok(envelope(items, skip, size, total))
}

/// `POST …/revoke {"Session": <ID>}`: the session stops being active.
async fn revoke(State(state): Shared, body: Bytes) -> Answer {
    let id = match serde_json::from_slice::<Value>(&body) {
        Ok(Value::Object(fields)) => fields.get("Session").and_then(Value::as_i64),
        _ => None,
    };
    let Some(id) = id else {
        return Err(ErrorBody::new(
            StatusCode::BAD_REQUEST,
            "err_InvalidRequest",
            "The body must be a JSON object with an integer Session",
        ));
    };
    let now = state.clock.now().timestamp();
    if !state.authsessions().revoke(id, now)? {
        return Err(ErrorBody::new(
            StatusCode::NOT_FOUND,
            "err_NoActiveSession",
            "No active session was found for the provided session ID",
        ));
    }
    Ok(Json(json!({ "Success": true })).into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn guids_have_their_five_groups() {
        assert!(is_guid("83bde819-ec08-4cee-b635-884145630d0b"));
        assert!(is_guid("83BDE819-EC08-4CEE-B635-884145630D0B"));
        for bad in [
            "",
            "83bde819",
            "83bde819-ec08-4cee-b635-884145630d0",
            "83bde819-ec08-4cee-b635-884145630d0bx",
            "g3bde819-ec08-4cee-b635-884145630d0b",
        ] {
            assert!(!is_guid(bad), "{bad}");
        }
    }

    #[test]
    fn paging_is_one_based_and_bounded() {
        let at = |q: &str| paging(&format!("/x?{q}").parse().unwrap());
        assert_eq!(at("").unwrap(), (0, 50));
        assert_eq!(at("page=3&pageSize=20").unwrap(), (40, 20));
        assert_eq!(at("pageSize=500").unwrap(), (0, 500));
        for bad in [
            "page=0",
            "page=-1",
            "pageSize=0",
            "pageSize=501",
            "page=x",
            "pageSize=2.5",
            "page=9223372036854775807&pageSize=500",
        ] {
            assert_eq!(at(bad).unwrap_err().code, "err_InvalidPaging", "{bad}");
        }
    }
}
