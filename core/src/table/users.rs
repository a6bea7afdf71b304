//! The users table: its columns, its view (search, filters, sort in the URL) and the loaded
//! users it shows.

use super::server::ServerModel;
use super::{
    directed, more_than_days_ago, read_sort, sort_by_time, write_sort, Cell, Column, Needle,
    TableModel, TableView,
};
use crate::csv;
use crate::model::{User, UserId, UserStatus};
use chrono::{DateTime, NaiveDate, Utc};
use std::cmp::Ordering;
use std::collections::{BTreeSet, HashMap};

/// A column of the users table.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum UserColumn {
    #[default]
    Name,
    Id,
    Status,
    Sessions,
    Platforms,
    LastConnected,
    /// The names of the user's devices.
    Devices,
    /// The environments of the user's devices.
    Environments,
    /// The latest access of any of the user's sessions.
    LastAccess,
    /// Whether the user is an operator.
    Operator,
    Username,
    Email,
    Activated,
    Disabled,
    Created,
    Modified,
}

impl Column for UserColumn {
    const ALL: &'static [UserColumn] = &[
        UserColumn::Name,
        UserColumn::Id,
        UserColumn::Status,
        UserColumn::Sessions,
        UserColumn::Platforms,
        UserColumn::LastConnected,
        UserColumn::Devices,
        UserColumn::Environments,
        UserColumn::LastAccess,
        UserColumn::Operator,
        UserColumn::Username,
        UserColumn::Email,
        UserColumn::Activated,
        UserColumn::Disabled,
        UserColumn::Created,
        UserColumn::Modified,
    ];

    fn key(self) -> &'static str {
        match self {
            UserColumn::Name => "name",
            UserColumn::Id => "id",
            UserColumn::Status => "status",
            UserColumn::Sessions => "sessions",
            UserColumn::Platforms => "platforms",
            UserColumn::LastConnected => "last_connected",
            UserColumn::Devices => "devices",
            UserColumn::Environments => "environments",
            UserColumn::LastAccess => "last_access",
            UserColumn::Operator => "operator",
            UserColumn::Username => "username",
            UserColumn::Email => "email",
            UserColumn::Activated => "activated",
            UserColumn::Disabled => "disabled",
            UserColumn::Created => "created",
            UserColumn::Modified => "modified",
        }
    }

    fn header(self) -> &'static str {
        match self {
            UserColumn::Name => "Name",
            UserColumn::Id => "User id",
            UserColumn::Status => "Status",
            UserColumn::Sessions => "Sessions",
            UserColumn::Platforms => "Platforms",
            UserColumn::LastConnected => "Last connected",
            UserColumn::Devices => "Devices",
            UserColumn::Environments => "Environments",
            UserColumn::LastAccess => "Last access",
            UserColumn::Operator => "Operator",
            UserColumn::Username => "Username",
            UserColumn::Email => "E-mail",
            UserColumn::Activated => "Activated",
            UserColumn::Disabled => "Disabled",
            UserColumn::Created => "Created",
            UserColumn::Modified => "Modified",
        }
    }

    fn numeric(self) -> bool {
        self == UserColumn::Sessions
    }
}

impl UserColumn {
    /// For a time column, the moment it shows for `user` (None inside when unknown); None for
    /// other columns.
    fn time(self, user: &User) -> Option<Option<DateTime<Utc>>> {
        Some(match self {
            UserColumn::LastConnected | UserColumn::LastAccess => user.last_connected_at,
            UserColumn::Created => user.created_at,
            UserColumn::Modified => user.modified_at,
            _ => return None,
        })
    }

