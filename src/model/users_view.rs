//! What the users table shows: search, filters and sort, read from and written to the URL's
//! query so a copied link reproduces the view.

use super::view::{directed, more_than_days_ago, read_sort, write_sort, Column, TableView};
use super::{User, UserStatus};
use chrono::{DateTime, Utc};
use std::cmp::Ordering;
use std::collections::BTreeSet;

/// A column the users table can be sorted by.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum SortKey {
    #[default]
    Name,
    Id,
    Status,
    Sessions,
    Platforms,
    LastConnected,
}

impl Column for SortKey {
    const ALL: &'static [SortKey] = &[
        SortKey::Name,
        SortKey::Id,
        SortKey::Status,
        SortKey::Sessions,
        SortKey::Platforms,
        SortKey::LastConnected,
    ];

    fn key(self) -> &'static str {
        match self {
            SortKey::Name => "name",
            SortKey::Id => "id",
            SortKey::Status => "status",
            SortKey::Sessions => "sessions",
            SortKey::Platforms => "platforms",
            SortKey::LastConnected => "last_connected",
        }
    }
}

/// The view of the users table: every part optional, all of it in the URL.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct UsersView {
    /// Matches display names and ids, ignoring case.
    pub search: String,
    pub status: Option<UserStatus>,
    /// Users with at least one session on this platform.
    pub platform: Option<String>,
    /// Users whose last connection is more than this many days ago (or who never connected).
    pub idle_days: Option<u32>,
    pub sort: SortKey,
    pub descending: bool,
}

/// The value of a status in the URL.
pub fn status_key(status: UserStatus) -> &'static str {
    match status {
        UserStatus::Enrolled => "enrolled",
        UserStatus::NotEnrolled => "not_enrolled",
        UserStatus::Locked => "locked",
    }
}

/// The status values of the filter, in the order the menu lists them.
pub const STATUSES: [UserStatus; 3] = [
    UserStatus::Enrolled,
    UserStatus::NotEnrolled,
    UserStatus::Locked,
];

impl TableView for UsersView {
    type Key = SortKey;
    const PARAMS: &'static [&'static str] = &["q", "status", "platform", "idle", "sort", "dir"];

    fn from_query<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> UsersView {
        let mut view = UsersView::default();
        let mut sort = view.sort();
        for (name, value) in pairs {
            match name {
                "q" => view.search = value.to_string(),
                "status" => view.status = STATUSES.into_iter().find(|s| status_key(*s) == value),
                "platform" if !value.is_empty() => view.platform = Some(value.to_string()),
                "idle" => view.idle_days = value.parse().ok(),
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
        if let Some(status) = self.status {
            pairs.push(("status", status_key(status).to_string()));
        }
        if let Some(platform) = &self.platform {
            pairs.push(("platform", platform.clone()));
        }
        if let Some(days) = self.idle_days {
            pairs.push(("idle", days.to_string()));
        }
        write_sort(self.sort(), &mut pairs);
        pairs
    }

    fn sort(&self) -> (SortKey, bool) {
        (self.sort, self.descending)
    }

    fn with_sort(&self, sort: SortKey, descending: bool) -> UsersView {
        UsersView {
            sort,
            descending,
            ..self.clone()
        }
    }
}

/// A user's text as search and the name sort compare it: lower-cased once per load instead of
/// on every keystroke and every comparison.
#[derive(Clone, Debug, PartialEq)]
pub struct Folded {
    id: String,
    display_name: Option<String>,
    label: String,
}

/// The folded text of each of `users`, in the same order.
pub fn fold(users: &[User]) -> Vec<Folded> {
    users
        .iter()
        .map(|user| Folded {
            id: user.id.to_lowercase(),
            display_name: user.display_name.as_deref().map(str::to_lowercase),
            label: user.label().to_lowercase(),
        })
        .collect()
}

impl UsersView {
    /// Whether `user` (folded as `folded`) passes the search, already trimmed and lower-cased
    /// as `needle`, and every filter.
    fn matches(&self, user: &User, folded: &Folded, needle: &str, now: DateTime<Utc>) -> bool {
        let found = needle.is_empty()
            || folded.id.contains(needle)
            || folded
                .display_name
                .as_deref()
                .is_some_and(|n| n.contains(needle));
        let status = self.status.is_none_or(|s| user.status() == s);
        let platform = self
            .platform
            .as_deref()
            .is_none_or(|p| user.platforms().contains(&p));
        let idle = self
            .idle_days
            .is_none_or(|days| more_than_days_ago(user.last_connected_at, days, now));
        found && status && platform && idle
    }

    /// Where in `users` the users this view shows are, in its order (a stable sort: ties keep
    /// the server's order). Positions, not copies: recomputed on every keystroke, so `folded`
    /// (from [`fold`]) is computed once per load by the caller.
    pub fn positions(&self, users: &[User], folded: &[Folded], now: DateTime<Utc>) -> Vec<usize> {
        let needle = self.search.trim().to_lowercase();
        let mut shown: Vec<usize> = (0..users.len())
            .filter(|&i| self.matches(&users[i], &folded[i], &needle, now))
            .collect();
        shown.sort_by(|&a, &b| directed(compare(self.sort, users, folded, a, b), self.descending));
        shown
    }

    /// The users this view shows, in its order.
    pub fn apply<'a>(&self, users: &'a [User], now: DateTime<Utc>) -> Vec<&'a User> {
        self.positions(users, &fold(users), now)
            .into_iter()
            .map(|i| &users[i])
            .collect()
    }
}

