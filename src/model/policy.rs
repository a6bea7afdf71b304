//! The re-authentication policy: "re-authenticate every ENROLLED session whose last
//! authentication is more than N days old", previewed from current data, run as one bulk action.

use super::view::more_than_days_ago;
use super::{session_label, SessionState, User};
use crate::connector::Action;
use chrono::{DateTime, Utc};
use std::collections::BTreeMap;

/// The policy's default age, in days.
pub const DEFAULT_DAYS: u32 = 30;

/// Where the sessions the policy applies to are: (user position, session position). A session
/// that never reported an authentication counts as old: the policy errs towards signing out.
pub fn stale_sessions(users: &[User], days: u32, now: DateTime<Utc>) -> Vec<(usize, usize)> {
    users
        .iter()
        .enumerate()
        .flat_map(|(u, user)| {
            user.sessions
                .iter()
                .enumerate()
                .filter(move |(_, s)| {
                    s.state == SessionState::Enrolled
                        && more_than_days_ago(s.last_authenticated_at, days, now)
                })
                .map(move |(s, _)| (u, s))
        })
        .collect()
}

/// How many of `found` are on each platform ("unknown" when not reported), by platform name.
pub fn count_by_platform(users: &[User], found: &[(usize, usize)]) -> Vec<(String, usize)> {
    let mut counts = BTreeMap::new();
    for &(u, s) in found {
        let platform = users[u].sessions[s]
            .platform
            .clone()
            .unwrap_or_else(|| "unknown".into());
        *counts.entry(platform).or_insert(0) += 1;
    }
    counts.into_iter().collect()
}

/// The re-authentications to run, each labelled with its user and device.
pub fn reauthentications(users: &[User], found: &[(usize, usize)]) -> Vec<(Action, String)> {
    found
        .iter()
        .map(|&(u, s)| {
            let (user, session) = (&users[u], &users[u].sessions[s]);
            (
                Action::ReAuthenticateSession {
                    user_id: user.id.clone(),
                    session_id: session.id.clone(),
                },
                session_label(user, session),
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
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
        let found = stale_sessions(&users, DEFAULT_DAYS, now());
        let ids: Vec<&str> = found
            .iter()
            .map(|&(u, s)| users[u].sessions[s].id.as_str())
            .collect();
        assert_eq!(ids, ["30-and-a-second", "never"]);
        assert_eq!(
            count_by_platform(&users, &found),
            [("ANDROID".to_string(), 1), ("IOS".to_string(), 1)]
        );
        let actions = reauthentications(&users, &found);
        assert_eq!(
            actions[1].0,
            Action::ReAuthenticateSession {
                user_id: "u2".into(),
                session_id: "never".into()
            }
        );
        assert_eq!(actions[1].1, "Ben – unnamed device");
        assert_eq!(stale_sessions(&users, 0, now()).len(), 4);
    }
}