    /// What the cell of `user` shows.
    pub fn cell(self, user: &User) -> Cell {
        match self {
            UserColumn::Name => Cell::User {
                id: user.id.clone(),
                label: user.label().to_string(),
            },
            UserColumn::Id => Cell::Mono(user.id.to_string()),
            UserColumn::Status => {
                let status = user.status();
                Cell::Badge {
                    label: status.label().to_string(),
                    class: status.css_class(),
                }
            }
            UserColumn::Sessions => Cell::Count(user.session_total()),
            UserColumn::Platforms => Cell::Text(user.platforms().join(", ")),
            UserColumn::LastConnected | UserColumn::LastAccess => {
                Cell::Time(user.last_connected_at)
            }
            UserColumn::Devices => Cell::Text(user.devices().join(", ")),
            UserColumn::Environments => Cell::Text(user.environments().join(", ")),
            UserColumn::Operator if user.operator => Cell::Badge {
                label: "Operator".into(),
                class: "operator",
            },
            UserColumn::Operator => Cell::Text(String::new()),
            UserColumn::Username => Cell::Mono(user.username.clone().unwrap_or_default()),
            UserColumn::Email => Cell::Text(user.email.clone().unwrap_or_default()),
            UserColumn::Activated => match user.activated {
                Some(true) => Cell::Text("yes".into()),
                Some(false) => Cell::Badge {
                    label: "Not activated".into(),
                    class: "not-enrolled",
                },
                None => Cell::Unknown,
            },
            UserColumn::Disabled if user.disabled => Cell::Badge {
                label: "Disabled".into(),
                class: "locked",
            },
            UserColumn::Disabled => Cell::Text("no".into()),
            UserColumn::Created => Cell::Time(user.created_at),
            UserColumn::Modified => Cell::Time(user.modified_at),
        }
    }

    /// The CSV header: times say they are UTC.
    pub fn csv_header(self) -> String {
        match self {
            UserColumn::LastConnected
            | UserColumn::LastAccess
            | UserColumn::Created
            | UserColumn::Modified => {
                format!("{} (UTC)", self.header())
            }
            _ => self.header().to_string(),
        }
    }

    /// The CSV value of `user`'s cell: exact, for spreadsheets.
    pub fn csv_value(self, user: &User) -> String {
        match self {
            UserColumn::Name => user.label().to_string(),
            UserColumn::Id => user.id.to_string(),
            UserColumn::Status => user.status().label().to_string(),
            UserColumn::Sessions => user.session_total().to_string(),
            UserColumn::Platforms => user.platforms().join(" "),
            UserColumn::LastConnected | UserColumn::LastAccess => {
                csv::timestamp(user.last_connected_at)
            }
            UserColumn::Devices => user.devices().join(" "),
            UserColumn::Environments => user.environments().join(" "),
            UserColumn::Operator => if user.operator { "yes" } else { "no" }.to_string(),
            UserColumn::Username => user.username.clone().unwrap_or_default(),
            UserColumn::Email => user.email.clone().unwrap_or_default(),
            UserColumn::Activated => match user.activated {
                Some(true) => "yes".into(),
                Some(false) => "no".into(),
                None => String::new(),
            },
            UserColumn::Disabled => if user.disabled { "yes" } else { "no" }.to_string(),
            UserColumn::Created => csv::timestamp(user.created_at),
            UserColumn::Modified => csv::timestamp(user.modified_at),
        }
    }
}

/// A filter the users table can offer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UserFilter {
    Status,
    Platform,
    /// Not connected for more than N days.
    IdleDays,
    /// Operators only, or everyone else.
    Operator,
    /// Disabled accounts only, or enabled ones.
    Disabled,
    /// Accounts not activated, or activated ones.
    Activated,
    /// Created before and/or after a day.
    Created,
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
    /// Operators only (true), or only those who are not (false).
    pub operator: Option<bool>,
    /// Disabled accounts only (true), or enabled ones (false).
    pub disabled: Option<bool>,
    /// Activated accounts only (true), or those not activated (false).
    pub activated: Option<bool>,
    /// Created on or after this day (UTC).
    pub created_after: Option<NaiveDate>,
    /// Created before this day (UTC).
    pub created_before: Option<NaiveDate>,
    pub sort: UserColumn,
    pub descending: bool,
}

/// The status values of the filter, in the order the menu lists them.
pub const STATUSES: [UserStatus; 3] = [
    UserStatus::Enrolled,
    UserStatus::NotEnrolled,
    UserStatus::Locked,
];

