//! The re-authentication policy benchmark: the same sandbox data, the same sessions, two ways.
//!
//! 1. Roster: load every user (pages of 1000), select the ENROLLED sessions last authenticated
//!    more than 30 days ago, re-authenticate them through `batch.json` in chunks of 1000. This
//!    is the console's own code (connector, policy, bulk run) over a native HTTP transport.
//! 2. The per-session loop of seed 002's answer: list the users, then per user GET it and POST
//!    `re-authenticate` for each matching session, one request at a time, waiting a second on
//!    429 as the API asks.
//!
//! Each runs against its own sandbox with identical data and the default rate limit, and is
//! checked afterwards: every selected session LOCKED, nothing else changed.
//!
//! `cargo run --release -p roster-bench --bin policy-bench [-- --users N]`

use chrono::{DateTime, Duration, Utc};
use roster_bench::{sandbox, Http, TOKEN};
use roster_core::backend::journeyapps::{parse_user, JourneyApps};
use roster_core::backend::run::{run_bulk, BulkEnd};
use roster_core::backend::{Api, Credentials, HttpRequest, HttpResponse, Transport};
use roster_core::policy::REAUTHENTICATE_STALE as POLICY;
use roster_sandbox::journeyapps::db::{
    Container, Device, NewSession, NewUser, Runtime, Session, SyncStatus,
};
use roster_sandbox::rng::Rng;
use roster_sandbox::RunningSandbox;
use std::collections::HashSet;
use std::time::Instant;

/// `users` users, each with two ENROLLED sessions last authenticated 31–365 days ago; every
/// third user also has a recently authenticated one and a LOCKED one, which must stay as they are.
fn bench_data(users: u32, now: DateTime<Utc>) -> (Vec<NewUser>, Vec<NewSession>) {
    let mut rng = Rng::new(0xBE7C_4000_0000_0001);
    let time = |at: DateTime<Utc>| at.format("%Y-%m-%dT%H:%M:%SZ").to_string();
    let mut new_users = Vec::new();
    let mut sessions = Vec::new();
    for n in 0..users {
        let id = rng.uuid();
        // A session in `state`, last authenticated `min_days` plus up to `spread` days ago.
        let mut add = |rng: &mut Rng, state: &str, min_days: u64, spread: u64| {
            let auth_days = min_days + rng.below(spread);
            let authenticated = now - Duration::days(auth_days as i64) - Duration::hours(1);
            sessions.push(NewSession {
                user_id: id.clone(),
                session: Session {
                    id: rng.uuid(),
                    state: state.into(),
                    last_authenticated_at: Some(time(authenticated)),
                    created_at: Some(time(authenticated - Duration::days(10))),
                    signed_out_at: (state != "ENROLLED").then(|| time(authenticated)),
                    last_connected_at: Some(time(now - Duration::hours(2))),
                    container: Container {
                        version: Some("24.6.2".into()),
                        bundle_id: Some("com.example.fieldservice".into()),
                        platform: Some(if n % 2 == 0 { "ANDROID" } else { "IOS" }.into()),
                    },
                    runtime: Some(Runtime {
                        version: "4.91.3".into(),
                    }),
                    device: Device {
                        id: Some(rng.device_id()),
                    },
                    label: Some(format!("Device {n}")),
                    sync_status: Some(SyncStatus {
                        last_full_sync: time(now - Duration::hours(3)),
                    }),
                },
            });
        };
        add(&mut rng, "ENROLLED", 31, 335);
        add(&mut rng, "ENROLLED", 31, 335);
        if n % 3 == 0 {
            add(&mut rng, "ENROLLED", 0, 29);
            add(&mut rng, "LOCKED", 31, 335);
        }
        new_users.push(NewUser {
            id,
            name: format!("Bench User {n}"),
            email: format!("user{n}@example.com"),
            locked: false,
            updated_at: time(now),
        });
    }
    (new_users, sessions)
}

/// A sandbox on a free port with `data` and the default rate limit.
async fn sandbox_with(data: &(Vec<NewUser>, Vec<NewSession>)) -> RunningSandbox {
    let sandbox = sandbox(0, &[]).await;
    sandbox
        .state
        .journeyapps()
        .insert(&data.0, &data.1)
        .expect("the benchmark data is stored");
    sandbox
}

/// Every session of the sandbox as (id, state), in order.
fn states(sandbox: &RunningSandbox) -> Vec<(String, String)> {
    let store = sandbox.state.journeyapps();
    let mut all = Vec::new();
    let mut skip = 0;
    loop {
        let page = store.list_users(skip, 1000).unwrap();
        if page.objects.is_empty() {
            return all;
        }
        skip += page.objects.len() as u64;
        for user in page.objects {
            all.extend(user.sessions.into_iter().map(|s| (s.id, s.state)));
        }
    }
}

/// Checks a run: exactly the selected sessions went from ENROLLED to LOCKED.
fn check(before: &[(String, String)], after: &[(String, String)], selected: &HashSet<String>) {
    assert_eq!(before.len(), after.len());
    for ((id, old), (_, new)) in before.iter().zip(after) {
        let expected = if selected.contains(id) { "LOCKED" } else { old };
        assert_eq!(new, expected, "session {id}");
    }
}

