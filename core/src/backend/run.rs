//! Running actions: one from a button, or many from a bulk run, by the same rules for every
//! backend. A request refused with 429 did not run, so it is sent again after a wait; a request
//! whose answer is lost may have run, so it is never sent again. Backends with a server batch
//! get chunks of up to [`CHUNK_SIZE`]; the others get a few single requests at a time.

use super::{Api, ApiError, LoadEvent, ReadBack, Transport};
use crate::bulk::{retry_delay_millis, BulkRun, Progress, CHUNK_SIZE};
use crate::model::action::{Action, Performed, Seen};
use crate::model::UserId;
use std::collections::BTreeMap;

/// Single requests in flight at once, for backends without a server batch.
pub const SINGLES_IN_FLIGHT: usize = 4;
/// Refused (429) rounds in a row before a bulk run stops.
const REFUSED_ROUNDS: u32 = 8;
/// Tries of one action from a button when the backend refuses it with 429.
const SINGLE_ATTEMPTS: u32 = 4;

/// What happens while a bulk run goes on, for its progress bar.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum BulkEvent {
    Progress(Progress),
    /// The backend refused requests with 429 (so they did not run): resending after this long.
    Waiting {
        millis: u32,
    },
}

/// How a bulk run ended, besides each target's outcome.
#[derive(Clone, Debug, PartialEq)]
pub enum BulkEnd {
    /// Every target has an outcome.
    Finished,
    /// The admin cancelled between chunks; the rest were not sent.
    Cancelled,
    /// Refused credentials, or a rate limit that never let up: the rest were not sent.
    Stopped(ApiError),
}

/// How one round of requests went.
enum Round {
    /// Targets have outcomes now; `refused` when others were refused with 429 and wait.
    Settled { refused: bool },
    /// Everything sent was refused with 429: nothing ran.
    Refused,
    /// Stop the run: the error and nothing more is sent.
    Stop(ApiError),
}

/// Sends `action` from a button: one request, sent again only after a 429 refusal (each wait
/// reported to `events`), never after an answer was lost.
pub async fn send_action<B: Api, T: Transport>(
    backend: &B,
    transport: &T,
    action: &Action,
    events: &dyn Fn(LoadEvent),
) -> Result<Performed, ApiError> {
    let mut attempt = 0;
    loop {
        match backend.perform(transport, action).await {
            Err(ApiError::RateLimited) if attempt + 1 < SINGLE_ATTEMPTS => {
                let millis = retry_delay_millis(attempt, transport.jitter());
                events(LoadEvent::Waiting { millis });
                transport.sleep(millis).await;
                attempt += 1;
            }
            other => return other,
        }
    }
}

/// Runs every pending target of `run`, recording each outcome; `cancelled` is asked between
/// rounds. Targets refused with 429 are sent again after a wait; nothing that may have run is.
pub async fn run_bulk<B: Api, T: Transport>(
    backend: &B,
    transport: &T,
    run: &mut BulkRun,
    events: &dyn Fn(BulkEvent),
    cancelled: &dyn Fn() -> bool,
) -> BulkEnd {
    let batch = backend.capabilities().server_batch;
    let size = if batch { CHUNK_SIZE } else { SINGLES_IN_FLIGHT };
    let mut refused_rounds = 0;
    loop {
        let chunk = run.next_chunk(size);
        if chunk.is_empty() {
            return BulkEnd::Finished;
        }
        if cancelled() {
            return BulkEnd::Cancelled;
        }
        let round = if batch {
            batch_round(backend, transport, run, &chunk).await
        } else {
            singles_round(backend, transport, run, &chunk).await
        };
        let wait_after = match round {
            Round::Stop(err) => {
                events(BulkEvent::Progress(run.progress()));
                return BulkEnd::Stopped(err);
            }
            Round::Settled { refused } => {
                refused_rounds = 0;
                events(BulkEvent::Progress(run.progress()));
                refused.then_some(0)
            }
            Round::Refused => {
                refused_rounds += 1;
                if refused_rounds >= REFUSED_ROUNDS {
                    return BulkEnd::Stopped(ApiError::RateLimited);
                }
                Some(refused_rounds - 1)
            }
        };
        if let Some(attempt) = wait_after {
            let millis = retry_delay_millis(attempt, transport.jitter());
            events(BulkEvent::Waiting { millis });
            transport.sleep(millis).await;
        }
    }
}

