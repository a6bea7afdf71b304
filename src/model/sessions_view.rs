//! What the all-sessions table shows: every session of every user, searched, filtered and
//! sorted, with all of it in the URL like the users table.

use super::view::{
    contains_folded, directed, more_than_days_ago, read_sort, write_sort, Column, TableView,
};
use super::{Session, SessionState, User};
use chrono::{DateTime, Utc};
use std::cmp::Ordering;

/// A column the sessions table can be sorted by.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum SessionSortKey {
    #[default]
    User,
    Device,
    State,
    Platform,
    LastConnected,
    LastAuthenticated,
}

impl Column for SessionSortKey {
    const ALL: &'static [SessionSortKey] = &[
        SessionSortKey::User,
        SessionSortKey::Device,
        SessionSortKey::State,
        SessionSortKey::Platform,
        SessionSortKey::LastConnected,
        SessionSortKey::LastAuthenticated,
    ];

    fn key(self) -> &'static str {
        match self {
            SessionSortKey::User => "user",
            SessionSortKey::Device => "device",
            SessionSortKey::State => "state",
            SessionSortKey::Platform => "platform",
            SessionSortKey::LastConnected => "last_connected",
            SessionSortKey::LastAuthenticated => "last_authenticated",
        }
    }
}

/// The states the filter offers, in menu order.
pub const STATES: [SessionState; 4] = [
    SessionState::Enrolled,
    SessionState::Locked,
    SessionState::Reset,
    SessionState::NeverEnrolled,
];

/// The view of the sessions table.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct SessionsView {
    /// Matches the device label and id and the user's name and id, ignoring case.
    pub search: String,
    pub state: Option<SessionState>,
    pub platform: Option<String>,
    /// Sessions whose last connection is more than this many days ago (or never).
    pub idle_days: Option<u32>,
    /// Sessions whose last authentication is more than this many days ago (or never).
    pub auth_days: Option<u32>,
    pub sort: SessionSortKey,
    pub descending: bool,
}

/// Where a row's session is: the user's position in the list, the session's in the user.
pub type SessionAt = (usize, usize);

impl TableView for SessionsView {
    type Key = SessionSortKey;
    const PARAMS: &'static [&'static str] =
        &["q", "state", "platform", "idle", "auth", "sort", "dir"];

    fn from_query<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> SessionsView {
        let mut view = SessionsView::default();
        let mut sort = view.sort();
        for (name, value) in pairs {
            match name {
                "q" => view.search = value.to_string(),
                "state" => view.state = STATES.into_iter().find(|s| s.wire() == value),
                "platform" if !value.is_empty() => view.platform = Some(value.to_string()),
                "idle" => view.idle_days = value.parse().ok(),
                "auth" => view.auth_days = value.parse().ok(),
                _ => {
                    read_sort(&mut sort, name, value);
                }
            }
        }
        view.with_sort(sort.0, sort.1)
    }

    fn to_query(&self) -> Vec<(&'static str, String)> {
        let mut pairs = Vec::new();
        if !self.search.is_empty() {
            pairs.push(("q", self.search.clone()));
        }
        if let Some(state) = &self.state {
            pairs.push(("state", state.wire().to_string()));
        }
        if let Some(platform) = &self.platform {
            pairs.push(("platform", platform.clone()));
        }
        if let Some(days) = self.idle_days {
            pairs.push(("idle", days.to_string()));
        }
        if let Some(days) = self.auth_days {
            pairs.push(("auth", days.to_string()));
        }
        write_sort(self.sort(), &mut pairs);
        pairs
    }

    fn sort(&self) -> (SessionSortKey, bool) {
        (self.sort, self.descending)
    }

    fn with_sort(&self, sort: SessionSortKey, descending: bool) -> SessionsView {
        SessionsView {
            sort,
            descending,
            ..self.clone()
        }
    }
}

