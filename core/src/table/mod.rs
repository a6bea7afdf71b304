//! What every table shares: a view (search, filters, sort) kept in the URL, columns that know
//! their header, cell and CSV value, the rows a view shows, and the page of them on screen.
//! Decided natively here; the app's table controller only renders.

pub mod selection;
pub mod server;
pub mod sessions;
pub mod users;

use crate::model::UserId;
use chrono::{DateTime, Duration, Utc};
use std::cmp::Ordering;
use std::hash::Hash;

/// Rows shown per page.
pub const PAGE_SIZE: usize = 100;

/// A column a table shows and can be sorted by, named in the URL (`sort=last_connected`).
pub trait Column: Copy + Eq + Default + Send + Sync + 'static {
    /// Every column, in table order.
    const ALL: &'static [Self];

    /// The name in the URL.
    fn key(self) -> &'static str;

    /// The column header.
    fn header(self) -> &'static str;

    /// Whether the table can be sorted by this column.
    fn sortable(self) -> bool {
        true
    }

    /// Whether the column holds counts (right-aligned).
    fn numeric(self) -> bool {
        false
    }

    /// The column a URL names, if any.
    fn parse(text: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|k| k.key() == text)
    }
}

/// A table's search, filters and sort, kept in the URL's query so a copied link reproduces it.
pub trait TableView: Clone + PartialEq + Default + Send + Sync + 'static {
    type Key: Column;
    /// The query parameters the view is made of.
    const PARAMS: &'static [&'static str];

    /// Reads the view from query pairs; unknown or malformed values are ignored.
    fn from_query<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> Self;
    /// The query pairs of this view, leaving out what is at its default.
    fn to_query(&self) -> Vec<(&'static str, String)>;
    /// The column sorted by, and whether descending.
    fn sort(&self) -> (Self::Key, bool);
    /// The same view sorted by `key`, with `descending`.
    fn with_sort(&self, key: Self::Key, descending: bool) -> Self;

    /// The same view sorted by `key`: ascending, or flipped if already sorted by `key`.
    fn sorted_by(&self, key: Self::Key) -> Self {
        let (current, descending) = self.sort();
        self.with_sort(key, current == key && !descending)
    }
}

/// The rows of one table as loaded, and what a view of them shows. A row is found by its
/// position in the loaded rows while they stay the same, and by its key (ids) across reloads:
/// selections keep keys, never positions.
pub trait TableModel: Send + Sync + 'static {
    type View: TableView;
    /// What identifies a row across reloads.
    type Key: Clone + Eq + Hash + Send + Sync + 'static;
    /// Where a row is in the loaded rows.
    type At: Copy + Ord + Send + Sync + 'static;

    /// Where the rows `view` shows are, in its order.
    fn positions(&self, view: &Self::View, now: DateTime<Utc>) -> Vec<Self::At>;
    /// The key of the row at `at`.
    fn key(&self, at: Self::At) -> Self::Key;
    /// Where the row with `key` is now, if it is still there.
    fn find(&self, key: &Self::Key) -> Option<Self::At>;
    /// How many rows are loaded.
    fn len(&self) -> usize;
    /// Whether no rows are loaded.
    fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// What one table cell shows, decided natively; the app only renders it.
