//! The browser's side of [`Transport`]: `fetch` through gloo-net, called off through an
//! `AbortSignal` when the page that sent it goes away; timers through gloo-timers.

use gloo_net::http::{Request, RequestBuilder};
use roster_core::backend::{HttpRequest, HttpResponse, Method, Transport, TransportError};
use web_sys::{AbortController, AbortSignal};

/// The largest answer the console reads: a page of 1000 users is about 1 MB.
const MAX_ANSWER_BYTES: u64 = 64 * 1024 * 1024;

/// Sends requests with the browser's `fetch`.
#[derive(Clone, Debug, Default)]
pub struct BrowserTransport {
    signal: Option<AbortSignal>,
}

impl BrowserTransport {
    /// A transport whose requests are called off when `signal` aborts.
    pub fn with_signal(signal: AbortSignal) -> Self {
        BrowserTransport {
            signal: Some(signal),
        }
    }

    /// A transport that sends nothing: for a page that is already gone.
    pub fn called_off() -> Self {
        let signal = AbortController::new().ok().map(|controller| {
            controller.abort();
            controller.signal()
        });
        BrowserTransport { signal }
    }

    fn aborted(&self) -> bool {
        self.signal.as_ref().is_some_and(AbortSignal::aborted)
    }

    /// The error for a failed fetch: called off, or what the browser said.
    fn failure(&self, err: gloo_net::Error) -> TransportError {
        if self.aborted() {
            TransportError::Aborted
        } else {
            // gloo's errors describe the failure ("Failed to fetch"), never the headers sent.
            TransportError::Failed(err.to_string())
        }
    }
}

impl Transport for BrowserTransport {
    async fn send(&self, request: HttpRequest) -> Result<HttpResponse, TransportError> {
        if self.aborted() {
            return Err(TransportError::Aborted);
        }
        let builder: RequestBuilder = match request.method {
            Method::Get => Request::get(&request.url),
            Method::Post => Request::post(&request.url),
            Method::Put => Request::put(&request.url),
            Method::Delete => Request::delete(&request.url),
        };
        let mut builder = builder.abort_signal(self.signal.as_ref());
        if let Some(authorization) = &request.authorization {
            builder = builder.header("Authorization", authorization);
        }
        let built = match request.json_body {
            Some(body) => builder
                .header("Content-Type", "application/json")
                .body(body),
            None => builder.build(),
        };
        let response = built
            .map_err(|err| self.failure(err))?
            .send()
            .await
            .map_err(|err| self.failure(err))?;
        let status = response.status();
        let declared = response
            .headers()
            .get("content-length")
            .and_then(|n| n.trim().parse::<u64>().ok());
        if declared.is_some_and(|n| n > MAX_ANSWER_BYTES) {
            return Err(TransportError::Failed(format!(
                "the answer is larger than {} MB",
                MAX_ANSWER_BYTES / (1024 * 1024)
            )));
        }
        // Bytes, not text: copying bytes into WASM memory is far cheaper than re-encoding a
        // JavaScript string (a 10,000-user listing is megabytes). Invalid UTF-8 is replaced,
        // as `text()` would.
        let bytes = response.binary().await.map_err(|err| self.failure(err))?;
        let body = String::from_utf8(bytes)
            .unwrap_or_else(|err| String::from_utf8_lossy(err.as_bytes()).into_owned());
        Ok(HttpResponse { status, body })
    }

    async fn sleep(&self, millis: u32) {
        gloo_timers::future::TimeoutFuture::new(millis).await;
    }

    fn jitter(&self) -> f64 {
        js_sys::Math::random()
    }
}
