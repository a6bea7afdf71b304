//! What every API of the sandbox shares in front of its routes: its own rate limit, the one
//! queue of injected faults, and errors in its own shape, including the framework's rejections.

use crate::authsessions::error::ErrorBody;
use crate::journeyapps::error::{ApiError, ErrorType};
use crate::portos::problem::Problem;
use crate::state::{AppState, FaultKind};
use crate::usergrid::error::UgError;
use axum::body::{Body, Bytes};
use axum::extract::Request;
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde_json::Value;

/// The most a listing's body may be when a fault rewrites it.
const REWRITE_LIMIT: usize = 64 * 1024 * 1024;

/// One of the APIs the sandbox serves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Api {
    JourneyApps,
    Portos,
    AuthSessions,
    Usergrid,
}

impl Api {
    pub const ALL: [Api; 4] = [
        Api::JourneyApps,
        Api::Portos,
        Api::AuthSessions,
        Api::Usergrid,
    ];

    /// Where the API lives.
    pub fn mount(self) -> &'static str {
        match self {
            Api::JourneyApps => "/api",
            Api::Portos => crate::portos::MOUNT,
            Api::AuthSessions => crate::authsessions::MOUNT,
            Api::Usergrid => crate::usergrid::MOUNT,
        }
    }

    /// The API a path belongs to.
    pub fn of_path(path: &str) -> Option<Api> {
        Api::ALL.into_iter().find(|api| under(path, api.mount()))
    }

    /// An error answer in the API's shape, for a status and what went wrong.
    pub fn error(self, status: StatusCode, detail: &str) -> Response {
        match self {
            Api::JourneyApps => {
                let mut response =
                    ApiError::new(ErrorType::for_status(status), detail).into_response();
                *response.status_mut() = status;
                response
            }
            Api::Portos => Problem::for_status(status, detail).into_response(),
            Api::AuthSessions => ErrorBody::for_status(status, detail).into_response(),
            Api::Usergrid => UgError::for_status(status, detail).into_response(),
        }
    }

    /// The error an injected fault of `kind` answers with.
    fn injected(self, kind: ErrorType) -> Response {
        const DETAIL: &str = "Injected by the sandbox for testing";
        match self {
            Api::JourneyApps => ApiError::new(kind, DETAIL).into_response(),
            api => api.error(kind.status(), DETAIL),
        }
    }

    /// The body of a MALFORMED fault: the start of a listing, cut short.
    fn malformed(self) -> &'static str {
        match self {
            Api::JourneyApps => "{\"objects\": [truncated",
            Api::Portos => "{\"items\": [truncated",
            Api::AuthSessions => "{\"Items\": [truncated",
            Api::Usergrid => "{\"entities\": [truncated",
        }
    }
}

fn under(path: &str, prefix: &str) -> bool {
    path == prefix || path.starts_with(&format!("{prefix}/"))
}

/// The answer to a request over `api`'s rate limit, if it is.
pub fn over_limit(state: &AppState, api: Api) -> Option<Response> {
    (!state.bucket(api).try_take()).then(|| {
        api.error(
            StatusCode::TOO_MANY_REQUESTS,
            "Rate limit exceeded: wait at least one second before retrying",
        )
    })
}

/// After the API's own checks: counts the request, then answers it, or with the fault injected
/// for it.
pub async fn pass(state: &AppState, api: Api, request: Request, next: Next) -> Response {
    state.count_request();
    match state.take_fault() {
        None => next.run(request).await,
        Some(FaultKind::Error(kind)) => api.injected(kind),
        Some(FaultKind::Malformed) => (
            [(header::CONTENT_TYPE, "application/json")],
            api.malformed(),
        )
            .into_response(),
        Some(FaultKind::Dropped) => cut_off(StatusCode::OK),
        Some(FaultKind::LostAnswer) => cut_off(next.run(request).await.status()),
        Some(FaultKind::HugeTotal) => {
            rewrite_listing(next.run(request).await, FaultKind::HugeTotal).await
        }
        Some(FaultKind::Slow) => {
            let wait = std::time::Duration::from_millis(crate::state::SLOW_MILLIS);
            tokio::time::sleep(wait).await;
            next.run(request).await
        }
        Some(FaultKind::EndlessPages) => {
            let first_page = without_skip(request);
            rewrite_listing(next.run(first_page).await, FaultKind::EndlessPages).await
        }
    }
}

/// An answer whose body breaks off mid-way: the status and a first part are sent, then the
/// connection closes before the rest. (Closed before anything was sent, a browser would resend
/// the request by itself on a fresh connection, and the client would see it succeed.)
fn cut_off(status: StatusCode) -> Response {
    let parts = futures_util::stream::unfold(0, |step| async move {
        match step {
            0 => Some((Ok(Bytes::from_static(b"{\"operations\": [{\"success\"")), 1)),
            1 => {
                // Long enough for the status and the first part to reach the client.
                tokio::time::sleep(std::time::Duration::from_millis(200)).await;
                Some((Err(std::io::Error::other("cut off by the sandbox")), 2))
            }
            _ => None,
        }
    });
    let mut response = Body::from_stream(parts).into_response();
    *response.status_mut() = status;
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    response
}

