//! The sessions tables: every session of every user (the helpdesk's "find the device" view)
//! and one user's sessions on the user page. Columns, the view in the URL, and the rows.

use super::server::{ServerModel, SessionRow};
use super::{
    directed, ends_within_hours, more_than_days_ago, read_sort, sort_by_time, write_sort, Cell,
    Column, Needle, TableModel, TableView,
};
use crate::csv;
use crate::model::{Session, SessionId, SessionState, User, UserId};
use chrono::{DateTime, Utc};
use std::cmp::Ordering;
use std::collections::HashMap;

/// A column of a sessions table.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum SessionColumn {
    #[default]
    User,
    UserId,
    Device,
    State,
    /// The session's action buttons: where they stand among the columns.
    Actions,
    Platform,
    LastConnected,
    LastAuthenticated,
    Created,
    SignedOut,
    LastFullSync,
    Container,
    Runtime,
    DeviceId,
    SessionId,
    Environment,
    AuthType,
    Started,
    LastAccess,
    Expires,
    /// The phone a session is on, as the device reports it.
    Smartphone,
    OperatingSystem,
    /// The app (and version) a session is signed in with.
    Application,
    LastUpdated,
    /// When a device entity last changed.
    Modified,
}

impl Column for SessionColumn {
    const ALL: &'static [SessionColumn] = &[
        SessionColumn::User,
        SessionColumn::UserId,
        SessionColumn::Device,
        SessionColumn::State,
        SessionColumn::Actions,
        SessionColumn::Platform,
        SessionColumn::LastConnected,
        SessionColumn::LastAuthenticated,
        SessionColumn::Created,
        SessionColumn::SignedOut,
        SessionColumn::LastFullSync,
        SessionColumn::Container,
        SessionColumn::Runtime,
        SessionColumn::DeviceId,
        SessionColumn::SessionId,
        SessionColumn::Environment,
        SessionColumn::AuthType,
        SessionColumn::Started,
        SessionColumn::LastAccess,
        SessionColumn::Expires,
        SessionColumn::Smartphone,
        SessionColumn::OperatingSystem,
        SessionColumn::Application,
        SessionColumn::LastUpdated,
        SessionColumn::Modified,
    ];

    fn key(self) -> &'static str {
        match self {
            SessionColumn::User => "user",
            SessionColumn::UserId => "user_id",
            SessionColumn::Device => "device",
            SessionColumn::State => "state",
            SessionColumn::Actions => "actions",
            SessionColumn::Platform => "platform",
            SessionColumn::LastConnected => "last_connected",
            SessionColumn::LastAuthenticated => "last_authenticated",
            SessionColumn::Created => "created",
            SessionColumn::SignedOut => "signed_out",
            SessionColumn::LastFullSync => "last_full_sync",
            SessionColumn::Container => "container",
            SessionColumn::Runtime => "runtime",
            SessionColumn::DeviceId => "device_id",
            SessionColumn::SessionId => "session_id",
            SessionColumn::Environment => "environment",
            SessionColumn::AuthType => "auth_type",
            SessionColumn::Started => "started",
            SessionColumn::LastAccess => "last_access",
            SessionColumn::Expires => "expires",
            SessionColumn::Smartphone => "smartphone",
            SessionColumn::OperatingSystem => "os",
            SessionColumn::Application => "application",
            SessionColumn::LastUpdated => "last_updated",
            SessionColumn::Modified => "modified",
        }
    }

    fn header(self) -> &'static str {
        match self {
            SessionColumn::User => "User",
            SessionColumn::UserId => "User id",
            SessionColumn::Device => "Device",
            SessionColumn::State => "State",
            SessionColumn::Actions => "Actions",
            SessionColumn::Platform => "Platform",
            SessionColumn::LastConnected => "Last connected",
            SessionColumn::LastAuthenticated => "Last authenticated",
            SessionColumn::Created => "Created",
            SessionColumn::SignedOut => "Signed out",
            SessionColumn::LastFullSync => "Last full sync",
            SessionColumn::Container => "Container",
            SessionColumn::Runtime => "Runtime",
            SessionColumn::DeviceId => "Device id",
            SessionColumn::SessionId => "Session id",
            SessionColumn::Environment => "Environment",
            SessionColumn::AuthType => "Authentication",
            SessionColumn::Started => "Started",
            SessionColumn::LastAccess => "Last access",
            SessionColumn::Expires => "Expires",
            SessionColumn::Smartphone => "Smartphone",
            SessionColumn::OperatingSystem => "Operating system",
            SessionColumn::Application => "Application",
            SessionColumn::LastUpdated => "Last updated",
            SessionColumn::Modified => "Modified",
        }
    }

    fn sortable(self) -> bool {
        self != SessionColumn::Actions
    }
}

