//! The browser's side of [`Transport`]: `fetch` through gloo-net, timers through gloo-timers.

use crate::connector::{HttpRequest, HttpResponse, Method, Transport, TransportError};
use gloo_net::http::{Request, RequestBuilder};

/// Sends requests with the browser's `fetch`.
#[derive(Clone, Copy, Debug, Default)]
pub struct BrowserTransport;

impl Transport for BrowserTransport {
    async fn send(&self, request: HttpRequest) -> Result<HttpResponse, TransportError> {
        let builder: RequestBuilder = match request.method {
            Method::Get => Request::get(&request.url),
            Method::Post => Request::post(&request.url),
        };
        let builder = builder.header("Authorization", &request.authorization);
        let built = match request.json_body {
            Some(body) => builder
                .header("Content-Type", "application/json")
                .body(body),
            None => builder.build(),
        };
        // gloo's errors describe the failure ("Failed to fetch"), never the headers we sent.
        let response = built
            .map_err(|err| TransportError(err.to_string()))?
            .send()
            .await
            .map_err(|err| TransportError(err.to_string()))?;
        let status = response.status();
        // Bytes, not text: copying bytes into WASM memory is far cheaper than re-encoding a
        // JavaScript string (a 10,000-user listing is megabytes). Invalid UTF-8 is replaced,
        // as `text()` would.
        let bytes = response
            .binary()
            .await
            .map_err(|err| TransportError(err.to_string()))?;
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
