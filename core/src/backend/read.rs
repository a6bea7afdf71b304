//! Sending: a write goes out exactly once (a lost answer does not mean it did not run); a read is
//! safe to send again, so a 429 or a passing overload (502, 503) is waited out and retried a few
//! times before it is reported. A 500 or a gateway timeout is reported at once: trying again
//! would only keep the admin waiting. Shared by every backend.

use super::http::{HttpRequest, HttpResponse, Transport, TransportError};
use super::{ApiError, LoadEvent};

/// Tries of one read before a 429 or 5xx is reported.
pub(crate) const READ_ATTEMPTS: u32 = 5;
/// APIs ask for at least one second before a retry after a 429.
const FIRST_RETRY_MILLIS: u32 = 1000;
const MAX_RETRY_MILLIS: u32 = 8000;

/// The error for a request that got no HTTP answer.
pub(crate) fn unanswered(err: TransportError) -> ApiError {
    match err {
        TransportError::Failed(detail) => ApiError::Network { detail },
        TransportError::Aborted => ApiError::Cancelled,
    }
}

/// Sends `request` once; a non-2xx answer becomes its error through the backend's `error_of`.
pub(crate) async fn send_once<T: Transport>(
    transport: &T,
    request: HttpRequest,
    error_of: fn(&HttpResponse) -> ApiError,
) -> Result<HttpResponse, ApiError> {
    let response = transport.send(request).await.map_err(unanswered)?;
    if response.ok() {
        Ok(response)
    } else {
        Err(error_of(&response))
    }
}

/// Sends a read, waiting and retrying on 429, 502 and 503 (each wait reported to `events`);
/// any other non-2xx answer becomes its error through the backend's `error_of`.
pub(crate) async fn read<T: Transport>(
    transport: &T,
    request: HttpRequest,
    events: &dyn Fn(LoadEvent),
    error_of: fn(&HttpResponse) -> ApiError,
) -> Result<HttpResponse, ApiError> {
    let mut delay = FIRST_RETRY_MILLIS;
    let mut attempt = 1;
    loop {
        let response = transport.send(request.clone()).await.map_err(unanswered)?;
        let passing = matches!(response.status, 429 | 502 | 503);
        if passing && attempt < READ_ATTEMPTS {
            events(LoadEvent::Waiting { millis: delay });
            transport.sleep(delay).await;
            delay = (delay * 2).min(MAX_RETRY_MILLIS);
            attempt += 1;
            continue;
        }
        return if response.ok() {
            Ok(response)
        } else {
            Err(error_of(&response))
        };
    }
}