impl SessionColumn {
    /// The moment this column shows, for time columns.
    fn time(self, session: &Session) -> Option<Option<DateTime<Utc>>> {
        Some(match self {
            SessionColumn::LastConnected => session.last_connected_at,
            SessionColumn::LastAuthenticated => session.last_authenticated_at,
            SessionColumn::Created => session.created_at,
            SessionColumn::SignedOut => session.signed_out_at,
            SessionColumn::LastFullSync => session.last_full_sync,
            SessionColumn::Started => session.created_at,
            SessionColumn::LastAccess | SessionColumn::LastUpdated | SessionColumn::Modified => {
                session.last_connected_at
            }
            SessionColumn::Expires => session.expires_at,
            _ => return None,
        })
    }

    /// The moment a time column shows for `session`; None for other columns or when unknown.
    pub fn time_of(self, session: &Session) -> Option<DateTime<Utc>> {
        self.time(session).flatten()
    }

    /// The text this column shows, for text columns.
    fn text<'a>(self, user: &'a User, session: &'a Session) -> Option<&'a str> {
        Some(match self {
            SessionColumn::User => user.label(),
            SessionColumn::UserId => user.id.as_str(),
            SessionColumn::Device => session.label.as_deref().unwrap_or_default(),
            SessionColumn::Platform => session.platform.as_deref().unwrap_or_default(),
            SessionColumn::Container => session.container_version.as_deref().unwrap_or_default(),
            SessionColumn::Runtime => session.runtime_version.as_deref().unwrap_or_default(),
            SessionColumn::DeviceId => session.device_id.as_deref().unwrap_or_default(),
            SessionColumn::SessionId => session.id.as_str(),
            SessionColumn::Environment => session.environment.as_deref().unwrap_or_default(),
            SessionColumn::AuthType => session.auth_type.as_deref().unwrap_or_default(),
            SessionColumn::Smartphone => session.label.as_deref().unwrap_or_default(),
            SessionColumn::OperatingSystem => session.platform.as_deref().unwrap_or_default(),
            SessionColumn::Application => session.application.as_deref().unwrap_or_default(),
            _ => return None,
        })
    }

    /// Whether the column names what a device reports, where a value not reported is shown
    /// as "unknown" rather than left blank.
    fn reported(self) -> bool {
        matches!(
            self,
            SessionColumn::Smartphone | SessionColumn::OperatingSystem | SessionColumn::Application
        )
    }

    /// What the cell of `session` of `user` shows.
    pub fn cell(self, user: &User, session: &Session) -> Cell {
        if let Some(at) = self.time(session) {
            return Cell::Time(at);
        }
        match self {
            SessionColumn::User => Cell::User {
                id: user.id.clone(),
                label: user.label().to_string(),
            },
            SessionColumn::State => Cell::State(session.state.label().to_string()),
            SessionColumn::Actions => Cell::Actions,
            SessionColumn::UserId | SessionColumn::DeviceId | SessionColumn::SessionId => {
                Cell::Mono(self.text(user, session).unwrap_or_default().to_string())
            }
            _ => match self.text(user, session).unwrap_or_default() {
                "" if self.reported() => Cell::Unknown,
                text => Cell::Text(text.to_string()),
            },
        }
    }

    /// The CSV header: times say they are UTC.
    pub fn csv_header(self) -> String {
        match self.time(&Session::default()) {
            Some(_) => format!("{} (UTC)", self.header()),
            None => self.header().to_string(),
        }
    }

