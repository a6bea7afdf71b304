//! A bulk run: many targets, sent in chunks, each target's outcome kept, so a run can resume
//! after a rate limit without sending anything twice, and the failed ones can be retried.
//! Runs are built through the action rules: a target the action does not apply to is left out.

use crate::model::action::{Action, ActionKind};
use crate::model::{session_label, Session, SessionId, User, UserId};
use crate::table::selection::Selection;
use crate::table::server::SessionRow;
use crate::table::sessions::SessionKey;
use std::collections::HashSet;

/// The most targets sent in one request of a server batch.
pub const CHUNK_SIZE: usize = 1000;

/// Where one target of a run stands.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TargetOutcome {
    /// Not sent yet (or sent in a request that was refused as a whole, so it did not run).
    Pending,
    Done,
    /// It did not happen: the backend's error, or what reading it back showed, in plain words.
    Failed(String),
    /// Sent, but the answer was lost: it may have run. Never sent again until reading the
    /// target back settles it.
    Unknown(String),
}

/// One action of a run and how it went.
#[derive(Clone, Debug, PartialEq)]
pub struct Target {
    pub action: Action,
    /// The user (and device) it is on, for the results table.
    pub label: String,
    pub outcome: TargetOutcome,
    /// A word on how it came out, for the results: "Read back: done" for a lost answer settled
    /// by reading the target back, "Already gone" for a target that needed nothing.
    pub note: Option<&'static str>,
    /// Whether it is on an operator: the run is then confirmed by typing.
    pub on_operator: bool,
}

impl Target {
    /// Whether its answer was lost and its outcome was settled by reading it back.
    pub fn was_read_back(&self) -> bool {
        self.note.is_some_and(|note| note.starts_with("Read back"))
    }
}

/// A run's targets, in the order they are sent.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct BulkRun {
    pub targets: Vec<Target>,
}

/// Done, failed, unknown and total, for the progress bar.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct Progress {
    pub done: usize,
    pub failed: usize,
    pub unknown: usize,
    pub total: usize,
}

impl Progress {
    /// Targets that were sent and have an outcome: done, failed or unknown.
    pub fn finished(&self) -> usize {
        self.done + self.failed + self.unknown
    }
}

impl BulkRun {
    /// A run over `actions` with their labels. The same action twice is kept once: a target is
    /// never acted on twice by one run.
    pub fn new(actions: impl IntoIterator<Item = (Action, String)>) -> BulkRun {
        BulkRun::of(
            actions
                .into_iter()
                .map(|(action, label)| (action, label, false)),
        )
    }

    /// A run over `(action, label, on an operator)`, each action once.
    fn of(targets: impl IntoIterator<Item = (Action, String, bool)>) -> BulkRun {
        let mut seen = HashSet::new();
        let targets = targets
            .into_iter()
            .filter(|(action, _, _)| seen.insert(action.clone()))
            .map(|(action, label, on_operator)| Target {
                action,
                label,
                outcome: TargetOutcome::Pending,
                note: None,
                on_operator,
            })
            .collect();
        BulkRun { targets }
    }

