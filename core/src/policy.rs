//! Policies: "do this to every session whose <time> is more than N days old", previewed from
//! current data, then run as one bulk action. Each backend names the policy it supports in its
//! capabilities; the action's own rule still decides where it applies.

use crate::bulk::BulkRun;
use crate::model::action::ActionKind;
use crate::model::{SessionState, User};
use crate::table::more_than_days_ago;
use crate::table::sessions::{SessionAt, SessionColumn, SessionsView};
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
    /// The columns the preview shows (the age column follows them).
    pub preview: &'static [SessionColumn],
    /// What the preview counts the sessions by: platform, environment.
    pub group_by: SessionColumn,
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
    preview: &[
        SessionColumn::User,
        SessionColumn::Device,
        SessionColumn::Platform,
    ],
    group_by: SessionColumn::Platform,
    default_days: 30,
    title: "Re-authentication policy",
    explanation: "Signs out every enrolled device whose user last signed in on it more than N \
                  days ago; they must sign in again. No data is deleted.",
    days_label: "Last authenticated more than (days)",
    noun: "enrolled sessions",
    age_phrase: "were last authenticated",
    verb: "Re-authenticate",
};

/// PORTOS' idle policy: revoke every session whose device has not been used for more than N
/// days.
pub const REVOKE_IDLE: Policy = Policy {
    action: ActionKind::RevokeSession,
    age: SessionColumn::LastAccess,
    only: None,
    preview: &[
        SessionColumn::User,
        SessionColumn::Device,
        SessionColumn::Environment,
    ],
    group_by: SessionColumn::Environment,
    default_days: 30,
    title: "Idle session policy",
    explanation: "Revokes every session whose device has not been used for more than N days; \
                  whoever uses it must sign in again. No data is deleted.",
    days_label: "Last access more than (days)",
    noun: "sessions",
    age_phrase: "were last used",
    verb: "Revoke",
};

/// The authenticated sessions' stale policy: revoke every session not updated for more than
/// N days.
pub const REVOKE_NOT_UPDATED: Policy = Policy {
    action: ActionKind::RevokeSession,
    age: SessionColumn::LastUpdated,
    only: None,
    preview: &[
        SessionColumn::User,
        SessionColumn::Smartphone,
        SessionColumn::Application,
    ],
    group_by: SessionColumn::OperatingSystem,
    default_days: 30,
    title: "Stale session policy",
    explanation: "Revokes every session not updated for more than N days; whoever uses it must \
                  sign in again. No data is deleted.",
    days_label: "Last updated more than (days)",
    noun: "sessions",
    age_phrase: "were last updated",
    verb: "Revoke",
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

    /// The sessions table's view of what the policy covers for `days`: a backend that filters
    /// on the server previews and runs the policy through it.
    pub fn view(&self, days: u32) -> SessionsView {
        let mut view = SessionsView {
            state: self.only.clone(),
            ..SessionsView::default()
        };
        match self.age {
            SessionColumn::LastAuthenticated => view.auth_days = Some(days),
            _ => view.idle_days = Some(days),
        }
        view
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

/// How many of `found` there are of each value of `column` (platform, environment; "unknown"
/// when not reported), by value.
pub fn count_by(
    column: SessionColumn,
    users: &[User],
    found: &[SessionAt],
) -> Vec<(String, usize)> {
    let mut counts = BTreeMap::new();
    for &(u, s) in found {
        let Some(user) = users.get(u) else { continue };
        let Some(session) = user.sessions.get(s) else {
            continue;
        };
        let value = column.csv_value(user, session);
        let value = if value.is_empty() {
            "unknown".into()
        } else {
            value
        };
        *counts.entry(value).or_insert(0) += 1;
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
            count_by(policy.group_by, &users, &found),
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
    }

    #[test]
    fn the_policys_view_shows_what_the_policy_covers() {
        use crate::table::sessions::SessionsData;
        use crate::table::TableModel;
        let day = Duration::days(1);
        let access = |id: &str, ago: Option<Duration>| Session {
            id: id.into(),
            state: SessionState::Active,
            last_connected_at: ago.map(|ago| now() - ago),
            environment: Some("PDA".into()),
            ..Session::default()
        };
        let users = vec![User {
            id: "999".into(),
            sessions: vec![
                access("old", Some(day * 31)),
                access("new", Some(day * 2)),
                access("exactly", Some(day * 30)),
                access("never", None),
            ],
            ..User::default()
        }];
        for policy in [REVOKE_IDLE, REAUTHENTICATE_STALE, REVOKE_NOT_UPDATED] {
            let mut covered = policy.sessions(&users, 30, now());
            let data = SessionsData::new(users.clone());
            let mut shown = data.positions(&policy.view(30), now());
            shown.retain(|&(u, s)| {
                policy
                    .action
                    .on_session(&users[u], &users[u].sessions[s])
                    .is_some()
            });
            covered.sort();
            shown.sort();
            assert_eq!(shown, covered, "{}", policy.title);
        }
        let found = REVOKE_IDLE.sessions(&users, 30, now());
        assert_eq!(found.len(), 2);
        assert_eq!(
            count_by(REVOKE_IDLE.group_by, &users, &found),
            [("PDA".to_string(), 2)]
        );
        assert_eq!(REVOKE_IDLE.view(7).idle_days, Some(7));
        assert_eq!(REAUTHENTICATE_STALE.view(7).auth_days, Some(7));
    }
}