    /// The CSV value: exact times, and the state as the API names it.
    pub fn csv_value(self, user: &User, session: &Session) -> String {
        if let Some(at) = self.time(session) {
            return csv::timestamp(at);
        }
        match self {
            SessionColumn::State => session.state.wire().to_string(),
            _ => self.text(user, session).unwrap_or_default().to_string(),
        }
    }

    /// The order of two sessions (with their users) by this column.
    fn compare(self, a: (&User, &Session), b: (&User, &Session)) -> Ordering {
        if let (Some(at_a), Some(at_b)) = (self.time(a.1), self.time(b.1)) {
            // Never sorts as the oldest.
            return at_a.cmp(&at_b);
        }
        match self {
            SessionColumn::User => a.0.label().to_lowercase().cmp(&b.0.label().to_lowercase()),
            SessionColumn::State => a.1.state.cmp(&b.1.state),
            // A missing value sorts first, as before any text.
            SessionColumn::Device => a.1.label.cmp(&b.1.label),
            SessionColumn::Platform => a.1.platform.cmp(&b.1.platform),
            _ => self.text(a.0, a.1).cmp(&self.text(b.0, b.1)),
        }
    }
}

/// A filter the sessions table can offer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SessionFilter {
    State,
    Platform,
    /// Not connected for more than N days.
    IdleDays,
    /// Not authenticated for more than N days.
    AuthDays,
    /// One environment (BackOffice, CashRegister, PDA, Tool, or one seen).
    Environment,
    /// The user's name contains a text.
    User,
    /// Ends within N hours.
    ExpiringHours,
}

/// The states the filter offers, in menu order.
pub const STATES: [SessionState; 4] = [
    SessionState::Enrolled,
    SessionState::Locked,
    SessionState::Reset,
    SessionState::NeverEnrolled,
];

/// The view of the all-sessions table.
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
    /// Sessions of devices in this environment.
    pub environment: Option<String>,
    /// Sessions of users whose name contains this, ignoring case.
    pub user: Option<String>,
    /// Sessions that end within this many hours from now.
    pub expiring_hours: Option<u32>,
    pub sort: SessionColumn,
    pub descending: bool,
}

impl TableView for SessionsView {
    type Key = SessionColumn;
    const PARAMS: &'static [&'static str] = &[
        "q", "state", "platform", "idle", "auth", "env", "user", "expiring", "sort", "dir",
    ];

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
                "env" if !value.is_empty() => view.environment = Some(value.to_string()),
                "user" if !value.is_empty() => view.user = Some(value.to_string()),
                "expiring" => view.expiring_hours = value.parse().ok(),
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
        if let Some(environment) = &self.environment {
            pairs.push(("env", environment.clone()));
        }
        if let Some(user) = &self.user {
            pairs.push(("user", user.clone()));
        }
        if let Some(hours) = self.expiring_hours {
            pairs.push(("expiring", hours.to_string()));
        }
        write_sort(self.sort(), &mut pairs);
        pairs
    }

    fn sort(&self) -> (SessionColumn, bool) {
        (self.sort, self.descending)
    }

    fn with_sort(&self, sort: SessionColumn, descending: bool) -> SessionsView {
        SessionsView {
            sort,
            descending,
            ..self.clone()
        }
    }
}

impl SessionsView {
    /// Whether the session `s` of `user` (folded as `folded`) passes the search and every
    /// filter, with `needles` the view's texts in lower case.
    fn matches(
        &self,
        (user, folded): (&User, &FoldedUser),
        s: usize,
        needles: &Needles,
        now: DateTime<Utc>,
    ) -> bool {
        let session = &user.sessions[s];
        let needle = &needles.search;
        let found = needle.is_empty()
            || needle.found_in(&folded.id)
            || folded
                .display_name
                .as_deref()
                .is_some_and(|n| needle.found_in(n))
            || folded
                .sessions
                .get(s)
                .into_iter()
                .flatten()
                .flatten()
                .any(|t| needle.found_in(t));
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
        let environment = self
            .environment
            .as_deref()
            .is_none_or(|e| session.environment.as_deref() == Some(e));
        let user_named = needles
            .user
            .as_deref()
            .is_none_or(|name| folded.label.contains(name));
        let expiring = self
            .expiring_hours
            .is_none_or(|hours| ends_within_hours(session.expires_at, hours, now));
        found && state && platform && idle && auth && environment && user_named && expiring
    }
}

