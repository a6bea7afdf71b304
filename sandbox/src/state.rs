//! What every handler shares: the configuration, the database, the one clock, the rate
//! limits, the faults to inject and the origin URLs are built from.

use crate::clock::Clock;
use crate::config::Config;
use crate::db::Store;
use crate::demo::Rng;
use crate::error::ErrorType;
use crate::ratelimit::TokenBucket;
use axum::http::{header, HeaderMap};
use base64::Engine;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, MutexGuard};

/// A fault the next API requests answer with instead of their normal response.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FaultKind {
    /// The documented error body for this type, with its status.
    Error(ErrorType),
    /// A 200 whose body is not JSON, as a broken proxy might send.
    Malformed,
    /// The request runs, then its answer is cut off mid-way: the client cannot tell whether
    /// it ran.
    LostAnswer,
    /// The connection breaks before the request runs: nothing happens, and the client cannot
    /// tell either.
    Dropped,
    /// A listing claims a total of 10^12 and more pages, whatever it holds.
    HugeTotal,
    /// A listing drops its total, always says there is more, and sends its first page
    /// whatever the skip.
    EndlessPages,
}

impl FaultKind {
    /// The fault `POST /sandbox/faults` names with `type`.
    pub fn parse(name: &str) -> Option<FaultKind> {
        Some(match name {
            "MALFORMED" => FaultKind::Malformed,
            "LOST_ANSWER" => FaultKind::LostAnswer,
            "DROPPED" => FaultKind::Dropped,
            "HUGE_TOTAL" => FaultKind::HugeTotal,
            "ENDLESS_PAGES" => FaultKind::EndlessPages,
            code => FaultKind::Error(ErrorType::from_code(code)?),
        })
    }
}

/// Everything the handlers share.
pub struct AppState {
    pub config: Config,
    pub store: Mutex<Store>,
    pub clock: Clock,
    /// The API's rate limit.
    pub bucket: TokenBucket,
    /// `/sandbox/enroll`'s own rate limit: a page anywhere must not be able to flood it.
    pub enroll_bucket: TokenBucket,
    /// `scheme://host[:port]` that URLs handed out (enrollment links) are built from: the
    /// configured public origin, or the address listened on. Never the request's `Host`.
    pub public_origin: String,
    faults: Mutex<Option<(FaultKind, u32)>>,
    token_rng: Mutex<Rng>,
    api_requests: AtomicU64,
}

impl AppState {
    /// The state of a sandbox reached at `public_origin`.
    pub fn new(config: Config, store: Store, public_origin: String) -> Self {
        let seed = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos() as u64)
            .unwrap_or(7);
        AppState {
            bucket: TokenBucket::new(config.rate, config.burst),
            enroll_bucket: TokenBucket::new(config.rate, config.burst),
            config,
            store: Mutex::new(store),
            clock: Clock::default(),
            public_origin,
            faults: Mutex::new(None),
            token_rng: Mutex::new(Rng::new(seed)),
            api_requests: AtomicU64::new(0),
        }
    }

    /// The database, whatever an earlier holder did.
    pub fn store(&self) -> MutexGuard<'_, Store> {
        self.store.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// True if the request carries the Named Token or the Basic credentials of this deployment.
    pub fn authorized(&self, headers: &HeaderMap) -> bool {
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
                .is_some_and(|token| same_secret(token, &self.config.api_token))
        } else if scheme.eq_ignore_ascii_case("basic") {
            let decoded = base64::engine::general_purpose::STANDARD.decode(credentials);
            let text = decoded.ok().and_then(|bytes| String::from_utf8(bytes).ok());
            text.as_deref()
                .and_then(|t| t.split_once(':'))
                .is_some_and(|(user, password)| {
                    user == self.config.deployment_id
                        && same_secret(password, &self.config.api_password)
                })
        } else {
            false
        }
    }

    /// An 8-digit enrollment token like the documented sample.
    pub fn new_enrollment_token(&self) -> String {
        let mut rng = self.token_rng.lock().unwrap_or_else(|p| p.into_inner());
        format!("{:08}", rng.below(100_000_000))
    }

    /// A fresh random id for sessions and devices created at run time.
    pub fn new_uuid(&self) -> (String, String) {
        let mut rng = self.token_rng.lock().unwrap_or_else(|p| p.into_inner());
        (rng.uuid(), rng.device_id())
    }

    /// How many authenticated API requests have arrived (tests and benchmarks count with it).
    pub fn api_requests(&self) -> u64 {
        self.api_requests.load(Ordering::Relaxed)
    }

    /// Counts one authenticated API request.
    pub fn count_request(&self) {
        self.api_requests.fetch_add(1, Ordering::Relaxed);
    }

    /// Makes the next `count` API requests fail with `kind`.
    pub fn inject_fault(&self, kind: FaultKind, count: u32) {
        *self.faults.lock().unwrap_or_else(|p| p.into_inner()) =
            (count > 0).then_some((kind, count));
    }

    /// Ends any injected fault: the next requests are answered normally.
    pub fn clear_faults(&self) {
        self.inject_fault(FaultKind::Malformed, 0);
    }

    /// The fault the next request answers with, if any, counting it down.
    pub fn take_fault(&self) -> Option<FaultKind> {
        let mut faults = self.faults.lock().unwrap_or_else(|p| p.into_inner());
        let (kind, left) = (*faults)?;
        *faults = (left > 1).then_some((kind, left - 1));
        Some(kind)
    }
}

/// Compares secrets without stopping at the first difference.
fn same_secret(given: &str, expected: &str) -> bool {
    let (a, b) = (given.as_bytes(), expected.as_bytes());
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}