/// The same request asking for the first page: a backend that ignores where a page starts.
fn without_skip(mut request: Request) -> Request {
    let uri = request.uri();
    let query: Vec<&str> = uri
        .query()
        .unwrap_or_default()
        .split('&')
        .filter(|pair| {
            !["skip=", "$skip=", "%24skip=", "page=", "cursor="]
                .iter()
                .any(|name| pair.starts_with(name))
        })
        .collect();
    let path_and_query = format!("{}?{}", uri.path(), query.join("&"));
    if let Ok(rewritten) = path_and_query.parse() {
        *request.uri_mut() = rewritten;
    }
    request
}

/// A listing's answer as a hostile backend would send it (JourneyApps' `objects` with
/// `total`/`more`, PORTOS' `items` with `totalCount`, the authenticated sessions' `Items` with
/// `TotalCount`); other answers are left alone.
async fn rewrite_listing(response: Response, kind: FaultKind) -> Response {
    let (parts, body) = response.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, REWRITE_LIMIT).await else {
        return ApiError::new(ErrorType::InternalServerError, "The answer was too large")
            .into_response();
    };
    let huge = kind == FaultKind::HugeTotal;
    let rewritten = match serde_json::from_slice::<Value>(&bytes) {
        Ok(Value::Object(mut listing)) if listing.contains_key("objects") => {
            listing.insert("more".into(), Value::Bool(true));
            if huge {
                listing.insert("total".into(), 1_000_000_000_000u64.into());
            } else {
                listing.remove("total");
            }
            Value::Object(listing).to_string().into()
        }
        Ok(Value::Object(mut listing)) if listing.contains_key("items") => {
            if huge {
                listing.insert("totalCount".into(), 1_000_000_000_000u64.into());
            } else {
                listing.remove("totalCount");
            }
            Value::Object(listing).to_string().into()
        }
        // Usergrid has no total: its lie is a page count and a cursor on every page.
        Ok(Value::Object(mut listing)) if listing.contains_key("entities") => {
            if huge {
                listing.insert("count".into(), 1_000_000_000_000u64.into());
            }
            listing.insert(
                "cursor".into(),
                crate::usergrid::api::cursor_at(1_000_000_000).into(),
            );
            Value::Object(listing).to_string().into()
        }
        Ok(Value::Object(mut listing)) if listing.contains_key("Items") => {
            if huge {
                listing.insert("TotalCount".into(), 1_000_000_000_000u64.into());
            } else {
                listing.remove("TotalCount");
            }
            Value::Object(listing).to_string().into()
        }
        _ => bytes,
    };
    let mut response = Response::from_parts(parts, Body::from(rewritten));
    response.headers_mut().remove(header::CONTENT_LENGTH);
    response
}

/// Every error of the APIs and of the sandbox's own routes in JSON, the API's shape (the
/// sandbox's routes answer like JourneyApps), and no caching of anything they answer: a
/// framework's plain-text rejection (a body over the limit, a path that is not UTF-8, a
/// method not allowed, a path no route matched) becomes the documented error body. Other paths
/// (the console) pass as they are.
pub async fn api_answers(request: Request, next: Next) -> Response {
    let path = request.uri().path();
    let api = match Api::of_path(path) {
        Some(api) => api,
        None if under(path, "/sandbox") => Api::JourneyApps,
        None => return next.run(request).await,
    };
    let mut response = next.run(request).await;
    let status = response.status();
    let is_json = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|t| t.to_str().ok())
        .is_some_and(|t| {
            t.starts_with("application/json") || t.starts_with("application/problem+json")
        });
    if (status.is_client_error() || status.is_server_error()) && !is_json {
        let detail = match status {
            StatusCode::PAYLOAD_TOO_LARGE => "The request body is too large (at most 2 MB)",
            StatusCode::NOT_FOUND | StatusCode::METHOD_NOT_ALLOWED => "No such API route",
            StatusCode::UNSUPPORTED_MEDIA_TYPE => {
                "The request body must be JSON (Content-Type: application/json)"
            }
            s if s.is_server_error() => "The server could not complete the request",
            _ => "The request's path, query or body is malformed",
        };
        response = api.error(status, detail);
    }
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_path_belongs_to_its_api() {
        assert_eq!(Api::of_path("/api/v4/x/users"), Some(Api::JourneyApps));
        assert_eq!(Api::of_path("/portos"), Some(Api::Portos));
        assert_eq!(Api::of_path("/portos/sessions"), Some(Api::Portos));
        assert_eq!(Api::of_path("/portosx"), None);
        assert_eq!(
            Api::of_path("/core/api/admin/v1/authenticated-sessions/list"),
            Some(Api::AuthSessions)
        );
        assert_eq!(Api::of_path("/core/api"), None);
        assert_eq!(Api::of_path("/apix"), None);
        assert_eq!(Api::of_path("/"), None);
    }
}