struct Outcome {
    seconds: f64,
    requests: u64,
    refused: u64,
}

/// Roster's way: the console's loader, policy selection and bulk run.
async fn roster_run(api: &JourneyApps, now: DateTime<Utc>) -> (Outcome, HashSet<String>) {
    let http = Http::default();
    let started = Instant::now();
    let load = api.load_users(&http, &|_| {}).await.expect("users load");
    let found = POLICY.sessions(&load.users, POLICY.default_days, now);
    let mut run = POLICY.run(&load.users, &found);
    let end = run_bulk(api, &http, &mut run, &|_| {}, &|| false).await;
    assert_eq!(end, BulkEnd::Finished);
    let progress = run.progress();
    assert_eq!(
        progress.done, progress.total,
        "every re-authentication succeeded"
    );
    let selected = found
        .iter()
        .map(|&(u, s)| load.users[u].sessions[s].id.to_string())
        .collect();
    let outcome = Outcome {
        seconds: started.elapsed().as_secs_f64(),
        requests: http.sent.get(),
        refused: http.refused.get(),
    };
    (outcome, selected)
}

/// Sends `request`, waiting a second and resending while the answer is 429.
async fn patiently(http: &Http, request: HttpRequest) -> HttpResponse {
    loop {
        let response = http.send(request.clone()).await.expect("sandbox answers");
        if response.status != 429 {
            assert!(
                response.status < 300,
                "HTTP {}: {}",
                response.status,
                response.body
            );
            return response;
        }
        http.sleep(1000).await;
    }
}

/// The seed's way: one request at a time, per user and per session.
async fn per_session_loop(api: &JourneyApps, now: DateTime<Utc>) -> Outcome {
    let http = Http::default();
    let started = Instant::now();
    let mut ids = Vec::new();
    loop {
        let page = patiently(&http, api.users_page_request(ids.len() as u64, 1000)).await;
        let body: serde_json::Value = serde_json::from_str(&page.body).unwrap();
        let objects = body["objects"].as_array().unwrap();
        ids.extend(
            objects
                .iter()
                .map(|u| u["id"].as_str().unwrap().to_string()),
        );
        if body["more"] != true {
            break;
        }
    }
    for id in &ids {
        let answer = patiently(&http, api.user_request(&id.as_str().into())).await;
        let user = parse_user(&serde_json::from_str(&answer.body).unwrap());
        let users = [user];
        let found = POLICY.sessions(&users, POLICY.default_days, now);
        for target in POLICY.run(&users, &found).targets {
            // Every action of this policy is one JourneyApps request.
            if let Some(request) = api.action_request(&target.action) {
                patiently(&http, request).await;
            }
        }
    }
    Outcome {
        seconds: started.elapsed().as_secs_f64(),
        requests: http.sent.get(),
        refused: http.refused.get(),
    }
}

fn users_argument() -> u32 {
    let args: Vec<String> = std::env::args().collect();
    match args.iter().position(|a| a == "--users") {
        Some(i) => args
            .get(i + 1)
            .and_then(|n| n.parse().ok())
            .expect("--users takes a number"),
        None => 10_000,
    }
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let users = users_argument();
    let now = Utc::now();
    let credentials = Credentials::NamedToken(TOKEN.into());

    let data = bench_data(users, now);
    let stale = data
        .1
        .iter()
        .filter(|s| s.session.state == "ENROLLED")
        .filter(|s| {
            let at = s
                .session
                .last_authenticated_at
                .as_deref()
                .unwrap_or_default();
            at.parse::<DateTime<Utc>>().unwrap() < now - Duration::days(POLICY.default_days.into())
        })
        .count();
    let first = sandbox_with(&data).await;
    let before = states(&first);
    let config = &first.state.config;
    println!(
        "Re-authentication policy: {users} users, {} sessions, {stale} ENROLLED and last \
         authenticated more than {} days ago.",
        before.len(),
        POLICY.default_days
    );
    println!(
        "Sandbox rate limit: {} requests/s, burst {} (its defaults).\n",
        config.rate, config.burst
    );

    let api = JourneyApps::new(&first.base_url(), credentials.clone());
    let (batched, selected) = roster_run(&api, now).await;
    assert_eq!(selected.len(), stale);
    check(&before, &states(&first), &selected);
    first.stop().await;

    let second = sandbox_with(&data).await;
    let api = JourneyApps::new(&second.base_url(), credentials);
    let looped = per_session_loop(&api, now).await;
    check(&before, &states(&second), &selected);
    second.stop().await;

    println!("| run | wall time | HTTP requests | of them refused (429) |");
    println!("|---|---|---|---|");
    for (name, o) in [
        ("Roster (batch.json, chunks of 1000)", &batched),
        ("per-session loop (seed 002)", &looped),
    ] {
        println!(
            "| {name} | {:.1} s | {} | {} |",
            o.seconds, o.requests, o.refused
        );
    }
    println!(
        "\nRoster sent {:.2}% of the loop's requests and was {:.0}× faster. Both runs left \
         exactly the {stale} selected sessions LOCKED and every other session unchanged.",
        100.0 * batched.requests as f64 / looped.requests as f64,
        looped.seconds / batched.seconds
    );
}
