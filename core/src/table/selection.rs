//! The rows ticked for a bulk action. Rows are ticked by key, never by position. A table the
//! server pages cannot hold every row a view shows, so there "all matching" is a flag with the
//! rows unticked since. A protected row (the console's own session) is taken only when ticked
//! on its own: neither "all on this page" nor "all matching" takes it.

use std::collections::HashSet;
use std::hash::Hash;

/// The ticked rows of one table.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Selection<K: Eq + Hash> {
    /// Rows ticked one by one (or a page or view at a time, on a table that holds them all).
    keys: HashSet<K>,
    /// Every row the view shows, but the `excluded` ones.
    all_matching: bool,
    excluded: HashSet<K>,
}

impl<K: Eq + Hash> Default for Selection<K> {
    fn default() -> Self {
        Selection {
            keys: HashSet::new(),
            all_matching: false,
            excluded: HashSet::new(),
        }
    }
}

impl<K: Clone + Eq + Hash> Selection<K> {
    /// Whether the row with `key` is ticked.
    pub fn is_ticked(&self, key: &K, protected: bool) -> bool {
        self.keys.contains(key) || (self.all_matching && !protected && !self.excluded.contains(key))
    }

    /// Ticks or unticks one row.
    pub fn tick(&mut self, key: K, on: bool, protected: bool) {
        if self.all_matching && !protected {
            if on {
                self.excluded.remove(&key);
            } else {
                self.excluded.insert(key.clone());
                self.keys.remove(&key);
            }
        } else if on {
            self.keys.insert(key);
        } else {
            self.keys.remove(&key);
        }
    }

    /// Ticks or unticks rows a page or a view at a time; protected ones stay as they are.
    pub fn tick_many(&mut self, rows: impl IntoIterator<Item = (K, bool)>, on: bool) {
        for (key, protected) in rows {
            if !protected {
                self.tick(key, on, false);
            }
        }
    }

    /// Every row the view shows, also those not loaded.
    pub fn tick_all_matching(&mut self) {
        self.all_matching = true;
        self.excluded.clear();
    }

    /// Whether "all matching" is on.
    pub fn all_matching(&self) -> bool {
        self.all_matching
    }

    /// Unticks everything.
    pub fn clear(&mut self) {
        *self = Selection::default();
    }

    /// Whether nothing is ticked.
    pub fn is_empty(&self) -> bool {
        self.keys.is_empty() && !self.all_matching
    }

    /// How many rows are ticked, of `matching` rows the view shows (unknown when "all
    /// matching" is on and the total is not known). With "all matching" it is an upper bound:
    /// a protected row among them is counted although it is not taken; the bulk dialog counts
    /// exactly once it has read them.
    pub fn count(&self, matching: Option<u64>) -> Option<u64> {
        if self.all_matching {
            Some(matching?.saturating_sub(self.excluded.len() as u64))
        } else {
            Some(self.keys.len() as u64)
        }
    }

    /// The rows ticked one by one.
    pub fn keys(&self) -> impl Iterator<Item = &K> {
        self.keys.iter()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_are_ticked_one_by_one_or_a_page_at_a_time_but_the_protected_one() {
        let mut selection = Selection::default();
        selection.tick_many([(1, false), (2, false), (3, true)], true);
        assert!(selection.is_ticked(&1, false) && selection.is_ticked(&2, false));
        assert!(
            !selection.is_ticked(&3, true),
            "a page does not take the protected row"
        );
        selection.tick(3, true, true);
        assert!(
            selection.is_ticked(&3, true),
            "ticked on its own, it is taken"
        );
        assert_eq!(selection.count(Some(100)), Some(3));
        selection.tick_many([(1, false), (3, true)], false);
        assert_eq!(selection.keys().count(), 2, "2 and the protected 3");
        selection.clear();
        assert!(selection.is_empty());
    }

    #[test]
    fn all_matching_takes_every_row_but_those_unticked_and_the_protected_one() {
        let mut selection = Selection::default();
        selection.tick_all_matching();
        assert!(!selection.is_empty());
        assert!(
            selection.is_ticked(&"far-away", false),
            "rows not loaded are in"
        );
        assert!(!selection.is_ticked(&"own", true));
        selection.tick("b", false, false);
        assert!(!selection.is_ticked(&"b", false));
        assert_eq!(selection.count(Some(1000)), Some(999));
        assert_eq!(selection.count(None), None);
        selection.tick("b", true, false);
        assert_eq!(selection.count(Some(1000)), Some(1000));
        selection.tick("own", true, true);
        assert!(selection.is_ticked(&"own", true));
        selection.clear();
        assert!(!selection.all_matching() && !selection.is_ticked(&"b", false));
    }
}