impl SessionsView {
    /// Whether the session of `user` passes the search and every filter.
    pub fn matches(&self, user: &User, session: &Session, now: DateTime<Utc>) -> bool {
        let search = self.search.trim().to_lowercase();
        let found = search.is_empty()
            || [
                Some(user.id.as_str()),
                user.display_name.as_deref(),
                session.label.as_deref(),
                session.device_id.as_deref(),
            ]
            .into_iter()
            .flatten()
            .any(|text| contains_folded(text, &search));
        let state = self.state.as_ref().is_none_or(|s| &session.state == s);
        let platform = self
            .platform
            .as_deref()
            .is_none_or(|p| session.platform.as_deref() == Some(p));
        let idle = self
            .idle_days
            .is_none_or(|days| more_than_days_ago(session.last_connected_at, days, now));
        let auth = self
            .auth_days
            .is_none_or(|days| more_than_days_ago(session.last_authenticated_at, days, now));
        found && state && platform && idle && auth
    }

    /// Where the sessions this view shows are, in its order (stable: ties keep the order of
    /// users and of each user's sessions).
    pub fn positions(&self, users: &[User], now: DateTime<Utc>) -> Vec<SessionAt> {
        let mut shown: Vec<SessionAt> = users
            .iter()
            .enumerate()
            .flat_map(|(u, user)| {
                user.sessions
                    .iter()
                    .enumerate()
                    .filter(move |(_, session)| self.matches(user, session, now))
                    .map(move |(s, _)| (u, s))
            })
            .collect();
        let row = |&(u, s): &SessionAt| (&users[u], &users[u].sessions[s]);
        shown.sort_by(|a, b| directed(compare(self.sort, row(a), row(b)), self.descending));
        shown
    }
}

/// The sessions at `positions` as CSV, with the table's columns.
pub fn sessions_csv(users: &[User], positions: &[SessionAt]) -> String {
    use super::csv::timestamp;
    super::csv::document(
        &[
            "User",
            "User id",
            "Device",
            "State",
            "Platform",
            "Last connected (UTC)",
            "Last authenticated (UTC)",
            "Device id",
            "Session id",
        ],
        positions.iter().map(|&(u, s)| {
            let (user, session) = (&users[u], &users[u].sessions[s]);
            [
                user.label().to_string(),
                user.id.clone(),
                session.label.clone().unwrap_or_default(),
                session.state.wire().to_string(),
                session.platform.clone().unwrap_or_default(),
                timestamp(session.last_connected_at),
                timestamp(session.last_authenticated_at),
                session.device_id.clone().unwrap_or_default(),
                session.id.clone(),
            ]
        }),
    )
}