impl TableView for UsersView {
    type Key = UserColumn;
    const PARAMS: &'static [&'static str] = &[
        "q",
        "status",
        "platform",
        "idle",
        "operator",
        "disabled",
        "activated",
        "after",
        "before",
        "sort",
        "dir",
    ];

    fn from_query<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> UsersView {
        let mut view = UsersView::default();
        let mut sort = view.sort();
        for (name, value) in pairs {
            match name {
                "q" => view.search = value.to_string(),
                "status" => view.status = STATUSES.into_iter().find(|s| s.key() == value),
                "platform" if !value.is_empty() => view.platform = Some(value.to_string()),
                "idle" => view.idle_days = value.parse().ok(),
                "operator" => view.operator = yes_or_no(value),
                "disabled" => view.disabled = yes_or_no(value),
                "activated" => view.activated = yes_or_no(value),
                "after" => view.created_after = NaiveDate::parse_from_str(value, "%Y-%m-%d").ok(),
                "before" => view.created_before = NaiveDate::parse_from_str(value, "%Y-%m-%d").ok(),
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
            pairs.push(("status", status.key().to_string()));
        }
        if let Some(platform) = &self.platform {
            pairs.push(("platform", platform.clone()));
        }
        if let Some(days) = self.idle_days {
            pairs.push(("idle", days.to_string()));
        }
        for (name, flag) in [
            ("operator", self.operator),
            ("disabled", self.disabled),
            ("activated", self.activated),
        ] {
            if let Some(flag) = flag {
                pairs.push((name, if flag { "yes" } else { "no" }.to_string()));
            }
        }
        for (name, day) in [
            ("after", self.created_after),
            ("before", self.created_before),
        ] {
            if let Some(day) = day {
                pairs.push((name, day.format("%Y-%m-%d").to_string()));
            }
        }
        write_sort(self.sort(), &mut pairs);
        pairs
    }

    fn sort(&self) -> (UserColumn, bool) {
        (self.sort, self.descending)
    }

    fn with_sort(&self, sort: UserColumn, descending: bool) -> UsersView {
        UsersView {
            sort,
            descending,
            ..self.clone()
        }
    }
}

/// `yes` or `no` in the URL.
fn yes_or_no(value: &str) -> Option<bool> {
    match value {
        "yes" => Some(true),
        "no" => Some(false),
        _ => None,
    }
}

/// The first moment of `day` (UTC).
pub fn start_of(day: NaiveDate) -> DateTime<Utc> {
    day.and_time(chrono::NaiveTime::MIN).and_utc()
}

/// A user's text as search and the name sort compare it: lower-cased once per load instead of
/// on every keystroke and every comparison.
#[derive(Clone, Debug, PartialEq)]
struct Folded {
    id: String,
    display_name: Option<String>,
    label: String,
}

fn fold(user: &User) -> Folded {
    Folded {
        id: user.id.as_str().to_lowercase(),
        display_name: user.display_name.as_deref().map(str::to_lowercase),
        label: user.label().to_lowercase(),
    }
}

/// The loaded users, folded for search and indexed by id.
#[derive(Clone, Debug, Default)]
pub struct UsersData {
    users: Vec<User>,
    folded: Vec<Folded>,
    index: HashMap<UserId, usize>,
}

impl UsersData {
    /// The users in the backend's order.
    pub fn new(users: Vec<User>) -> UsersData {
        let folded = users.iter().map(fold).collect();
        let index = users
            .iter()
            .enumerate()
            .map(|(i, u)| (u.id.clone(), i))
            .collect();
        UsersData {
            users,
            folded,
            index,
        }
    }

    /// Every loaded user.
    pub fn users(&self) -> &[User] {
        &self.users
    }

    /// The user at `at`.
    pub fn user(&self, at: usize) -> Option<&User> {
        self.users.get(at)
    }

    /// The users at `positions` as CSV with `columns`.
    pub fn csv(&self, columns: &[UserColumn], positions: &[usize]) -> String {
        csv::document(
            columns.iter().map(|c| c.csv_header()),
            positions
                .iter()
                .filter_map(|&i| self.users.get(i))
                .map(|user| columns.iter().map(|c| c.csv_value(user))),
        )
    }

    /// Every platform seen across the users, sorted, for the platform filter.
    pub fn platforms(&self) -> Vec<String> {
        platforms_of(&self.users)
    }