    /// `kind` on each of `users` it applies to, named by the user.
    pub fn for_users<'a>(kind: ActionKind, users: impl IntoIterator<Item = &'a User>) -> BulkRun {
        BulkRun::of(users.into_iter().filter_map(|user| {
            Some((kind.on_user(user)?, user.label().to_string(), user.operator))
        }))
    }

    /// `kind` on each of `sessions` (with their users) it applies to, named by user and device.
    pub fn for_sessions<'a>(
        kind: ActionKind,
        sessions: impl IntoIterator<Item = (&'a User, &'a Session)>,
    ) -> BulkRun {
        BulkRun::of(sessions.into_iter().filter_map(|(user, session)| {
            Some((
                kind.on_session(user, session)?,
                session_label(user, session),
                user.operator,
            ))
        }))
    }

    /// `kind` on those of `users` (every user a view shows, read from the server) that
    /// `selection` takes.
    pub fn for_selected_users(
        kind: ActionKind,
        users: &[User],
        selection: &Selection<UserId>,
    ) -> BulkRun {
        BulkRun::for_users(
            kind,
            users.iter().filter(|u| selection.is_ticked(&u.id, false)),
        )
    }

    /// `kind` on the sessions of `rows` (every session a view shows, read from the server)
    /// that `selection` takes: the console's own session (`own`) only when ticked on its own,
    /// and then last.
    pub fn for_selected_sessions(
        kind: ActionKind,
        rows: &[SessionRow],
        selection: &Selection<SessionKey>,
        own: Option<&SessionId>,
    ) -> BulkRun {
        let is_own = |row: &SessionRow| Some(&row.session.id) == own;
        BulkRun::for_sessions(
            kind,
            rows.iter()
                .filter(|row| selection.is_ticked(&row.key(), is_own(row)))
                .map(|row| (&row.user, &row.session)),
        )
        .own_session_last(own, true)
    }

    /// Keeps the console's own session (`own`) out of the run, unless the admin ticked it
    /// (`ticked`): then it goes last, so that everything else is sent before the console signs
    /// itself out.
    pub fn own_session_last(mut self, own: Option<&SessionId>, ticked: bool) -> BulkRun {
        let Some(own) = own else {
            return self;
        };
        let (mine, others): (Vec<Target>, Vec<Target>) = self
            .targets
            .into_iter()
            .partition(|t| t.action.session() == Some(own));
        self.targets = others;
        if ticked {
            self.targets.extend(mine);
        }
        self
    }

    /// What the run does, for titles and the log: the action's name, or "Act on" when empty.
    pub fn name(&self) -> &'static str {
        self.targets.first().map_or("Act on", |t| t.action.name())
    }

    /// Whether any target deletes data for good: the run is then confirmed by typing.
    pub fn destroys_data(&self) -> bool {
        self.targets.iter().any(|t| t.action.destroys_data())
    }

    /// How many targets are on operators.
    pub fn on_operators(&self) -> usize {
        self.targets.iter().filter(|t| t.on_operator).count()
    }

    /// Whether the run is confirmed by typing its count: its action is (deleting data,
    /// deactivating), or it acts on operators, whose sessions run the product.
    pub fn confirmed_by_typing(&self) -> bool {
        self.targets.iter().any(|t| t.action.kind().typed()) || self.on_operators() > 0
    }

    /// What the confirmation warns of, for an action that cannot simply be undone.
    pub fn warning(&self) -> Option<&'static str> {
        self.targets.first().and_then(|t| t.action.kind().warning())
    }

    /// Positions of the next targets to send: up to `size` of those still pending.
    pub fn next_chunk(&self, size: usize) -> Vec<usize> {
        self.targets
            .iter()
            .enumerate()
            .filter(|(_, t)| t.outcome == TargetOutcome::Pending)
            .map(|(i, _)| i)
            .take(size)
            .collect()
    }

    /// Records one target's outcome: Ok is done, an error says why it failed.
    pub fn settle(&mut self, at: usize, outcome: Result<(), String>) {
        if let Some(target) = self.targets.get_mut(at) {
            target.outcome = match outcome {
                Ok(()) => TargetOutcome::Done,
                Err(message) => TargetOutcome::Failed(message),
            };
        }
    }

    /// Records that `at` needed nothing (`why`): it counts as done.
    pub fn already_done(&mut self, at: usize, why: &'static str) {
        if let Some(target) = self.targets.get_mut(at) {
            target.outcome = TargetOutcome::Done;
            target.note = Some(why);
        }
    }

    /// Records that `at` was sent but its answer was lost: it may have run.
    pub fn lose(&mut self, at: usize, why: &str) {
        if let Some(target) = self.targets.get_mut(at) {
            target.outcome = TargetOutcome::Unknown(why.to_string());
        }
    }

    /// Where the targets whose answer was lost are.
    pub fn unknown(&self) -> Vec<usize> {
        self.targets
            .iter()
            .enumerate()
            .filter(|(_, t)| matches!(t.outcome, TargetOutcome::Unknown(_)))
            .map(|(i, _)| i)
            .collect()
    }

    /// Settles a lost answer from reading the target back: `done` or not, and `how` it was
    /// seen, for the results.
    pub fn settle_unknown(&mut self, at: usize, done: bool, how: &'static str) {
        if let Some(target) = self.targets.get_mut(at) {
            if matches!(target.outcome, TargetOutcome::Unknown(_)) {
                target.outcome = if done {
                    TargetOutcome::Done
                } else {
                    TargetOutcome::Failed(how.to_string())
                };
                target.note = Some(how);
            }
        }
    }

    /// Whether the run may have changed anything on the server (so the page should read it
    /// again): a target that failed or was not sent changed nothing.
    pub fn changed_anything(&self) -> bool {
        self.targets
            .iter()
            .any(|t| matches!(t.outcome, TargetOutcome::Done | TargetOutcome::Unknown(_)))
    }

    /// Records the answer for `chunk`, one result per position in order. A missing result
    /// means the answer did not say: the target may have run, so it is unknown, never pending.
    pub fn record(&mut self, chunk: &[usize], results: &[Result<(), String>]) {
        for (n, &i) in chunk.iter().enumerate() {
            match results.get(n) {
                Some(result) => self.settle(i, result.clone()),
                None => self.lose(i, "The backend's answer did not include it."),
            }
        }
    }

    /// Marks every target of `chunk` failed with `message` (the request was refused as a
    /// whole, so none of it ran).
    pub fn fail(&mut self, chunk: &[usize], message: &str) {
        for &i in chunk {
            self.settle(i, Err(message.to_string()));
        }
    }

    pub fn progress(&self) -> Progress {
        let mut progress = Progress {
            total: self.targets.len(),
            ..Progress::default()
        };
        for target in &self.targets {
            match target.outcome {
                TargetOutcome::Done => progress.done += 1,
                TargetOutcome::Failed(_) => progress.failed += 1,
                TargetOutcome::Unknown(_) => progress.unknown += 1,
                TargetOutcome::Pending => {}
            }
        }
        progress
    }

    /// A new run over the targets that failed, for "retry the failed ones": only what is known
    /// not to have happened, never a target whose outcome is unknown.
    pub fn retry_failed(&self) -> BulkRun {
        BulkRun::new(
            self.targets
                .iter()
                .filter(|t| matches!(t.outcome, TargetOutcome::Failed(_)))
                .map(|t| (t.action.clone(), t.label.clone())),
        )
    }
}

