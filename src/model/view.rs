//! What every table view shares: sortable columns named in the URL, the query round trip, and
//! the "more than N days ago" test.

use chrono::{DateTime, Duration, Utc};
use std::cmp::Ordering;

/// A column a table can be sorted by, named in the URL (`sort=last_connected`).
pub trait Column: Copy + Eq + Default + Send + Sync + 'static {
    /// Every column, in table order.
    const ALL: &'static [Self];

    /// The name in the URL.
    fn key(self) -> &'static str;

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

/// Whether `at` is more than `days` days before `now`; never (None) counts as long ago.
pub fn more_than_days_ago(at: Option<DateTime<Utc>>, days: u32, now: DateTime<Utc>) -> bool {
    at.is_none_or(|at| at < now - Duration::days(i64::from(days)))
}

/// Whether `text` contains `needle`, which the caller has already trimmed and lowercased.
pub fn contains_folded(text: &str, needle: &str) -> bool {
    text.to_lowercase().contains(needle)
}

#[cfg(test)]
mod tests {
    use super::*;

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
}