    fn matches(&self, view: &UsersView, at: usize, needle: &Needle, now: DateTime<Utc>) -> bool {
        let (user, folded) = (&self.users[at], &self.folded[at]);
        let found = needle.is_empty()
            || needle.found_in(&folded.id)
            || folded
                .display_name
                .as_deref()
                .is_some_and(|n| needle.found_in(n));
        let status = view.status.is_none_or(|s| user.status() == s);
        let platform = view
            .platform
            .as_deref()
            .is_none_or(|p| user.platforms().contains(&p));
        let idle = view
            .idle_days
            .is_none_or(|days| more_than_days_ago(user.last_connected_at, days, now));
        let operator = view.operator.is_none_or(|wanted| user.operator == wanted);
        let disabled = view.disabled.is_none_or(|wanted| user.disabled == wanted);
        let activated = view
            .activated
            .is_none_or(|wanted| user.activated.unwrap_or(true) == wanted);
        let after = view
            .created_after
            .is_none_or(|day| user.created_at.is_some_and(|at| at >= start_of(day)));
        let before = view
            .created_before
            .is_none_or(|day| user.created_at.is_some_and(|at| at < start_of(day)));
        found && status && platform && idle && operator && disabled && activated && after && before
    }

    /// The order of the users at positions `a` and `b` by `column`.
    fn compare(&self, column: UserColumn, a: usize, b: usize) -> Ordering {
        let (user_a, user_b) = (&self.users[a], &self.users[b]);
        match column {
            UserColumn::Name => self.folded[a].label.cmp(&self.folded[b].label),
            UserColumn::Id => user_a.id.cmp(&user_b.id),
            UserColumn::Status => user_a.status().cmp(&user_b.status()),
            UserColumn::Sessions => user_a.session_total().cmp(&user_b.session_total()),
            UserColumn::Platforms => user_a.platforms().cmp(&user_b.platforms()),
            // Never connected sorts as the oldest.
            UserColumn::LastConnected | UserColumn::LastAccess => {
                user_a.last_connected_at.cmp(&user_b.last_connected_at)
            }
            UserColumn::Devices => user_a.devices().cmp(&user_b.devices()),
            UserColumn::Environments => user_a.environments().cmp(&user_b.environments()),
            UserColumn::Operator => user_a.operator.cmp(&user_b.operator),
            UserColumn::Username => user_a.username.cmp(&user_b.username),
            UserColumn::Email => user_a.email.cmp(&user_b.email),
            UserColumn::Activated => user_a.activated.cmp(&user_b.activated),
            UserColumn::Disabled => user_a.disabled.cmp(&user_b.disabled),
            UserColumn::Created => user_a.created_at.cmp(&user_b.created_at),
            UserColumn::Modified => user_a.modified_at.cmp(&user_b.modified_at),
        }
    }
}

impl ServerModel for UsersData {
    type Row = User;

    /// A user seen before is replaced by its fresh copy.
    fn add_rows(&mut self, rows: Vec<User>) -> Vec<usize> {
        rows.into_iter()
            .map(|user| match self.index.get(&user.id) {
                Some(&at) => {
                    self.folded[at] = fold(&user);
                    self.users[at] = user;
                    at
                }
                None => {
                    let at = self.users.len();
                    self.index.insert(user.id.clone(), at);
                    self.folded.push(fold(&user));
                    self.users.push(user);
                    at
                }
            })
            .collect()
    }
}

impl TableModel for UsersData {
    type View = UsersView;
    type Key = UserId;
    type At = usize;

    /// A stable sort: ties keep the backend's order. Positions, not copies: recomputed on
    /// every keystroke.
    fn positions(&self, view: &UsersView, now: DateTime<Utc>) -> Vec<usize> {
        let needle = Needle::new(&view.search);
        let mut shown: Vec<usize> = (0..self.users.len())
            .filter(|&i| self.matches(view, i, &needle, now))
            .collect();
        if view.sort.time(&User::default()).is_some() {
            let time = |at: usize| view.sort.time(&self.users[at]).flatten();
            sort_by_time(&mut shown, time, view.descending);
            return shown;
        }
        shown.sort_by(|&a, &b| directed(self.compare(view.sort, a, b), view.descending));
        shown
    }

    fn key(&self, at: usize) -> UserId {
        self.users[at].id.clone()
    }

    fn find(&self, key: &UserId) -> Option<usize> {
        self.index.get(key).copied()
    }

    fn len(&self) -> usize {
        self.users.len()
    }
}