/// One chunk through the server's batch.
async fn batch_round<B: Api, T: Transport>(
    backend: &B,
    transport: &T,
    run: &mut BulkRun,
    chunk: &[usize],
) -> Round {
    let actions: Vec<&Action> = chunk.iter().map(|&i| &run.targets[i].action).collect();
    match backend.perform_batch(transport, &actions).await {
        Ok(results) => run.record(chunk, &results),
        Err(ApiError::RateLimited) => return Round::Refused,
        Err(err) if err.needs_reconnect() => return Round::Stop(err),
        Err(err) if err.may_have_run() => {
            for &i in chunk {
                run.lose(i, &err.lost_answer());
            }
        }
        Err(err) => run.fail(chunk, &err.message()),
    }
    Round::Settled { refused: false }
}

/// A few single requests at once. A refused one stays pending for the next round.
async fn singles_round<B: Api, T: Transport>(
    backend: &B,
    transport: &T,
    run: &mut BulkRun,
    chunk: &[usize],
) -> Round {
    let answers = futures::future::join_all(
        chunk
            .iter()
            .map(|&i| backend.perform(transport, &run.targets[i].action)),
    )
    .await;
    let (mut refused, mut settled, mut stop) = (false, false, None);
    for (&i, answer) in chunk.iter().zip(answers) {
        match answer {
            Ok(Performed::Done) => run.settle(i, Ok(())),
            Ok(Performed::AlreadyDone(why)) => run.already_done(i, why),
            Err(ApiError::RateLimited) => {
                refused = true;
                continue;
            }
            // Refused credentials: this one did not run; it and the rest stay "not sent".
            Err(err) if err.needs_reconnect() => {
                stop = Some(err);
                continue;
            }
            Err(err) if err.may_have_run() => run.lose(i, &err.lost_answer()),
            Err(err) => run.settle(i, Err(err.message())),
        }
        settled = true;
    }
    match (stop, refused, settled) {
        (Some(err), _, _) => Round::Stop(err),
        (None, true, false) => Round::Refused,
        (None, refused, _) => Round::Settled { refused },
    }
}

/// Reads back the users of the targets whose answer was lost (the backend decides how, see
/// [`Api::read_back`]) and settles each target from what its user now shows: done, not done
/// (so it may be retried), or gone. A target whose user cannot be read stays unknown. Refused
/// credentials end it with the error.
pub async fn settle_unknowns<B: Api, T: Transport>(
    backend: &B,
    transport: &T,
    run: &mut BulkRun,
) -> Result<(), ApiError> {
    settle_by(run, |ids| async move {
        backend.read_back(transport, &ids).await
    })
    .await
}

/// [`settle_unknowns`] with the users read back by `read_back` (one [`ReadBack`] per id, in
/// order): for comparing ways of reading them.
pub async fn settle_by<F, Fut>(run: &mut BulkRun, read_back: F) -> Result<(), ApiError>
where
    F: FnOnce(Vec<UserId>) -> Fut,
    Fut: std::future::Future<Output = Result<Vec<ReadBack>, ApiError>>,
{
    let mut by_user: BTreeMap<UserId, Vec<usize>> = BTreeMap::new();
    for at in run.unknown() {
        if let Some(target) = run.targets.get(at) {
            by_user
                .entry(target.action.user().clone())
                .or_default()
                .push(at);
        }
    }
    let reads = read_back(by_user.keys().cloned().collect()).await?;
    for (targets, read) in by_user.values().zip(reads) {
        for &at in targets {
            let seen = match &read {
                ReadBack::Found(user) => run.targets[at].action.seen_in(user),
                ReadBack::Gone => Seen::Gone,
                ReadBack::Unreadable => continue,
            };
            run.settle_unknown(at, seen == Seen::Done, seen.how());
        }
    }
    Ok(())
}

/// [`Api::read_back`] one user a request with `read`, a few at once.
pub async fn read_back_each<'a, Fut>(
    ids: &'a [UserId],
    read: impl Fn(&'a UserId) -> Fut,
) -> Result<Vec<ReadBack>, ApiError>
where
    Fut: std::future::Future<Output = Result<crate::model::User, ApiError>>,
{
    let mut read_back = Vec::with_capacity(ids.len());
    for group in ids.chunks(SINGLES_IN_FLIGHT) {
        let answers = futures::future::join_all(group.iter().map(&read)).await;
        for answer in answers {
            read_back.push(match answer {
                Ok(user) => ReadBack::Found(user),
                Err(ApiError::NotFound { .. }) => ReadBack::Gone,
                Err(err) if err.needs_reconnect() => return Err(err),
                Err(_) => ReadBack::Unreadable,
            });
        }
    }
    Ok(read_back)
}