/// A view's texts, trimmed and in lower case once per view rather than once per row.
struct Needles {
    search: Needle,
    user: Option<String>,
}

impl Needles {
    fn of(view: &SessionsView) -> Needles {
        Needles {
            search: Needle::new(&view.search),
            user: view.user.as_deref().map(|n| n.trim().to_lowercase()),
        }
    }
}

/// A user's searched and sorted texts in lower case, computed once when the user is loaded:
/// a keystroke compares them without allocating.
#[derive(Clone, Debug, Default)]
struct FoldedUser {
    id: String,
    display_name: Option<String>,
    label: String,
    /// Each session's device label and device id.
    sessions: Vec<[Option<String>; 2]>,
}

fn fold(user: &User) -> FoldedUser {
    let lower = |text: Option<&str>| text.map(str::to_lowercase);
    FoldedUser {
        id: user.id.as_str().to_lowercase(),
        display_name: lower(user.display_name.as_deref()),
        label: user.label().to_lowercase(),
        sessions: user
            .sessions
            .iter()
            .map(|s| [lower(s.label.as_deref()), lower(s.device_id.as_deref())])
            .collect(),
    }
}

/// Where a session row is: the user's position in the loaded users, the session's in the user.
pub type SessionAt = (usize, usize);

/// A session row's key across reloads.
pub type SessionKey = (UserId, SessionId);

/// Every loaded user, for the rows of their sessions.
#[derive(Clone, Debug, Default)]
pub struct SessionsData {
    users: Vec<User>,
    /// Parallel to `users`.
    folded: Vec<FoldedUser>,
    /// Parallel to `users`: each user's place in the order of names, so sorting sessions by
    /// user compares numbers.
    name_rank: Vec<u32>,
    index: HashMap<UserId, usize>,
}

impl SessionsData {
    /// The sessions of `users`, in the backend's order of users and of each user's sessions.
    pub fn new(users: Vec<User>) -> SessionsData {
        let index = users
            .iter()
            .enumerate()
            .map(|(i, u)| (u.id.clone(), i))
            .collect();
        let folded = users.iter().map(fold).collect();
        let mut data = SessionsData {
            users,
            folded,
            name_rank: Vec::new(),
            index,
        };
        data.rank_names();
        data
    }

    /// Works out `name_rank` again after users came or changed.
    fn rank_names(&mut self) {
        let mut order: Vec<usize> = (0..self.users.len()).collect();
        order.sort_by(|&a, &b| self.folded[a].label.cmp(&self.folded[b].label));
        self.name_rank = vec![0; order.len()];
        // Users with the same name share a rank: their sessions keep the loaded order.
        let mut rank = 0;
        for (i, &u) in order.iter().enumerate() {
            if i > 0 && self.folded[order[i - 1]].label != self.folded[u].label {
                rank += 1;
            }
            self.name_rank[u] = rank;
        }
    }

    /// Every loaded user.
    pub fn users(&self) -> &[User] {
        &self.users
    }

    /// The user and session at `at`.
    pub fn row(&self, (u, s): SessionAt) -> Option<(&User, &Session)> {
        let user = self.users.get(u)?;
        Some((user, user.sessions.get(s)?))
    }

    /// Puts a fresh copy of a user in its place, keeping the name already known when the fresh
    /// one has none. False if the user is not among the loaded ones.
    pub fn replace_user(&mut self, mut fresh: User) -> bool {
        let Some(&at) = self.index.get(&fresh.id) else {
            return false;
        };
        let slot = &mut self.users[at];
        if fresh.display_name.is_none() {
            fresh.display_name = slot.display_name.take();
        }
        self.folded[at] = fold(&fresh);
        *slot = fresh;
        self.rank_names();
        true
    }

    /// How many sessions the users have in all.
    pub fn session_count(&self) -> usize {
        self.users.iter().map(|u| u.sessions.len()).sum()
    }