/// Every platform seen across `users`, sorted.
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
            ..User::default()
        }
    }

    fn people() -> UsersData {
        let mut locked = user("u-4", Some("dmitri petrov"), Some(400), &["CHROME"]);
        locked.locked = true;
        UsersData::new(vec![
            user("u-1", Some("Ann Lee"), Some(2), &["IOS", "ANDROID"]),
            user("u-2", Some("Ben Okafor"), Some(45), &["ANDROID"]),
            user("u-3", None, None, &[]),
            locked,
        ])
    }

    fn ids(data: &UsersData, view: &UsersView) -> Vec<String> {
        data.positions(view, now())
            .into_iter()
            .map(|i| data.key(i).to_string())
            .collect()
    }

    #[test]
    fn search_matches_names_and_ids_ignoring_case() {
        let data = people();
        let view = |q: &str| UsersView {
            search: q.into(),
            ..UsersView::default()
        };
        assert_eq!(ids(&data, &view("ANN")), ["u-1"]);
        assert_eq!(ids(&data, &view("u-3")), ["u-3"]);
        assert_eq!(ids(&data, &view(" okafor ")), ["u-2"]);
        assert!(ids(&data, &view("zzz")).is_empty());
    }

    #[test]
    fn filters_combine() {
        let data = people();
        let enrolled = UsersView {
            status: Some(UserStatus::Enrolled),
            ..UsersView::default()
        };
        assert_eq!(ids(&data, &enrolled), ["u-1", "u-2"]);
        let android = UsersView {
            platform: Some("ANDROID".into()),
            ..enrolled.clone()
        };
        assert_eq!(ids(&data, &android), ["u-1", "u-2"]);
        let locked = UsersView {
            status: Some(UserStatus::Locked),
            ..UsersView::default()
        };
        assert_eq!(ids(&data, &locked), ["u-4"]);
    }

    #[test]
    fn idle_means_more_than_n_days_or_never() {
        let data = people();
        let idle = |days| UsersView {
            idle_days: Some(days),
            ..UsersView::default()
        };
        // In the default order, by name: Ben Okafor, dmitri petrov, then u-3 (no name).
        assert_eq!(ids(&data, &idle(30)), ["u-2", "u-4", "u-3"]);
        // Exactly 45 days ago is not more than 45 days ago.
        assert_eq!(ids(&data, &idle(45)), ["u-4", "u-3"]);
        assert_eq!(ids(&data, &idle(44)), ["u-2", "u-4", "u-3"]);
    }

    #[test]
    fn sorts_by_every_column_both_ways() {
        let data = people();
        let sorted = |sort| {
            ids(
                &data,
                &UsersView {
                    sort,
                    ..UsersView::default()
                },
            )
        };
        assert_eq!(sorted(UserColumn::Name), ["u-1", "u-2", "u-4", "u-3"]);
        assert_eq!(
            sorted(UserColumn::LastConnected),
            ["u-3", "u-4", "u-2", "u-1"]
        );
        assert_eq!(sorted(UserColumn::Sessions), ["u-3", "u-2", "u-4", "u-1"]);
        assert_eq!(sorted(UserColumn::Status), ["u-1", "u-2", "u-3", "u-4"]);
        assert_eq!(sorted(UserColumn::Platforms), ["u-3", "u-2", "u-1", "u-4"]);
        assert_eq!(sorted(UserColumn::Id), ["u-1", "u-2", "u-3", "u-4"]);
        let newest_first = UsersView::default()
            .sorted_by(UserColumn::LastConnected)
            .sorted_by(UserColumn::LastConnected);
        assert!(newest_first.descending);
        assert_eq!(ids(&data, &newest_first), ["u-1", "u-2", "u-4", "u-3"]);
        // Name is the default sort, so clicking it flips to descending.
        assert!(UsersView::default().sorted_by(UserColumn::Name).descending);
    }

    #[test]
    fn a_server_page_of_users_is_added_and_found_by_id() {
        let mut data = UsersData::default();
        let first = data.add_rows(vec![
            user("a", Some("Ann"), None, &[]),
            user("b", None, None, &[]),
        ]);
        assert_eq!(first, [0, 1]);
        let next = data.add_rows(vec![
            user("c", None, None, &[]),
            user("a", Some("Anna"), None, &[]),
        ]);
        assert_eq!(next, [2, 0], "a user seen before keeps its place, fresh");
        assert_eq!(data.user(0).unwrap().label(), "Anna");
        assert_eq!(data.find(&"c".into()), Some(2));
        assert_eq!(data.len(), 3);
    }

    #[test]
    fn account_filters_keep_what_they_say() {
        let day = |d| NaiveDate::from_ymd_opt(2026, 1, d).unwrap();
        let mut accounts = Vec::new();
        for (id, disabled, activated, created) in [
            ("a", false, Some(true), day(5)),
            ("b", true, Some(true), day(10)),
            ("c", false, Some(false), day(15)),
        ] {
            let mut u = user(id, None, None, &[]);
            u.disabled = disabled;
            u.activated = activated;
            u.created_at = Some(start_of(created) + Duration::hours(12));
            accounts.push(u);
        }
        let data = UsersData::new(accounts);
        let ids = |view: UsersView| -> Vec<String> {
            data.positions(&view, now())
                .into_iter()
                .map(|at| data.key(at).to_string())
                .collect()
        };
        assert_eq!(
            ids(UsersView {
                disabled: Some(true),
                ..UsersView::default()
            }),
            ["b"]
        );
        assert_eq!(
            ids(UsersView {
                activated: Some(false),
                ..UsersView::default()
            }),
            ["c"]
        );
        let window = UsersView {
            created_after: Some(day(10)),
            created_before: Some(day(15)),
            ..UsersView::default()
        };
        assert_eq!(
            ids(window),
            ["b"],
            "from the after day, before the before day"
        );
    }

    #[test]
    fn the_url_round_trips_and_ignores_junk() {
        let view = UsersView {
            search: "ann lee".into(),
            status: Some(UserStatus::NotEnrolled),
            platform: Some("IOS".into()),
            idle_days: Some(30),
            operator: Some(false),
            disabled: Some(true),
            activated: Some(false),
            created_after: NaiveDate::from_ymd_opt(2024, 1, 31),
            created_before: NaiveDate::from_ymd_opt(2025, 12, 1),
            sort: UserColumn::LastConnected,
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
    fn rows_are_found_by_id_and_exported_with_their_columns() {
        let data = people();
        assert_eq!(data.find(&"u-2".into()), Some(1));
        assert_eq!(data.find(&"gone".into()), None);
        assert_eq!(data.platforms(), ["ANDROID", "CHROME", "IOS"]);
        assert_eq!(
            data.csv(&UserColumn::ALL[..6], &[0, 2]),
            "Name,User id,Status,Sessions,Platforms,Last connected (UTC)\r\n\
             Ann Lee,u-1,Enrolled,2,ANDROID IOS,2027-01-13T08:00:00Z\r\n\
             u-3,u-3,Not enrolled,0,,\r\n"
        );
    }

    #[test]
    fn devices_and_environments_are_listed_once_each() {
        let mut ben = people().users()[1].clone();
        for (session, (device, env)) in ben.sessions.iter_mut().zip([("Till 2", "CashRegister")]) {
            session.label = Some(device.into());
            session.environment = Some(env.into());
        }
        ben.sessions.push(ben.sessions[0].clone());
        assert_eq!(UserColumn::Devices.cell(&ben), Cell::Text("Till 2".into()));
        assert_eq!(UserColumn::Environments.csv_value(&ben), "CashRegister");
        assert_eq!(UserColumn::LastAccess.csv_header(), "Last access (UTC)");
    }

    #[test]
    fn cells_show_what_the_column_says() {
        let data = people();
        let ann = data.user(0).unwrap();
        assert_eq!(
            UserColumn::Name.cell(ann),
            Cell::User {
                id: "u-1".into(),
                label: "Ann Lee".into()
            }
        );
        assert_eq!(
            UserColumn::Status.cell(ann),
            Cell::Badge {
                label: "Enrolled".into(),
                class: "enrolled"
            }
        );
        assert_eq!(UserColumn::Sessions.cell(ann), Cell::Count(2));
        assert_eq!(
            UserColumn::Platforms.cell(ann),
            Cell::Text("ANDROID, IOS".into())
        );
    }
}