impl BulkRun {
    /// Each target's outcome as CSV, for the results download.
    pub fn results_csv(&self) -> String {
        super::csv::document(
            ["Target", "Action", "Outcome", "Error", "Note"],
            self.targets.iter().map(|t| {
                let (outcome, error) = match &t.outcome {
                    TargetOutcome::Pending => ("Not sent", ""),
                    TargetOutcome::Done => ("Done", ""),
                    TargetOutcome::Failed(message) => ("Failed", message.as_str()),
                    TargetOutcome::Unknown(message) => ("Unknown", message.as_str()),
                };
                [
                    t.label.clone(),
                    t.action.name().to_string(),
                    outcome.to_string(),
                    error.to_string(),
                    t.note.unwrap_or_default().to_string(),
                ]
            }),
        )
    }
}

/// How long to wait before resending a chunk refused with 429: at least one second, doubling
/// per attempt up to 30 s, plus up to half again at random (`jitter` in 0..1) so that many
/// consoles do not come back at the same moment.
pub fn retry_delay_millis(attempt: u32, jitter: f64) -> u32 {
    let base = 1000u32.saturating_mul(1 << attempt.min(5)).min(30_000);
    base + (f64::from(base) * 0.5 * jitter.clamp(0.0, 1.0)) as u32
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reauth(i: usize) -> (Action, String) {
        (
            Action::ReAuthenticateSession {
                user: format!("u{}", i / 2).into(),
                session: format!("s{i}").into(),
            },
            format!("user {i}"),
        )
    }

    #[test]
    fn chunks_hold_at_most_1000_and_cover_every_target_once() {
        let mut run = BulkRun::new((0..2500).map(reauth));
        let mut sizes = Vec::new();
        let mut sent = HashSet::new();
        loop {
            let chunk = run.next_chunk(CHUNK_SIZE);
            if chunk.is_empty() {
                break;
            }
            sizes.push(chunk.len());
            for &i in &chunk {
                assert!(sent.insert(i), "target {i} sent twice");
            }
            let results = vec![Ok(()); chunk.len()];
            run.record(&chunk, &results);
        }
        assert_eq!(sizes, [1000, 1000, 500]);
        assert_eq!(
            run.progress(),
            Progress {
                done: 2500,
                failed: 0,
                unknown: 0,
                total: 2500
            }
        );
    }

    #[test]
    fn the_same_target_twice_is_acted_on_once() {
        let run = BulkRun::new([reauth(1), reauth(2), reauth(1)]);
        assert_eq!(run.targets.len(), 2);
    }

    #[test]
    fn a_refused_chunk_is_resent_alone_and_nothing_that_ran_is_resent() {
        let mut run = BulkRun::new((0..1500).map(reauth));
        let first = run.next_chunk(CHUNK_SIZE);
        run.record(&first, &vec![Ok(()); first.len()]);
        // The second chunk is refused with 429: nothing recorded, so it comes back unchanged.
        let second = run.next_chunk(CHUNK_SIZE);
        assert_eq!(second, (1000..1500).collect::<Vec<_>>());
        assert_eq!(run.next_chunk(CHUNK_SIZE), second);
        let mut results: Vec<Result<(), String>> = vec![Ok(()); second.len()];
        results[7] = Err("Not found".into());
        run.record(&second, &results);
        assert!(run.next_chunk(CHUNK_SIZE).is_empty());
        assert_eq!(run.progress().failed, 1);
        assert_eq!(run.progress().done, 1499);
    }

    #[test]
    fn an_answer_missing_results_leaves_them_unknown_and_retry_takes_only_failures() {
        let mut run = BulkRun::new((0..4).map(reauth));
        let chunk = run.next_chunk(CHUNK_SIZE);
        run.record(&chunk, &[Ok(()), Err("Locked".into())]);
        assert_eq!(
            run.targets[1].outcome,
            TargetOutcome::Failed("Locked".into())
        );
        assert!(matches!(run.targets[3].outcome, TargetOutcome::Unknown(_)));
        assert_eq!(run.unknown(), [2, 3]);
        assert!(
            run.next_chunk(CHUNK_SIZE).is_empty(),
            "nothing is sent twice"
        );
        let retry = run.retry_failed();
        assert_eq!(
            retry.targets.len(),
            1,
            "unknowns are never retried unsettled"
        );
        assert!(retry
            .targets
            .iter()
            .all(|t| t.outcome == TargetOutcome::Pending));
        assert_eq!(retry.targets[0].action, run.targets[1].action);
    }

    #[test]
    fn unknowns_settle_by_reading_back_and_only_the_undone_are_retried() {
        let mut run = BulkRun::new((0..3).map(reauth));
        for at in 0..3 {
            run.lose(at, "connection reset");
        }
        assert!(
            run.changed_anything(),
            "a lost answer may have changed something"
        );
        run.settle_unknown(0, true, "Read back: done");
        run.settle_unknown(1, false, "Read back: not done");
        run.settle_unknown(1, true, "a second settling changes nothing");
        assert_eq!(run.targets[0].outcome, TargetOutcome::Done);
        assert_eq!(run.targets[1].note, Some("Read back: not done"));
        assert_eq!(
            run.progress(),
            Progress {
                done: 1,
                failed: 1,
                unknown: 1,
                total: 3
            }
        );
        assert_eq!(run.retry_failed().targets.len(), 1);
        assert!(run.results_csv().contains(
            "user 1,Re-authenticate session,Failed,Read back: not done,Read back: not done"
        ));
    }

    #[test]
    fn results_export_every_target_and_summarise() {
        let mut run = BulkRun::new((0..3).map(reauth));
        run.record(&[0, 1], &[Ok(()), Err("Locked, \"gone\"".into())]);
        assert_eq!(
            run.results_csv(),
            "Target,Action,Outcome,Error,Note\r\n\
             user 0,Re-authenticate session,Done,,\r\n\
             user 1,Re-authenticate session,Failed,\"Locked, \"\"gone\"\"\",\r\n\
             user 2,Re-authenticate session,Not sent,,\r\n"
        );
        let p = run.progress();
        assert_eq!((p.done, p.failed, p.total - p.finished()), (1, 1, 1));
    }

    #[test]
    fn retry_delays_start_at_a_second_and_grow_with_jitter() {
        assert_eq!(retry_delay_millis(0, 0.0), 1000);
        assert_eq!(retry_delay_millis(0, 1.0), 1500);
        assert_eq!(retry_delay_millis(1, 0.0), 2000);
        assert_eq!(retry_delay_millis(3, 0.5), 10_000);
        assert_eq!(retry_delay_millis(9, 0.0), 30_000);
        assert!(retry_delay_millis(40, 7.0) <= 45_000);
        for attempt in 0..10 {
            assert!(retry_delay_millis(attempt, 0.0) >= 1000);
        }
    }

    #[test]
    fn the_consoles_own_session_is_left_out_unless_ticked_and_then_goes_last() {
        let revoke = |session: &str| {
            (
                Action::RevokeSession {
                    user: "admin".into(),
                    session: session.into(),
                },
                session.to_string(),
            )
        };
        let run = || BulkRun::new([revoke("a"), revoke("own"), revoke("b")]);
        let sessions =
            |run: BulkRun| -> Vec<String> { run.targets.iter().map(|t| t.label.clone()).collect() };
        let own = SessionId::from("own");
        assert_eq!(
            sessions(run().own_session_last(Some(&own), false)),
            ["a", "b"]
        );
        assert_eq!(
            sessions(run().own_session_last(Some(&own), true)),
            ["a", "b", "own"]
        );
        assert_eq!(
            sessions(run().own_session_last(None, false)),
            ["a", "own", "b"]
        );
    }

    #[test]
    fn a_run_over_all_matching_takes_what_the_selection_takes() {
        use crate::model::SessionState;
        let row = |user: &str, session: &str| SessionRow {
            user: User {
                id: user.into(),
                ..User::default()
            },
            session: Session {
                id: session.into(),
                state: SessionState::Active,
                label: Some(session.to_uppercase()),
                ..Session::default()
            },
        };
        let rows = [
            row("admin", "own"),
            row("999", "a"),
            row("jana", "b"),
            row("999", "c"),
        ];
        let own = SessionId::from("own");
        let mut selection = Selection::default();
        selection.tick_all_matching();
        selection.tick(("jana".into(), "b".into()), false, false);
        let run = BulkRun::for_selected_sessions(
            ActionKind::RevokeSession,
            &rows,
            &selection,
            Some(&own),
        );
        let sessions: Vec<&str> = run
            .targets
            .iter()
            .filter_map(|t| t.action.session())
            .map(|s| s.as_str())
            .collect();
        assert_eq!(
            sessions,
            ["a", "c"],
            "not the unticked one, not the console's own"
        );
        selection.tick(("admin".into(), "own".into()), true, true);
        let run = BulkRun::for_selected_sessions(
            ActionKind::RevokeSession,
            &rows,
            &selection,
            Some(&own),
        );
        let sessions: Vec<&str> = run
            .targets
            .iter()
            .filter_map(|t| t.action.session())
            .map(|s| s.as_str())
            .collect();
        assert_eq!(
            sessions,
            ["a", "c", "own"],
            "ticked on its own: taken, last"
        );
    }

    #[test]
    fn a_run_over_all_matching_users_leaves_out_the_unticked_and_those_it_does_not_apply_to() {
        let person = |id: &str, disabled: bool| User {
            id: id.into(),
            disabled,
            ..User::default()
        };
        let users = [
            person("a", false),
            person("b", true),
            person("c", false),
            person("d", false),
        ];
        let mut selection = Selection::default();
        selection.tick_all_matching();
        selection.tick("c".into(), false, false);
        let run = BulkRun::for_selected_users(ActionKind::Disable, &users, &selection);
        let ids: Vec<&str> = run
            .targets
            .iter()
            .map(|t| t.action.user().as_str())
            .collect();
        assert_eq!(ids, ["a", "d"], "b is disabled already, c was unticked");
        let deactivate = BulkRun::for_selected_users(ActionKind::Deactivate, &users, &selection);
        assert!(deactivate.confirmed_by_typing() && deactivate.warning().is_some());
    }

    #[test]
    fn a_run_on_operators_is_confirmed_by_typing() {
        let session = |id: &str| Session {
            id: id.into(),
            state: crate::model::SessionState::Active,
            ..Session::default()
        };
        let people = [
            User {
                id: "op".into(),
                operator: true,
                sessions: vec![session("1")],
                ..User::default()
            },
            User {
                id: "clerk".into(),
                sessions: vec![session("2"), session("3")],
                ..User::default()
            },
        ];
        let rows = |users: &'static [usize]| {
            let people = &people;
            users
                .iter()
                .flat_map(move |&u| people[u].sessions.iter().map(move |s| (&people[u], s)))
        };
        let clerks = BulkRun::for_sessions(ActionKind::RevokeSession, rows(&[1]));
        assert_eq!(
            (clerks.on_operators(), clerks.confirmed_by_typing()),
            (0, false)
        );
        let everyone = BulkRun::for_sessions(ActionKind::RevokeSession, rows(&[0, 1]));
        assert_eq!(
            (everyone.on_operators(), everyone.confirmed_by_typing()),
            (1, true)
        );
    }

    #[test]
    fn runs_are_built_through_the_rules() {
        use crate::model::SessionState;
        let user = |id: &str, locked: bool, states: &[SessionState]| User {
            id: id.into(),
            display_name: Some(format!("User {id}")),
            locked,
            sessions: states
                .iter()
                .enumerate()
                .map(|(i, state)| Session {
                    id: format!("{id}-s{i}").into(),
                    state: state.clone(),
                    ..Session::default()
                })
                .collect(),
            ..User::default()
        };
        let users = [
            user("a", false, &[SessionState::Enrolled, SessionState::Locked]),
            user("b", true, &[SessionState::Reset]),
        ];
        let wipe = BulkRun::for_users(ActionKind::LockAndWipe, &users);
        assert_eq!(wipe.targets.len(), 1, "a locked user is not locked again");
        assert!(wipe.destroys_data());
        assert_eq!(wipe.name(), "Lock and wipe");
        assert_eq!(
            BulkRun::for_users(ActionKind::Unlock, &users).targets[0].label,
            "User b"
        );
        let sessions = users
            .iter()
            .flat_map(|u| u.sessions.iter().map(move |s| (u, s)));
        let reauth = BulkRun::for_sessions(ActionKind::ReAuthenticateSession, sessions.clone());
        assert_eq!(reauth.targets.len(), 1);
        assert_eq!(reauth.targets[0].label, "User a – unnamed device");
        assert!(!reauth.destroys_data());
        assert_eq!(
            BulkRun::for_sessions(ActionKind::WipeSession, sessions)
                .targets
                .len(),
            2
        );
        assert_eq!(BulkRun::default().name(), "Act on");
    }

    #[test]
    fn a_run_changed_something_once_any_target_is_done() {
        let mut run = BulkRun::new((0..3).map(reauth));
        assert!(!run.changed_anything());
        run.settle(1, Err("Gone".into()));
        assert!(!run.changed_anything(), "a failure changed nothing");
        run.settle(2, Ok(()));
        assert!(run.changed_anything());
        run.settle(7, Ok(()));
        assert_eq!(
            run.progress().finished(),
            2,
            "an unknown position is ignored"
        );
    }
}