    /// The sessions at `positions` as CSV with `columns`.
    pub fn csv(&self, columns: &[SessionColumn], positions: &[SessionAt]) -> String {
        csv::document(
            columns.iter().map(|c| c.csv_header()),
            positions
                .iter()
                .filter_map(|&at| self.row(at))
                .map(|(user, session)| columns.iter().map(move |c| c.csv_value(user, session))),
        )
    }
}

impl ServerModel for SessionsData {
    type Row = SessionRow;

    /// Groups the rows by user (a new user after those already held).
    fn add_rows(&mut self, rows: Vec<SessionRow>) -> Vec<SessionAt> {
        let mut order = Vec::with_capacity(rows.len());
        for SessionRow { user, session } in rows {
            let u = match self.index.get(&user.id) {
                Some(&u) => u,
                None => {
                    self.index.insert(user.id.clone(), self.users.len());
                    self.users.push(User {
                        sessions: Vec::new(),
                        ..user
                    });
                    self.folded.push(FoldedUser::default());
                    self.users.len() - 1
                }
            };
            let sessions = &mut self.users[u].sessions;
            let s = match sessions.iter().position(|s| s.id == session.id) {
                Some(s) => {
                    sessions[s] = session;
                    s
                }
                None => {
                    sessions.push(session);
                    sessions.len() - 1
                }
            };
            order.push((u, s));
        }
        // Folded once per page, for the users it touched.
        let mut touched: Vec<usize> = order.iter().map(|&(u, _)| u).collect();
        touched.dedup();
        for u in touched {
            self.folded[u] = fold(&self.users[u]);
        }
        self.rank_names();
        order
    }
}

impl TableModel for SessionsData {
    type View = SessionsView;
    type Key = SessionKey;
    type At = SessionAt;

    /// Stable: ties keep the order of users and of each user's sessions.
    fn positions(&self, view: &SessionsView, now: DateTime<Utc>) -> Vec<SessionAt> {
        let needles = Needles::of(view);
        let mut shown: Vec<SessionAt> = self
            .users
            .iter()
            .zip(&self.folded)
            .enumerate()
            .flat_map(|(u, row)| {
                let needles = &needles;
                (0..row.0.sessions.len())
                    .filter(move |&s| view.matches(row, s, needles, now))
                    .map(move |s| (u, s))
            })
            .collect();
        let row = |&(u, s): &SessionAt| (&self.users[u], &self.users[u].sessions[s]);
        if view.sort.time(&Session::default()).is_some() {
            let session = |(u, s): SessionAt| &self.users[u].sessions[s];
            sort_by_time(
                &mut shown,
                |at| view.sort.time_of(session(at)),
                view.descending,
            );
            return shown;
        }
        shown.sort_by(|a, b| {
            let order = match view.sort {
                // Names compare by their rank, worked out once, not per comparison.
                SessionColumn::User => self.name_rank.get(a.0).cmp(&self.name_rank.get(b.0)),
                column => column.compare(row(a), row(b)),
            };
            directed(order, view.descending)
        });
        shown
    }

    fn key(&self, (u, s): SessionAt) -> SessionKey {
        let user = &self.users[u];
        (user.id.clone(), user.sessions[s].id.clone())
    }

    fn find(&self, (user, session): &SessionKey) -> Option<SessionAt> {
        let u = *self.index.get(user)?;
        let s = self.users[u]
            .sessions
            .iter()
            .position(|s| &s.id == session)?;
        Some((u, s))
    }

