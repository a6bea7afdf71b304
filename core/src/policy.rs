//! Policies: "do this to every session whose <time> is more than N days old", previewed from
//! current data, then run as one bulk action. Each backend names the policy it supports in its
//! capabilities; the action's own rule still decides where it applies.

use crate::bulk::BulkRun;
use crate::model::action::ActionKind;
use crate::model::{SessionState, User};
use crate::table::more_than_days_ago;
use crate::table::sessions::{SessionAt, SessionColumn};
use chrono::{DateTime, Utc};
use std::collections::BTreeMap;

/// A policy a backend supports.
#[derive(Clone, Debug, PartialEq)]
pub struct Policy {
    /// What is done to each session it covers.
    pub action: ActionKind,
    /// The time measured: a time column of the sessions table.
    pub age: SessionColumn,
    /// Only sessions in this state, when set.
    pub only: Option<SessionState>,
    pub default_days: u32,
    /// The page's heading and what it explains.
    pub title: &'static str,
    pub explanation: &'static str,
    /// The label of the days field: "Last authenticated more than (days)".
    pub days_label: &'static str,
    /// What the covered sessions are called: "enrolled sessions".
    pub noun: &'static str,
    /// How their age is said: "were last authenticated".
    pub age_phrase: &'static str,
    /// What the run button does: "Re-authenticate".
    pub verb: &'static str,
}

/// JourneyApps' re-authentication policy (seed 002): re-authenticate every ENROLLED session
/// whose last authentication is more than N days old.
pub const REAUTHENTICATE_STALE: Policy = Policy {
    action: ActionKind::ReAuthenticateSession,
    age: SessionColumn::LastAuthenticated,
    only: Some(SessionState::Enrolled),
    default_days: 30,
    title: "Re-authentication policy",
    explanation: "Signs out every enrolled device whose user last signed in on it more than N \
                  days ago; they must sign in again. No data is deleted.",
    days_label: "Last authenticated more than (days)",
    noun: "enrolled sessions",
    age_phrase: "were last authenticated",
    verb: "Re-authenticate",
};

impl Policy {
    /// Where the sessions the policy covers are, for `days`. A session that never reported the
    /// time counts as old: a policy errs towards acting.
    pub fn sessions(&self, users: &[User], days: u32, now: DateTime<Utc>) -> Vec<SessionAt> {
        users
            .iter()
            .enumerate()
            .flat_map(|(u, user)| {
                user.sessions
                    .iter()
                    .enumerate()
                    .filter(move |(_, s)| {
                        self.only.as_ref().is_none_or(|state| &s.state == state)
                            && self.action.on_session(user, s).is_some()
                            && more_than_days_ago(self.age.time_of(s), days, now)
                    })
                    .map(move |(s, _)| (u, s))
            })
            .collect()
    }

    /// "12 enrolled sessions were last authenticated more than 30 days ago."
    pub fn summary(&self, count: usize, days: u32) -> String {
        format!(
            "{count} {} {} more than {days} days ago.",
            self.noun, self.age_phrase
        )
    }

    /// The bulk run over `found`.
    pub fn run(&self, users: &[User], found: &[SessionAt]) -> BulkRun {
        BulkRun::for_sessions(
            self.action,
            found
                .iter()
                .filter_map(|&(u, s)| Some((users.get(u)?, users.get(u)?.sessions.get(s)?))),
        )
    }
}

/// How many of `found` are on each platform ("unknown" when not reported), by platform name.
pub fn count_by_platform(users: &[User], found: &[SessionAt]) -> Vec<(String, usize)> {
    let mut counts = BTreeMap::new();
    for &(u, s) in found {
        let platform = users
            .get(u)
            .and_then(|user| user.sessions.get(s))
            .and_then(|session| session.platform.clone())
            .unwrap_or_else(|| "unknown".into());
        *counts.entry(platform).or_insert(0) += 1;
    }
    counts.into_iter().collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::action::Action;
    use crate::model::Session;
    use chrono::Duration;

    fn now() -> DateTime<Utc> {
        DateTime::from_timestamp(1_800_000_000, 0).unwrap()
    }

    fn session(id: &str, state: SessionState, auth: Option<Duration>, platform: &str) -> Session {
        Session {
            id: id.into(),
            state,
            last_authenticated_at: auth.map(|ago| now() - ago),
            platform: Some(platform.into()),
            ..Session::default()
        }
    }

    #[test]
    fn selects_enrolled_sessions_older_than_exactly_n_days() {
        let day = Duration::days(1);
        let policy = REAUTHENTICATE_STALE;
        let users = vec![
            User {
                id: "u1".into(),
                sessions: vec![
                    session("exactly-30", SessionState::Enrolled, Some(day * 30), "IOS"),
                    session(
                        "30-and-a-second",
                        SessionState::Enrolled,
                        Some(day * 30 + Duration::seconds(1)),
                        "IOS",
                    ),
                    session(
                        "old-but-locked",
                        SessionState::Locked,
                        Some(day * 90),
                        "IOS",
                    ),
                    session(
                        "old-unknown-state",
                        SessionState::Other("SUSPENDED".into()),
                        Some(day * 90),
                        "IOS",
                    ),
                ],
                ..User::default()
            },
            User {
                id: "u2".into(),
                display_name: Some("Ben".into()),
                sessions: vec![
                    session("fresh", SessionState::Enrolled, Some(day * 2), "ANDROID"),
                    session("never", SessionState::Enrolled, None, "ANDROID"),
                    session("old-reset", SessionState::Reset, Some(day * 400), "CHROME"),
                ],
                ..User::default()
            },
        ];
        let found = policy.sessions(&users, policy.default_days, now());
        let ids: Vec<&str> = found
            .iter()
            .map(|&(u, s)| users[u].sessions[s].id.as_str())
            .collect();
        assert_eq!(ids, ["30-and-a-second", "never"]);
        assert_eq!(
            count_by_platform(&users, &found),
            [("ANDROID".to_string(), 1), ("IOS".to_string(), 1)]
        );
        let run = policy.run(&users, &found);
        assert_eq!(
            run.targets[1].action,
            Action::ReAuthenticateSession {
                user: "u2".into(),
                session: "never".into()
            }
        );
        assert_eq!(run.targets[1].label, "Ben – unnamed device");
        assert_eq!(policy.sessions(&users, 0, now()).len(), 4);
        assert_eq!(
            policy.summary(2, 30),
            "2 enrolled sessions were last authenticated more than 30 days ago."
        );
    }
}