fn compare(key: SessionSortKey, a: (&User, &Session), b: (&User, &Session)) -> Ordering {
    let ((user_a, a), (user_b, b)) = (a, b);
    match key {
        SessionSortKey::User => user_a
            .label()
            .to_lowercase()
            .cmp(&user_b.label().to_lowercase()),
        SessionSortKey::Device => a.label.cmp(&b.label),
        SessionSortKey::State => a.state.cmp(&b.state),
        SessionSortKey::Platform => a.platform.cmp(&b.platform),
        // Never sorts as the oldest.
        SessionSortKey::LastConnected => a.last_connected_at.cmp(&b.last_connected_at),
        SessionSortKey::LastAuthenticated => a.last_authenticated_at.cmp(&b.last_authenticated_at),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Duration;

    fn now() -> DateTime<Utc> {
        DateTime::from_timestamp(1_800_000_000, 0).unwrap()
    }

    fn session(
        id: &str,
        state: SessionState,
        platform: &str,
        connected: i64,
        auth: i64,
    ) -> Session {
        Session {
            id: id.into(),
            state,
            platform: Some(platform.into()),
            label: Some(format!("Device {id}")),
            device_id: Some(format!("dev-{id}")),
            last_connected_at: Some(now() - Duration::days(connected)),
            last_authenticated_at: Some(now() - Duration::days(auth)),
            ..Session::default()
        }
    }

    fn people() -> Vec<User> {
        vec![
            User {
                id: "u-1".into(),
                display_name: Some("Ann Lee".into()),
                sessions: vec![
                    session("a", SessionState::Enrolled, "IOS", 1, 40),
                    session("b", SessionState::Locked, "ANDROID", 50, 60),
                ],
                ..User::default()
            },
            User {
                id: "u-2".into(),
                display_name: Some("Ben Okafor".into()),
                sessions: vec![session("c", SessionState::Enrolled, "ANDROID", 3, 30)],
                ..User::default()
            },
            User {
                id: "u-3".into(),
                sessions: vec![Session {
                    id: "d".into(),
                    ..Session::default()
                }],
                ..User::default()
            },
        ]
    }

    fn ids(view: &SessionsView, users: &[User]) -> Vec<String> {
        view.positions(users, now())
            .into_iter()
            .map(|(u, s)| users[u].sessions[s].id.clone())
            .collect()
    }

    #[test]
    fn lists_every_session_of_every_user_and_searches_devices_and_users() {
        let users = people();
        let view = |q: &str| SessionsView {
            search: q.into(),
            ..SessionsView::default()
        };
        assert_eq!(ids(&view(""), &users), ["a", "b", "c", "d"]);
        assert_eq!(ids(&view("ann"), &users), ["a", "b"]);
        assert_eq!(ids(&view("DEVICE C"), &users), ["c"]);
        assert_eq!(ids(&view("dev-b"), &users), ["b"]);
        assert_eq!(ids(&view("u-3"), &users), ["d"]);
    }

    #[test]
    fn filters_by_state_platform_and_both_ages() {
        let users = people();
        let enrolled_android = SessionsView {
            state: Some(SessionState::Enrolled),
            platform: Some("ANDROID".into()),
            ..SessionsView::default()
        };
        assert_eq!(ids(&enrolled_android, &users), ["c"]);
        // Exactly 30 days since authentication is not more than 30 days; never is.
        let auth = |days| SessionsView {
            auth_days: Some(days),
            ..SessionsView::default()
        };
        assert_eq!(ids(&auth(30), &users), ["a", "b", "d"]);
        assert_eq!(ids(&auth(29), &users), ["a", "b", "c", "d"]);
        let idle = SessionsView {
            idle_days: Some(2),
            ..SessionsView::default()
        };
        assert_eq!(ids(&idle, &users), ["b", "c", "d"]);
    }

    #[test]
    fn sorts_by_every_column_both_ways() {
        let users = people();
        let sorted = |sort, descending| {
            ids(
                &SessionsView {
                    sort,
                    descending,
                    ..SessionsView::default()
                },
                &users,
            )
        };
        assert_eq!(
            sorted(SessionSortKey::LastConnected, false),
            ["d", "b", "c", "a"]
        );
        assert_eq!(
            sorted(SessionSortKey::LastConnected, true),
            ["a", "c", "b", "d"]
        );
        assert_eq!(
            sorted(SessionSortKey::LastAuthenticated, false),
            ["d", "b", "a", "c"]
        );
        assert_eq!(sorted(SessionSortKey::State, false), ["a", "c", "b", "d"]);
        assert_eq!(
            sorted(SessionSortKey::Platform, false),
            ["d", "b", "c", "a"]
        );
        assert_eq!(sorted(SessionSortKey::Device, true), ["c", "b", "a", "d"]);
        assert_eq!(sorted(SessionSortKey::User, false), ["a", "b", "c", "d"]);
    }

    #[test]
    fn the_url_round_trips_and_ignores_junk() {
        let view = SessionsView {
            search: "tablet 7".into(),
            state: Some(SessionState::Reset),
            platform: Some("CHROME".into()),
            idle_days: Some(14),
            auth_days: Some(30),
            sort: SessionSortKey::LastAuthenticated,
            descending: true,
        };
        let query = view.to_query();
        let back = SessionsView::from_query(query.iter().map(|(k, v)| (*k, v.as_str())));
        assert_eq!(back, view);
        assert!(SessionsView::default().to_query().is_empty());
        let junk = SessionsView::from_query([("state", "ASLEEP"), ("auth", "x"), ("sort", "?")]);
        assert_eq!(junk, SessionsView::default());
    }
}