/// The users at `positions` as CSV, with the table's columns.
pub fn users_csv(users: &[User], positions: &[usize]) -> String {
    super::csv::document(
        &[
            "Name",
            "User id",
            "Status",
            "Sessions",
            "Platforms",
            "Last connected (UTC)",
        ],
        positions.iter().map(|&i| {
            let user = &users[i];
            [
                user.label().to_string(),
                user.id.clone(),
                user.status().label().to_string(),
                user.sessions.len().to_string(),
                user.platforms().join(" "),
                super::csv::timestamp(user.last_connected_at),
            ]
        }),
    )
}

/// The order of the users at positions `a` and `b` by `key`.
fn compare(key: SortKey, users: &[User], folded: &[Folded], a: usize, b: usize) -> Ordering {
    let (a, b, folded_a, folded_b) = (&users[a], &users[b], &folded[a], &folded[b]);
    match key {
        SortKey::Name => folded_a.label.cmp(&folded_b.label),
        SortKey::Id => a.id.cmp(&b.id),
        SortKey::Status => a.status().cmp(&b.status()),
        SortKey::Sessions => a.sessions.len().cmp(&b.sessions.len()),
        SortKey::Platforms => a.platforms().cmp(&b.platforms()),
        // Never connected sorts as the oldest.
        SortKey::LastConnected => a.last_connected_at.cmp(&b.last_connected_at),
    }
}