    fn len(&self) -> usize {
        self.session_count()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Duration;

    #[test]
    fn a_server_page_keeps_its_order_and_finds_its_rows_by_key() {
        let row = |user: &str, session: &str| SessionRow {
            user: User {
                id: user.into(),
                display_name: Some(format!("{user} name")),
                ..User::default()
            },
            session: Session {
                id: session.into(),
                ..Session::default()
            },
        };
        let rows = vec![row("b", "1"), row("a", "2"), row("b", "3")];
        let mut data = SessionsData::default();
        let order = data.add_rows(rows.clone());
        assert_eq!(order, [(0, 0), (1, 0), (0, 1)]);
        let keys: Vec<SessionKey> = order.iter().map(|&at| data.key(at)).collect();
        assert_eq!(keys, rows.iter().map(SessionRow::key).collect::<Vec<_>>());
        assert_eq!(data.find(&("b".into(), "3".into())), Some((0, 1)));
        assert_eq!(data.row((1, 0)).unwrap().0.label(), "a name");
        assert_eq!(data.session_count(), 3);

        // The next page: a row seen before is replaced, not doubled; the first page's rows
        // are still found by their keys.
        let mut fresh = row("a", "2");
        fresh.session.label = Some("renamed".into());
        let next = data.add_rows(vec![row("c", "4"), fresh]);
        assert_eq!(next, [(2, 0), (1, 0)]);
        assert_eq!(data.session_count(), 4);
        assert_eq!(
            data.row((1, 0)).unwrap().1.label.as_deref(),
            Some("renamed")
        );
        assert_eq!(data.find(&("b".into(), "1".into())), Some((0, 0)));
    }

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

    fn people() -> SessionsData {
        SessionsData::new(vec![
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
        ])
    }

    fn ids(view: &SessionsView, data: &SessionsData) -> Vec<String> {
        data.positions(view, now())
            .into_iter()
            .map(|at| data.key(at).1.to_string())
            .collect()
    }

    #[test]
    fn lists_every_session_of_every_user_and_searches_devices_and_users() {
        let data = people();
        let view = |q: &str| SessionsView {
            search: q.into(),
            ..SessionsView::default()
        };
        assert_eq!(ids(&view(""), &data), ["a", "b", "c", "d"]);
        assert_eq!(ids(&view("ann"), &data), ["a", "b"]);
        assert_eq!(ids(&view("DEVICE C"), &data), ["c"]);
        assert_eq!(ids(&view("dev-b"), &data), ["b"]);
        assert_eq!(ids(&view("u-3"), &data), ["d"]);
    }

    #[test]
    fn sorting_by_user_follows_names_ignoring_case_and_a_renamed_user_moves() {
        let mut data = people();
        let by_user = |descending| SessionsView {
            sort: SessionColumn::User,
            descending,
            ..SessionsView::default()
        };
        // "Ann Lee" < "Ben Okafor" < "u-3" (shown by id); a user's sessions keep their order.
        assert_eq!(ids(&by_user(false), &data), ["a", "b", "c", "d"]);
        assert_eq!(ids(&by_user(true), &data), ["d", "c", "a", "b"]);
        let mut renamed = data.users()[2].clone();
        renamed.display_name = Some("aaron".into());
        assert!(data.replace_user(renamed));
        assert_eq!(ids(&by_user(false), &data), ["d", "a", "b", "c"]);
    }

    #[test]
    fn filters_by_state_platform_and_both_ages() {
        let data = people();
        let enrolled_android = SessionsView {
            state: Some(SessionState::Enrolled),
            platform: Some("ANDROID".into()),
            ..SessionsView::default()
        };
        assert_eq!(ids(&enrolled_android, &data), ["c"]);
        // Exactly 30 days since authentication is not more than 30 days; never is.
        let auth = |days| SessionsView {
            auth_days: Some(days),
            ..SessionsView::default()
        };
        assert_eq!(ids(&auth(30), &data), ["a", "b", "d"]);
        assert_eq!(ids(&auth(29), &data), ["a", "b", "c", "d"]);
        let idle = SessionsView {
            idle_days: Some(2),
            ..SessionsView::default()
        };
        assert_eq!(ids(&idle, &data), ["b", "c", "d"]);
    }

    #[test]
    fn filters_by_environment_user_and_expiry() {
        let mut data = people();
        let envs = ["PDA", "CashRegister", "PDA", "Tool"];
        for (at, env) in [(0, 0), (0, 1), (1, 0), (2, 0)].into_iter().zip(envs) {
            let session = &mut data.users[at.0].sessions[at.1];
            session.environment = Some(env.into());
            session.expires_at = Some(now() + Duration::hours(if env == "PDA" { 2 } else { 30 }));
        }
        let view = |edit: fn(&mut SessionsView)| {
            let mut view = SessionsView::default();
            edit(&mut view);
            view
        };
        assert_eq!(
            ids(&view(|v| v.environment = Some("PDA".into())), &data),
            ["a", "c"]
        );
        assert_eq!(ids(&view(|v| v.user = Some(" OKAF".into())), &data), ["c"]);
        assert_eq!(
            ids(&view(|v| v.expiring_hours = Some(2)), &data),
            ["a", "c"]
        );
        assert_eq!(
            ids(&view(|v| v.expiring_hours = Some(1)), &data),
            Vec::<String>::new()
        );
    }

    #[test]
    fn sorts_by_every_column_both_ways() {
        let data = people();
        let sorted = |sort, descending| {
            ids(
                &SessionsView {
                    sort,
                    descending,
                    ..SessionsView::default()
                },
                &data,
            )
        };
        use SessionColumn as C;
        assert_eq!(sorted(C::LastConnected, false), ["d", "b", "c", "a"]);
        assert_eq!(sorted(C::LastConnected, true), ["a", "c", "b", "d"]);
        assert_eq!(sorted(C::LastAuthenticated, false), ["d", "b", "a", "c"]);
        assert_eq!(sorted(C::State, false), ["a", "c", "b", "d"]);
        assert_eq!(sorted(C::Platform, false), ["d", "b", "c", "a"]);
        assert_eq!(sorted(C::Device, true), ["c", "b", "a", "d"]);
        assert_eq!(sorted(C::User, false), ["a", "b", "c", "d"]);
        assert_eq!(sorted(C::DeviceId, true), ["c", "b", "a", "d"]);
    }

    #[test]
    fn the_url_round_trips_and_ignores_junk() {
        let view = SessionsView {
            search: "tablet 7".into(),
            state: Some(SessionState::Reset),
            platform: Some("CHROME".into()),
            idle_days: Some(14),
            auth_days: Some(30),
            environment: Some("PDA".into()),
            user: Some("999".into()),
            expiring_hours: Some(12),
            sort: SessionColumn::LastAuthenticated,
            descending: true,
        };
        let query = view.to_query();
        let back = SessionsView::from_query(query.iter().map(|(k, v)| (*k, v.as_str())));
        assert_eq!(back, view);
        assert!(SessionsView::default().to_query().is_empty());
        let junk = SessionsView::from_query([("state", "ASLEEP"), ("auth", "x"), ("sort", "?")]);
        assert_eq!(junk, SessionsView::default());
    }

    #[test]
    fn rows_are_found_by_ids_even_after_a_user_lost_a_session() {
        let mut data = people();
        let key: SessionKey = ("u-1".into(), "b".into());
        assert_eq!(data.find(&key), Some((0, 1)));
        let mut fresh = data.users()[0].clone();
        fresh.sessions.remove(0);
        fresh.display_name = None;
        assert!(data.replace_user(fresh));
        assert_eq!(data.find(&key), Some((0, 0)), "the same session, moved");
        assert_eq!(data.users()[0].label(), "Ann Lee", "the known name is kept");
        assert_eq!(data.find(&("u-1".into(), "a".into())), None);
        assert_eq!(data.row((0, 5)), None);
        assert!(!data.replace_user(User {
            id: "stranger".into(),
            ..User::default()
        }));
    }

    #[test]
    fn exports_the_columns_asked_for_with_exact_values() {
        let data = people();
        let csv = data.csv(
            &[
                SessionColumn::User,
                SessionColumn::UserId,
                SessionColumn::State,
                SessionColumn::LastConnected,
                SessionColumn::SessionId,
            ],
            &[(0, 1), (2, 0)],
        );
        assert_eq!(
            csv,
            "User,User id,State,Last connected (UTC),Session id\r\n\
             Ann Lee,u-1,LOCKED,2026-11-26T08:00:00Z,b\r\n\
             u-3,u-3,,,d\r\n"
        );
        let (user, session) = data.row((0, 1)).unwrap();
        assert_eq!(
            SessionColumn::State.cell(user, session),
            Cell::State("Locked".into())
        );
        assert_eq!(
            SessionColumn::DeviceId.cell(user, session),
            Cell::Mono("dev-b".into())
        );
    }
}
