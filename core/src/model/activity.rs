//! The activity log: every action run from this browser, newest first, kept in localStorage so
//! it survives a reload, and exportable as CSV.

use crate::csv;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// Entries kept; older ones are dropped so the log stays well inside localStorage's quota.
pub const MAX_ENTRIES: usize = 500;
/// Targets named per entry; a bulk run over more says how many in `target_count`.
pub const MAX_NAMED_TARGETS: usize = 200;

/// One action (single or bulk) and how it went.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Entry {
    pub at: DateTime<Utc>,
    /// The base URL acted on.
    pub backend: String,
    pub action: String,
    /// The first targets by name.
    pub targets: Vec<String>,
    pub target_count: usize,
    pub outcome: String,
}

impl Entry {
    /// An entry for `action` on `targets`, naming at most [`MAX_NAMED_TARGETS`] of them.
    pub fn new(
        at: DateTime<Utc>,
        backend: &str,
        action: &str,
        targets: &[String],
        outcome: String,
    ) -> Entry {
        Entry {
            at,
            backend: backend.to_string(),
            action: action.to_string(),
            targets: targets.iter().take(MAX_NAMED_TARGETS).cloned().collect(),
            target_count: targets.len(),
            outcome,
        }
    }

    /// The first `shown` named targets, the other named ones, and how many targets were never
    /// named (beyond [`MAX_NAMED_TARGETS`]): what a page shows, folds away and only counts.
    pub fn targets_folded(&self, shown: usize) -> (&[String], &[String], usize) {
        let (first, rest) = self.targets.split_at(shown.min(self.targets.len()));
        let unnamed = self.target_count.saturating_sub(self.targets.len());
        (first, rest, unnamed)
    }

    /// The targets as one line: the names, and how many more.
    pub fn targets_text(&self) -> String {
        let named = self.targets.join("; ");
        match self.target_count.saturating_sub(self.targets.len()) {
            0 => named,
            more => format!("{named}; and {more} more"),
        }
    }
}

/// Adds `entry` as the newest, dropping the oldest beyond [`MAX_ENTRIES`].
pub fn record(log: &mut Vec<Entry>, entry: Entry) {
    log.insert(0, entry);
    log.truncate(MAX_ENTRIES);
}

/// The log as CSV, newest first.
pub fn activity_csv(log: &[Entry]) -> String {
    csv::document(
        &[
            "Time (UTC)",
            "Backend",
            "Action",
            "Targets",
            "Target count",
            "Outcome",
        ],
        log.iter().map(|e| {
            [
                csv::timestamp(Some(e.at)),
                e.backend.clone(),
                e.action.clone(),
                e.targets_text(),
                e.target_count.to_string(),
                e.outcome.clone(),
            ]
        }),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(minute: u32) -> DateTime<Utc> {
        crate::model::time::parse(&format!("2026-11-24T10:{minute:02}:00Z")).unwrap()
    }

    #[test]
    fn newest_first_capped_and_exported() {
        let mut log = Vec::new();
        for minute in 0..3 {
            let targets = vec![format!("user {minute}")];
            record(
                &mut log,
                Entry::new(
                    at(minute),
                    "https://b/api/v4/d",
                    "Unlock",
                    &targets,
                    "Done".into(),
                ),
            );
        }
        assert_eq!(log[0].targets, ["user 2"]);
        let csv = activity_csv(&log);
        let lines: Vec<&str> = csv.lines().collect();
        assert_eq!(lines.len(), 4);
        assert_eq!(
            lines[1],
            "2026-11-24T10:02:00Z,https://b/api/v4/d,Unlock,user 2,1,Done"
        );
        for minute in 0..(MAX_ENTRIES as u32 + 5) {
            record(
                &mut log,
                Entry::new(at(minute % 60), "b", "Lock", &[], "Done".into()),
            );
        }
        assert_eq!(log.len(), MAX_ENTRIES);
    }

    #[test]
    fn a_small_run_folds_nothing_and_a_stored_entry_that_lies_folds_safely() {
        let two = vec!["a".to_string(), "b".to_string()];
        let entry = Entry::new(at(0), "b", "Lock", &two, "2 done".into());
        assert_eq!(entry.targets_folded(3), (&two[..], &[][..], 0));
        // Read back from localStorage, an entry may claim fewer targets than it names.
        let lying = Entry {
            target_count: 0,
            ..entry
        };
        assert_eq!(lying.targets_folded(1), (&two[..1], &two[1..], 0));
    }

    #[test]
    fn a_big_run_names_some_targets_and_counts_all() {
        let targets: Vec<String> = (0..1500).map(|i| format!("s{i}")).collect();
        let entry = Entry::new(
            at(0),
            "b",
            "Re-authenticate session",
            &targets,
            "1500 done".into(),
        );
        assert_eq!(entry.targets.len(), MAX_NAMED_TARGETS);
        assert_eq!(entry.target_count, 1500);
        assert!(entry.targets_text().ends_with("; and 1300 more"));
        let (first, rest, unnamed) = entry.targets_folded(3);
        assert_eq!(first, &targets[..3]);
        assert_eq!(rest, &targets[3..MAX_NAMED_TARGETS]);
        assert_eq!(unnamed, 1300);
        let back: Entry = serde_json::from_str(&serde_json::to_string(&entry).unwrap()).unwrap();
        assert_eq!(back, entry);
    }
}
