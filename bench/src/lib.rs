//! What the benchmarks share: their sandboxes' settings, and a native HTTP transport for
//! Roster's backends, so a benchmark can run the console's own loading and bulk code against a
//! sandbox.

use chrono::Utc;
use roster_core::backend::{HttpRequest, HttpResponse, Method, Transport, TransportError};
use roster_sandbox::{start, Config, RunningSandbox};
use std::cell::Cell;

/// The Named Token of every benchmark sandbox.
pub const TOKEN: &str = "bench-token";

/// Starts a sandbox on a free port with a throwaway database, `demo_users` demo users and
/// `more` arguments (see `roster-sandbox --help`).
pub async fn sandbox(demo_users: u32, more: &[&str]) -> RunningSandbox {
    let demo_users = demo_users.to_string();
    let common = [
        "--addr",
        "127.0.0.1:0",
        "--db",
        ":memory:",
        "--api-token",
        TOKEN,
        "--demo-users",
        &demo_users,
    ];
    let config = Config::from_args(common.iter().chain(more)).expect("valid sandbox arguments");
    start(config).await.expect("the sandbox starts")
}

/// reqwest behind Roster's `Transport`, counting what it sends.
#[derive(Default)]
pub struct Http {
    client: reqwest::Client,
    pub sent: Cell<u64>,
    pub refused: Cell<u64>,
}

impl Transport for Http {
    async fn send(&self, request: HttpRequest) -> Result<HttpResponse, TransportError> {
        self.sent.set(self.sent.get() + 1);
        let mut builder = match request.method {
            Method::Get => self.client.get(&request.url),
            Method::Post => self.client.post(&request.url),
            Method::Put => self.client.put(&request.url),
            Method::Delete => self.client.delete(&request.url),
        };
        if let Some(authorization) = &request.authorization {
            builder = builder.header("Authorization", authorization);
        }
        let builder = match request.json_body {
            Some(body) => builder
                .header("Content-Type", "application/json")
                .body(body),
            None => builder,
        };
        let response = builder
            .send()
            .await
            .map_err(|e| TransportError::Failed(e.to_string()))?;
        let status = response.status().as_u16();
        if status == 429 {
            self.refused.set(self.refused.get() + 1);
        }
        let body = response
            .text()
            .await
            .map_err(|e| TransportError::Failed(e.to_string()))?;
        Ok(HttpResponse { status, body })
    }

    async fn sleep(&self, millis: u32) {
        tokio::time::sleep(std::time::Duration::from_millis(millis.into())).await;
    }

    fn jitter(&self) -> f64 {
        f64::from(Utc::now().timestamp_subsec_nanos()) / 1e9
    }
}

/// `n` as the console's English shows it (the browser's `Intl`): "12,345".
pub fn grouped(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod grouped_tests {
    #[test]
    fn thousands_are_grouped_by_commas() {
        assert_eq!(super::grouped(0), "0");
        assert_eq!(super::grouped(999), "999");
        assert_eq!(super::grouped(1000), "1,000");
        assert_eq!(super::grouped(1_234_567), "1,234,567");
    }
}
