//! Saved views: a named search, filters and sort of one table, kept per backend on this
//! device and shared between admins as JSON ("stale Android tablets"). A file from elsewhere
//! is read within limits: it cannot grow the list, a name or a query without bound.

use serde::{Deserialize, Serialize};

/// The most views kept per backend.
pub const MAX_VIEWS: usize = 200;
/// The longest name, in characters.
pub const MAX_NAME: usize = 100;
/// The most query parameters in one view, and the longest value.
const MAX_PAIRS: usize = 24;
const MAX_VALUE: usize = 500;

/// One saved view: its name, the table it is of (`users`, `sessions`) and that table's query.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SavedView {
    pub name: String,
    pub table: String,
    pub query: Vec<(String, String)>,
}

/// The saved views of one backend.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SavedViews(Vec<SavedView>);

impl SavedViews {
    /// The views of `table`, in the order they were saved.
    pub fn of<'a>(&'a self, table: &'a str) -> impl Iterator<Item = &'a SavedView> + 'a {
        self.0.iter().filter(move |v| v.table == table)
    }

    /// The view of `table` named `name`.
    pub fn find(&self, table: &str, name: &str) -> Option<&SavedView> {
        self.0.iter().find(|v| v.table == table && v.name == name)
    }

    /// Saves `view`, replacing one of the same table and name; false (nothing saved) when its
    /// name is blank or the list is full.
    pub fn save(&mut self, view: SavedView) -> bool {
        let Some(view) = checked(view) else {
            return false;
        };
        let same = self
            .0
            .iter()
            .position(|v| v.table == view.table && v.name == view.name);
        match same {
            Some(at) => self.0[at] = view,
            None if self.0.len() < MAX_VIEWS => self.0.push(view),
            None => return false,
        }
        true
    }

    /// Forgets the view of `table` named `name`.
    pub fn remove(&mut self, table: &str, name: &str) {
        self.0.retain(|v| !(v.table == table && v.name == name));
    }

    /// Every view as JSON, for storage and for sharing.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(&self.0).unwrap_or_else(|_| "[]".into())
    }

    /// Reads views from JSON (stored or shared): a list of views; entries that are not views
    /// or break a limit are skipped. None when the text is not such a list at all.
    pub fn from_json(text: &str) -> Option<SavedViews> {
        let entries: Vec<serde_json::Value> = serde_json::from_str(text).ok()?;
        let mut views = SavedViews::default();
        for entry in entries.into_iter().take(MAX_VIEWS) {
            if let Ok(view) = serde_json::from_value::<SavedView>(entry) {
                views.save(view);
            }
        }
        Some(views)
    }

    /// Adds `other`'s views to these (same table and name: `other`'s wins); how many it added
    /// or changed.
    pub fn merge(&mut self, other: SavedViews) -> usize {
        other.0.into_iter().filter(|v| self.save(v.clone())).count()
    }
}

/// `view` trimmed to the limits, or None when its name is blank.
fn checked(mut view: SavedView) -> Option<SavedView> {
    view.name = view.name.trim().chars().take(MAX_NAME).collect();
    if view.name.is_empty() || view.table.is_empty() || view.table.len() > 32 {
        return None;
    }
    view.query.truncate(MAX_PAIRS);
    view.query
        .retain(|(k, v)| !k.is_empty() && k.len() <= 32 && v.chars().count() <= MAX_VALUE);
    Some(view)
}

/// Where a backend's views are kept on this device: per kind and base URL (never a secret).
pub fn storage_key(kind: &str, base_url: &str) -> String {
    format!("roster.views.{kind}.{}", base_url.trim_end_matches('/'))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn view(name: &str, table: &str, q: &str) -> SavedView {
        SavedView {
            name: name.into(),
            table: table.into(),
            query: vec![("q".into(), q.into())],
        }
    }

    #[test]
    fn saving_again_replaces_and_tables_keep_their_own_views() {
        let mut views = SavedViews::default();
        assert!(views.save(view(" Stale tablets ", "sessions", "tab")));
        assert!(views.save(view("Stale tablets", "users", "x")));
        assert!(views.save(view("Stale tablets", "sessions", "android")));
        let sessions: Vec<_> = views.of("sessions").collect();
        assert_eq!(sessions.len(), 1);
        assert_eq!(sessions[0].name, "Stale tablets", "the name is trimmed");
        assert_eq!(sessions[0].query[0].1, "android", "the newer one wins");
        assert!(views.find("users", "Stale tablets").is_some());
        assert!(
            !views.save(view("   ", "users", "x")),
            "a blank name is no name"
        );
        views.remove("sessions", "Stale tablets");
        assert!(views.find("sessions", "Stale tablets").is_none());
        assert!(views.find("users", "Stale tablets").is_some());
    }

    #[test]
    fn json_round_trips_and_a_shared_file_is_read_within_limits() {
        let mut views = SavedViews::default();
        views.save(view("A", "users", "ann"));
        views.save(view("B", "sessions", "ipad"));
        assert_eq!(SavedViews::from_json(&views.to_json()), Some(views.clone()));

        let hostile = serde_json::json!([
            {"name": "x".repeat(5000), "table": "users", "query": [["q", "1"]]},
            {"name": "ok", "table": "users", "query": [["q", "y".repeat(10_000)], ["sort", "name"]]},
            {"name": 5},
            "not a view",
            {"name": "many", "table": "users", "query": (0..1000).map(|i| [format!("k{i}"), "v".into()]).collect::<Vec<_>>()},
        ]);
        let read = SavedViews::from_json(&hostile.to_string()).unwrap();
        let names: Vec<usize> = read.of("users").map(|v| v.name.chars().count()).collect();
        assert_eq!(names, [MAX_NAME, 2, 4]);
        let ok = read.find("users", "ok").unwrap();
        assert_eq!(ok.query, [("sort".to_string(), "name".to_string())]);
        assert_eq!(read.find("users", "many").unwrap().query.len(), MAX_PAIRS);
        let lots: Vec<_> = (0..1000)
            .map(|i| view(&format!("v{i}"), "users", ""))
            .collect();
        let text = serde_json::to_string(&lots).unwrap();
        assert_eq!(
            SavedViews::from_json(&text).unwrap().of("users").count(),
            MAX_VIEWS
        );
        assert_eq!(SavedViews::from_json("{\"not\": \"a list\"}"), None);
    }

    #[test]
    fn merging_adds_and_replaces_and_keys_name_the_backend() {
        let mut mine = SavedViews::default();
        mine.save(view("A", "users", "1"));
        let mut theirs = SavedViews::default();
        theirs.save(view("A", "users", "2"));
        theirs.save(view("B", "users", "3"));
        assert_eq!(mine.merge(theirs), 2);
        assert_eq!(mine.find("users", "A").unwrap().query[0].1, "2");
        assert_eq!(mine.of("users").count(), 2);
        assert_eq!(
            storage_key("portos", "https://pos.example/portos/"),
            "roster.views.portos.https://pos.example/portos"
        );
    }
}