/// Every platform seen across `users`, sorted, for the platform filter.
pub fn platforms_of(users: &[User]) -> Vec<String> {
    // A set of borrowed names: only the few distinct platforms are copied.
    let distinct: BTreeSet<&str> = users
        .iter()
        .flat_map(|u| &u.sessions)
        .filter_map(|s| s.platform.as_deref())
        .collect();
    distinct.into_iter().map(str::to_string).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Session, SessionState};
    use chrono::Duration;

    fn now() -> DateTime<Utc> {
        DateTime::from_timestamp(1_800_000_000, 0).unwrap()
    }

    fn user(id: &str, name: Option<&str>, days_ago: Option<i64>, platforms: &[&str]) -> User {
        User {
            id: id.into(),
            display_name: name.map(str::to_string),
            last_connected_at: days_ago.map(|d| now() - Duration::days(d)),
            enrolled: !platforms.is_empty(),
            locked: false,
            sessions: platforms
                .iter()
                .map(|p| Session {
                    state: SessionState::Enrolled,
                    platform: Some(p.to_string()),
                    ..Session::default()
                })
                .collect(),
        }
    }

    fn people() -> Vec<User> {
        let mut locked = user("u-4", Some("dmitri petrov"), Some(400), &["CHROME"]);
        locked.locked = true;
        vec![
            user("u-1", Some("Ann Lee"), Some(2), &["IOS", "ANDROID"]),
            user("u-2", Some("Ben Okafor"), Some(45), &["ANDROID"]),
            user("u-3", None, None, &[]),
            locked,
        ]
    }

    fn ids(users: Vec<&User>) -> Vec<&str> {
        users.into_iter().map(|u| u.id.as_str()).collect()
    }

    #[test]
    fn search_matches_names_and_ids_ignoring_case() {
        let users = people();
        let view = |q: &str| UsersView {
            search: q.into(),
            ..UsersView::default()
        };
        assert_eq!(ids(view("ANN").apply(&users, now())), ["u-1"]);
        assert_eq!(ids(view("u-3").apply(&users, now())), ["u-3"]);
        assert_eq!(ids(view(" okafor ").apply(&users, now())), ["u-2"]);
        assert!(view("zzz").apply(&users, now()).is_empty());
    }

    #[test]
    fn filters_combine() {
        let users = people();
        let enrolled = UsersView {
            status: Some(UserStatus::Enrolled),
            ..UsersView::default()
        };
        assert_eq!(ids(enrolled.apply(&users, now())), ["u-1", "u-2"]);
        let android = UsersView {
            platform: Some("ANDROID".into()),
            ..enrolled.clone()
        };
        assert_eq!(ids(android.apply(&users, now())), ["u-1", "u-2"]);
        let locked = UsersView {
            status: Some(UserStatus::Locked),
            ..UsersView::default()
        };
        assert_eq!(ids(locked.apply(&users, now())), ["u-4"]);
    }

    #[test]
    fn idle_means_more_than_n_days_or_never() {
        let users = people();
        let idle = |days| UsersView {
            idle_days: Some(days),
            ..UsersView::default()
        };
        // In the default order, by name: Ben Okafor, dmitri petrov, then u-3 (no name).
        assert_eq!(ids(idle(30).apply(&users, now())), ["u-2", "u-4", "u-3"]);
        // Exactly 45 days ago is not more than 45 days ago.
        assert_eq!(ids(idle(45).apply(&users, now())), ["u-4", "u-3"]);
        assert_eq!(ids(idle(44).apply(&users, now())), ["u-2", "u-4", "u-3"]);
    }

    #[test]
    fn sorts_by_every_column_both_ways() {
        let users = people();
        let sorted = |sort| {
            UsersView {
                sort,
                ..UsersView::default()
            }
            .apply(&users, now())
        };
        assert_eq!(ids(sorted(SortKey::Name)), ["u-1", "u-2", "u-4", "u-3"]);
        assert_eq!(
            ids(sorted(SortKey::LastConnected)),
            ["u-3", "u-4", "u-2", "u-1"]
        );
        assert_eq!(ids(sorted(SortKey::Sessions)), ["u-3", "u-2", "u-4", "u-1"]);
        assert_eq!(ids(sorted(SortKey::Status)), ["u-1", "u-2", "u-3", "u-4"]);
        let newest_first = UsersView::default()
            .sorted_by(SortKey::LastConnected)
            .sorted_by(SortKey::LastConnected);
        assert!(newest_first.descending);
        assert_eq!(
            ids(newest_first.apply(&users, now())),
            ["u-1", "u-2", "u-4", "u-3"]
        );
        // Name is the default sort, so clicking it flips to descending.
        assert!(UsersView::default().sorted_by(SortKey::Name).descending);
    }

    #[test]
    fn the_url_round_trips_and_ignores_junk() {
        let view = UsersView {
            search: "ann lee".into(),
            status: Some(UserStatus::NotEnrolled),
            platform: Some("IOS".into()),
            idle_days: Some(30),
            sort: SortKey::LastConnected,
            descending: true,
        };
        let query = view.to_query();
        let back = UsersView::from_query(query.iter().map(|(k, v)| (*k, v.as_str())));
        assert_eq!(back, view);
        assert!(UsersView::default().to_query().is_empty());
        let junk = UsersView::from_query([
            ("status", "asleep"),
            ("idle", "-3"),
            ("sort", "shoe"),
            ("x", "1"),
        ]);
        assert_eq!(junk, UsersView::default());
    }

    #[test]
    fn lists_the_platforms_seen() {
        assert_eq!(platforms_of(&people()), ["ANDROID", "CHROME", "IOS"]);
    }
}
