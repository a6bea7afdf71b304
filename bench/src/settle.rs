//! Settling lost answers: a bulk run of re-authentications whose batch answer comes back
//! broken leaves every target unknown, and the console reads them back before it shows the
//! results. Against a backend limited to a few requests a second, how many requests and how
//! long does that take?
//!
//! 1. Read the users the targets belong to one by one (what the console did before issue 23:
//!    the user, then its display name).
//! 2. The console's way now (`settle_unknowns`): the backend's listing in pages of 1000 where
//!    that takes fewer requests than the users involved.
//!
//! Both run against the same sandbox (demo data, its own rate limit), on the same run, and
//! must settle every target the same way (nothing ran, so every one "not done").
//!
//! `cargo run --release -p roster-bench --bin settle-bench [-- --users N --targets N --rate N]`

use roster_bench::{sandbox, Http, TOKEN};
use roster_core::backend::journeyapps::{parse_user, JourneyApps};
use roster_core::backend::run::{read_back_each, run_bulk, settle_by};
use roster_core::backend::{Api, ApiError, Credentials, ReadBack};
use roster_core::bulk::{BulkRun, TargetOutcome};
use roster_core::model::action::ActionKind;
use roster_core::model::{SessionState, User, UserId};
use roster_sandbox::state::FaultKind;
use std::collections::BTreeSet;
use std::time::Instant;

/// `--name N`, else `default`.
fn argument(name: &str, default: u32) -> u32 {
    let args: Vec<String> = std::env::args().collect();
    match args.iter().position(|a| a == name) {
        Some(i) => args
            .get(i + 1)
            .and_then(|n| n.parse().ok())
            .unwrap_or_else(|| panic!("{name} takes a number")),
        None => default,
    }
}

/// The run: re-authenticate the first `targets` ENROLLED sessions, in the order of the users.
fn bulk_run(users: &[User], targets: usize) -> BulkRun {
    let sessions = users
        .iter()
        .flat_map(|u| u.sessions.iter().map(move |s| (u, s)))
        .filter(|(_, s)| s.state == SessionState::Enrolled)
        .take(targets);
    BulkRun::for_sessions(ActionKind::ReAuthenticateSession, sessions)
}

/// The run with its batch answer broken: every target unknown.
async fn lost_run(
    api: &JourneyApps,
    run: &BulkRun,
    sandbox: &roster_sandbox::RunningSandbox,
) -> BulkRun {
    let mut run = run.clone();
    sandbox.state.inject_fault(FaultKind::Malformed, 1);
    run_bulk(api, &Http::default(), &mut run, &|_| {}, &|| false).await;
    assert_eq!(
        run.unknown().len(),
        run.targets.len(),
        "every answer was lost"
    );
    run
}

struct Figures {
    seconds: f64,
    requests: u64,
    refused: u64,
    outcomes: Vec<TargetOutcome>,
}

/// Settles `run`, reading its users back with `read_back` over `http`, and counts it.
async fn measured<F, Fut>(mut run: BulkRun, http: &Http, read_back: F) -> Figures
where
    F: FnOnce(Vec<UserId>) -> Fut,
    Fut: std::future::Future<Output = Result<Vec<ReadBack>, ApiError>>,
{
    let started = Instant::now();
    settle_by(&mut run, read_back)
        .await
        .expect("the run settles");
    Figures {
        seconds: started.elapsed().as_secs_f64(),
        requests: http.sent.get(),
        refused: http.refused.get(),
        outcomes: run.targets.into_iter().map(|t| t.outcome).collect(),
    }
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let users = argument("--users", 10_000);
    let targets = argument("--targets", 1000) as usize;
    let rate = argument("--rate", 2);
    let sessions = (users * 3).to_string();
    let rate_text = rate.to_string();
    let sandbox = sandbox(
        users,
        &[
            "--journeyapps-sessions",
            &sessions,
            "--rate",
            &rate_text,
            "--burst",
            &rate_text,
        ],
    )
    .await;
    let listed: Vec<User> = {
        let store = sandbox.state.journeyapps();
        (0..users.div_ceil(1000))
            .flat_map(|page| {
                store
                    .list_users(u64::from(page) * 1000, 1000)
                    .unwrap()
                    .objects
            })
            .map(|u| parse_user(&serde_json::to_value(u).unwrap()))
            .collect()
    };
    let run = bulk_run(&listed, targets);
    let involved: BTreeSet<&UserId> = run.targets.iter().map(|t| t.action.user()).collect();
    println!(
        "Settling lost answers: {} re-authentications over {} users (of {users}), the batch \
         answer broken; the sandbox allows {rate} requests/s (burst {rate}).\n",
        run.targets.len(),
        involved.len()
    );

    let api = JourneyApps::new(&sandbox.base_url(), Credentials::NamedToken(TOKEN.into()));
    let lost = lost_run(&api, &run, &sandbox).await;
    let http = Http::default();
    let (api, http) = (&api, &http);
    let one_by_one = measured(lost.clone(), http, |ids| async move {
        read_back_each(&ids, |id| api.user(http, id, &|_| {})).await
    })
    .await;
    let http = &Http::default();
    let listing = measured(
        lost,
        http,
        |ids| async move { api.read_back(http, &ids).await },
    )
    .await;
    assert_eq!(
        one_by_one.outcomes, listing.outcomes,
        "both ways settle every target alike"
    );
    let settled = listing
        .outcomes
        .iter()
        .filter(|o| !matches!(o, TargetOutcome::Unknown(_)))
        .count();
    assert_eq!(settled, listing.outcomes.len(), "every target is settled");
    sandbox.stop().await;

    println!("| read back | wall time | HTTP requests | of them refused (429) |");
    println!("|---|---:|---:|---:|");
    for (name, f) in [
        ("each user (and its name), 4 at once: before", &one_by_one),
        ("the listing, pages of 1000: now", &listing),
    ] {
        println!(
            "| {name} | {:.1} s | {} | {} |",
            f.seconds, f.requests, f.refused
        );
    }
    println!(
        "\nBoth settled all {} targets alike (nothing had run: every one not done).",
        listing.outcomes.len()
    );
}
