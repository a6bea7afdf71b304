//! What every handler shares: the configuration, the database, the one clock, the rate
//! limits, the faults to inject and the origin URLs are built from.

use crate::clock::Clock;
use crate::config::Config;
use crate::gate::Api;
use crate::journeyapps::error::ErrorType;
use crate::ratelimit::TokenBucket;
use crate::rng::Rng;
use crate::{authsessions, journeyapps, portos, usergrid};
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
    /// The request waits [`SLOW_MILLIS`] before it runs, as on a distant or busy backend: for
    /// tests that leave a page while its answers are still out.
    Slow,
}

/// How long a [`FaultKind::Slow`] request waits before it runs.
pub const SLOW_MILLIS: u64 = 1500;

impl FaultKind {
    /// The fault `POST /sandbox/faults` names with `type`.
    pub fn parse(name: &str) -> Option<FaultKind> {
        Some(match name {
            "MALFORMED" => FaultKind::Malformed,
            "LOST_ANSWER" => FaultKind::LostAnswer,
            "DROPPED" => FaultKind::Dropped,
            "HUGE_TOTAL" => FaultKind::HugeTotal,
            "ENDLESS_PAGES" => FaultKind::EndlessPages,
            "SLOW" => FaultKind::Slow,
            code => FaultKind::Error(ErrorType::from_code(code)?),
        })
    }
}

/// Each API's database.
pub struct Stores {
    pub journeyapps: journeyapps::db::Store,
    pub portos: portos::Store,
    pub authsessions: authsessions::Store,
    pub usergrid: usergrid::Store,
}

/// Everything the handlers share.
pub struct AppState {
    pub config: Config,
    journeyapps: Mutex<journeyapps::db::Store>,
    portos: Mutex<portos::Store>,
    authsessions: Mutex<authsessions::Store>,
    usergrid: Mutex<usergrid::Store>,
    pub clock: Clock,
    /// Each API's rate limit, in the order of [`Api::ALL`].
    buckets: [TokenBucket; Api::ALL.len()],
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
    /// Opens each API's database as configured, seeding demo data into empty ones, for a
    /// sandbox reached at `public_origin`.
    pub fn open(config: Config, public_origin: String) -> rusqlite::Result<AppState> {
        let path = config.db_path();
        let mut store = journeyapps::db::Store::open(path.as_deref())?;
        if store.user_count()? == 0 && config.demo_users > 0 {
            let (users, sessions) = journeyapps::demo::generate(
                config.demo_users,
                config.journeyapps_sessions,
                chrono::Utc::now(),
            );
            store.insert(&users, &sessions)?;
        }
        let mut portos_store = portos::Store::open(path.as_deref())?;
        portos::seed(&mut portos_store, config.portos_sessions())?;
        let mut authsessions_store = authsessions::Store::open(path.as_deref())?;
        authsessions::seed(&mut authsessions_store, config.demo_users)?;
        let mut usergrid_store = usergrid::Store::open(path.as_deref())?;
        usergrid::seed(&mut usergrid_store, config.usergrid_users())?;
        Ok(AppState::new(
            config,
            Stores {
                journeyapps: store,
                portos: portos_store,
                authsessions: authsessions_store,
                usergrid: usergrid_store,
            },
            public_origin,
        ))
    }

    /// The state of a sandbox over these databases, reached at `public_origin`.
    pub fn new(config: Config, stores: Stores, public_origin: String) -> Self {
        let seed = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos() as u64)
            .unwrap_or(7);
        AppState {
            buckets: Api::ALL.map(|_| TokenBucket::new(config.rate, config.burst)),
            enroll_bucket: TokenBucket::new(config.rate, config.burst),
            config,
            journeyapps: Mutex::new(stores.journeyapps),
            portos: Mutex::new(stores.portos),
            authsessions: Mutex::new(stores.authsessions),
            usergrid: Mutex::new(stores.usergrid),
            clock: Clock::default(),
            public_origin,
            faults: Mutex::new(None),
            token_rng: Mutex::new(Rng::new(seed)),
            api_requests: AtomicU64::new(0),
        }
    }

    /// JourneyApps' database, whatever an earlier holder did.
    pub fn journeyapps(&self) -> MutexGuard<'_, journeyapps::db::Store> {
        self.journeyapps.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// PORTOS' database.
    pub fn portos(&self) -> MutexGuard<'_, portos::Store> {
        self.portos.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The authenticated sessions' database.
    pub fn authsessions(&self) -> MutexGuard<'_, authsessions::Store> {
        self.authsessions.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Usergrid's database.
    pub fn usergrid(&self) -> MutexGuard<'_, usergrid::Store> {
        self.usergrid.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// An API's rate limit.
    pub fn bucket(&self, api: Api) -> &TokenBucket {
        let index = Api::ALL.iter().position(|a| *a == api).unwrap_or(0);
        &self.buckets[index]
    }

    /// How long a PORTOS token lasts, in 100 ns ticks.
    pub fn portos_token_lifetime(&self) -> i64 {
        self.config.portos_token_ttl.saturating_mul(10_000_000)
    }

    /// An 8-digit enrollment token like the documented sample.
    pub fn new_enrollment_token(&self) -> String {
        let mut rng = self.token_rng.lock().unwrap_or_else(|p| p.into_inner());
        format!("{:08}", rng.below(100_000_000))
    }

    /// `length` random letters and digits, for ids and tokens made at run time.
    pub fn random_text(&self, length: usize) -> String {
        let mut rng = self.token_rng.lock().unwrap_or_else(|p| p.into_inner());
        rng.text(length)
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
pub fn same_secret(given: &str, expected: &str) -> bool {
    let (a, b) = (given.as_bytes(), expected.as_bytes());
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}