#[derive(Clone, Debug, PartialEq)]
pub enum Cell {
    /// Plain text.
    Text(String),
    /// An id or code, in a monospace font.
    Mono(String),
    /// A count, right-aligned.
    Count(usize),
    /// A moment: relative to now, with the exact local and UTC value on hover.
    Time(Option<DateTime<Utc>>),
    /// A status badge: its words and a CSS class.
    Badge { label: String, class: &'static str },
    /// A session's state.
    State(String),
    /// A value the device did not report (or reported as a placeholder such as `-`).
    Unknown,
    /// A link to a user's page, named for the user.
    User { id: UserId, label: String },
    /// The row's action buttons, which the page renders.
    Actions,
}

/// Reads `sort` and `dir` into `(key, descending)`; false for any other parameter.
pub fn read_sort<K: Column>(sort: &mut (K, bool), name: &str, value: &str) -> bool {
    match name {
        "sort" => sort.0 = K::parse(value).unwrap_or_default(),
        "dir" => sort.1 = value == "desc",
        _ => return false,
    }
    true
}

/// Appends `sort` and `dir` to `pairs` unless they are the defaults.
pub fn write_sort<K: Column>(sort: (K, bool), pairs: &mut Vec<(&'static str, String)>) {
    if sort.0 != K::default() {
        pairs.push(("sort", sort.0.key().to_string()));
    }
    if sort.1 {
        pairs.push(("dir", "desc".to_string()));
    }
}

/// `order`, reversed for a descending sort.
pub fn directed(order: Ordering, descending: bool) -> Ordering {
    if descending {
        order.reverse()
    } else {
        order
    }
}

/// A search text, trimmed and lower-cased once per view, looked for in many folded texts with
/// one searcher: a keystroke over 30,000 rows neither allocates nor rebuilds it per row.
pub struct Needle(Option<memchr::memmem::Finder<'static>>);

impl Needle {
    pub fn new(search: &str) -> Needle {
        let folded = search.trim().to_lowercase();
        Needle((!folded.is_empty()).then(|| memchr::memmem::Finder::new(&folded).into_owned()))
    }

    /// Whether there is nothing to look for.
    pub fn is_empty(&self) -> bool {
        self.0.is_none()
    }

    /// Whether `folded` (already lower case) holds the needle; everything does when it is empty.
    pub fn found_in(&self, folded: &str) -> bool {
        self.0
            .as_ref()
            .is_none_or(|f| f.find(folded.as_bytes()).is_some())
    }
}

/// Sorts `rows` by the moment `key` gives each (computed once per row, not per comparison),
/// never (None) first, stable, newest first when `descending`.
pub fn sort_by_time<A: Copy>(
    rows: &mut Vec<A>,
    key: impl Fn(A) -> Option<DateTime<Utc>>,
    descending: bool,
) {
    // Seconds and nanoseconds order exactly as the moments do.
    let mut keyed: Vec<(Option<(i64, u32)>, A)> = rows
        .iter()
        .map(|&at| {
            (
                key(at).map(|t| (t.timestamp(), t.timestamp_subsec_nanos())),
                at,
            )
        })
        .collect();
    keyed.sort_by(|a, b| directed(a.0.cmp(&b.0), descending));
    rows.clear();
    rows.extend(keyed.into_iter().map(|(_, at)| at));
}

/// Whether `at` is more than `days` days before `now`; never (None) counts as long ago.
pub fn more_than_days_ago(at: Option<DateTime<Utc>>, days: u32, now: DateTime<Utc>) -> bool {
    at.is_none_or(|at| at < now - Duration::days(i64::from(days)))
}

/// Whether `at` is from `now` up to `hours` hours later: a session that ends soon. Unknown or
/// already past is not.
pub fn ends_within_hours(at: Option<DateTime<Utc>>, hours: u32, now: DateTime<Utc>) -> bool {
    at.is_some_and(|at| at >= now && at <= now + Duration::hours(i64::from(hours)))
}

/// The first and one-past-last row of page `page` (from 0) of `len` rows, clamped to the rows
/// that exist: a page past the end shows the last page.
pub fn page_bounds(len: usize, page: usize, size: usize) -> (usize, usize) {
    let last_page = len.saturating_sub(1) / size.max(1);
    let start = page.min(last_page) * size;
    (start.min(len), (start + size).min(len))
}

/// Where the page on screen is among the rows a view shows, for the pager.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct PagePosition {
    /// The first and last row on screen, counted from 1 (0 and 0 when none).
    pub first: u64,
    pub last: u64,
    /// How many rows the view shows, when known.
    pub total: Option<u64>,
    /// Whether there is a page before and after this one.
    pub previous: bool,
    pub next: bool,
}

impl PagePosition {
    /// Page `page` (from 0) of `len` rows held here, `size` a page.
    pub fn local(len: usize, page: usize, size: usize) -> PagePosition {
        let (start, end) = page_bounds(len, page, size);
        PagePosition {
            first: if end > start { start as u64 + 1 } else { 0 },
            last: end as u64,
            total: Some(len as u64),
            previous: start > 0,
            next: end < len,
        }
    }

    /// A page of `rows` that a server listed after `before` rows, with its `total` if it said
    /// one, and whether it said another page follows.
    pub fn server(before: u64, rows: usize, total: Option<u64>, next: bool) -> PagePosition {
        PagePosition {
            first: if rows > 0 { before + 1 } else { 0 },
            last: before + rows as u64,
            total,
            previous: before > 0,
            next,
        }
    }

    /// Whether there is more than this one page (a pager is worth showing).
    pub fn paged(&self) -> bool {
        self.previous || self.next
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_needle_is_found_in_folded_text_and_an_empty_one_everywhere() {
        let needle = Needle::new("  ÉVA k ");
        assert!(!needle.is_empty());
        assert!(needle.found_in("anna éva kovács"));
        assert!(!needle.found_in("eva k"));
        let empty = Needle::new("   ");
        assert!(empty.is_empty() && empty.found_in("") && empty.found_in("x"));
    }

    #[test]
    fn a_time_sort_keeps_ties_in_order_and_puts_never_first() {
        let at = |s: i64, n: u32| DateTime::from_timestamp(s, n);
        let times = [at(5, 0), None, at(5, 1), at(1, 0), None, at(5, 0)];
        let mut rows: Vec<usize> = (0..times.len()).collect();
        sort_by_time(&mut rows, |i| times[i], false);
        assert_eq!(rows, [1, 4, 3, 0, 5, 2]);
        sort_by_time(&mut rows, |i| times[i], true);
        assert_eq!(rows, [2, 0, 5, 3, 1, 4], "ties keep their order either way");
    }

    #[test]
    fn exactly_n_days_ago_is_not_more_than_n_days_ago() {
        let now = DateTime::from_timestamp(1_800_000_000, 0).unwrap();
        let ago = |days, secs| Some(now - Duration::days(days) - Duration::seconds(secs));
        assert!(!more_than_days_ago(ago(30, 0), 30, now));
        assert!(more_than_days_ago(ago(30, 1), 30, now));
        assert!(!more_than_days_ago(ago(29, 0), 30, now));
        assert!(more_than_days_ago(None, 30, now));
        assert!(more_than_days_ago(ago(0, 1), 0, now));
    }

    #[test]
    fn ending_within_hours_counts_from_now_on() {
        let now = DateTime::from_timestamp(1_800_000_000, 0).unwrap();
        let at = |minutes| Some(now + Duration::minutes(minutes));
        assert!(ends_within_hours(at(0), 1, now));
        assert!(ends_within_hours(at(60), 1, now));
        assert!(!ends_within_hours(at(61), 1, now));
        assert!(!ends_within_hours(at(-1), 1, now), "already ended");
        assert!(!ends_within_hours(None, 1, now));
    }

    #[test]
    fn the_pager_says_where_the_page_is_held_here_or_on_the_server() {
        let rows = |p: PagePosition| (p.first, p.last, p.total);
        let first = PagePosition::local(250, 0, 100);
        assert_eq!(rows(first), (1, 100, Some(250)));
        assert!(!first.previous && first.next && first.paged());
        let last = PagePosition::local(250, 7, 100);
        assert_eq!(rows(last), (201, 250, Some(250)));
        assert!(last.previous && !last.next);
        assert!(!PagePosition::local(80, 0, 100).paged());
        assert_eq!(rows(PagePosition::local(0, 0, 100)), (0, 0, Some(0)));

        let middle = PagePosition::server(100, 100, Some(100_000), true);
        assert_eq!(rows(middle), (101, 200, Some(100_000)));
        assert!(middle.previous && middle.next);
        let unknown = PagePosition::server(0, 42, None, false);
        assert_eq!(rows(unknown), (1, 42, None));
        assert!(!unknown.paged());
    }

    #[test]
    fn pages_cover_every_row_once_and_clamp_past_the_end() {
        assert_eq!(page_bounds(0, 0, 100), (0, 0));
        assert_eq!(page_bounds(250, 0, 100), (0, 100));
        assert_eq!(page_bounds(250, 2, 100), (200, 250));
        assert_eq!(page_bounds(250, 9, 100), (200, 250));
        assert_eq!(page_bounds(200, 2, 100), (100, 200));
        let mut covered = 0;
        for page in 0..100 {
            let (start, end) = page_bounds(10_000, page, 100);
            assert_eq!(start, covered);
            covered = end;
        }
        assert_eq!(covered, 10_000);
    }
}
