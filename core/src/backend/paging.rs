//! Gathering a listing page by page so that no backend can make it run away: each id is kept
//! once, an empty page or a page that adds no new id ends it, and it stops at a bound the
//! console sets, never at a number the server sent. What was gathered is kept, with a notice
//! saying why it stopped early.

use std::collections::HashSet;

/// The most items one listing gathers.
pub const MAX_ITEMS: usize = 100_000;
/// The most pages one listing asks for.
pub const MAX_PAGES: usize = 1_000;

/// Why a listing stopped before the backend said it ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stop {
    /// It reached the console's bound while the backend still had more.
    Bound,
    /// A page held nothing new: the backend sent the same items again.
    Repeat,
    /// The backend announced more than it sent.
    Short { announced: u64 },
}

/// Items gathered so far, each id once.
#[derive(Debug)]
pub struct Gathered<Item> {
    pub items: Vec<Item>,
    seen: HashSet<String>,
    pages: usize,
    /// Items received, repeats included: where the next page starts.
    pub received: u64,
    pub stopped: Option<Stop>,
}

impl<Item> Default for Gathered<Item> {
    fn default() -> Self {
        Gathered {
            items: Vec::new(),
            seen: HashSet::new(),
            pages: 0,
            received: 0,
            stopped: None,
        }
    }
}

impl<Item> Gathered<Item> {
    /// Adds one page; false when gathering must end here (an empty page, nothing new, or the
    /// bound reached).
    pub fn add(&mut self, objects: Vec<Item>, id_of: fn(&Item) -> &str) -> bool {
        self.pages += 1;
        self.received = self.received.saturating_add(objects.len() as u64);
        if objects.is_empty() {
            return false;
        }
        let before = self.items.len();
        for item in objects {
            if self.items.len() >= MAX_ITEMS {
                self.stopped = Some(Stop::Bound);
                return false;
            }
            if self.seen.insert(id_of(&item).to_string()) {
                self.items.push(item);
            }
        }
        if self.items.len() == before {
            self.stopped = Some(Stop::Repeat);
            return false;
        }
        true
    }

    /// Whether another page may be asked for; at the bound it records why it stops.
    pub fn may_ask(&mut self) -> bool {
        let within = self.pages < MAX_PAGES && self.items.len() < MAX_ITEMS;
        if !within {
            self.stopped = Some(Stop::Bound);
        }
        within
    }

    /// Records that the backend announced `total` items, once it stopped sending.
    pub fn announced(&mut self, total: Option<u64>) {
        if let (Some(announced), None) = (total, self.stopped) {
            if self.received < announced {
                self.stopped = Some(Stop::Short { announced });
            }
        }
    }

    /// What to tell the admin when it stopped early, naming what was gathered as `noun`.
    pub fn notice(&self, noun: &str) -> Option<String> {
        let n = self.items.len();
        Some(match self.stopped? {
            Stop::Bound => {
                format!("The backend keeps sending pages; stopped after {n} {noun}.")
            }
            Stop::Repeat => {
                format!("The backend sent the same {noun} again; stopped after {n} {noun}.")
            }
            Stop::Short { announced } => {
                format!("The backend announced {announced} {noun} but sent {n}; showing those.")
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id(item: &String) -> &str {
        item
    }

    fn page(from: usize, n: usize) -> Vec<String> {
        (from..from + n).map(|i| format!("u{i}")).collect()
    }

    #[test]
    fn keeps_each_id_once_and_ends_on_an_empty_page() {
        let mut got = Gathered::default();
        assert!(got.add(page(0, 3), id));
        assert!(got.add(vec!["u2".into(), "u3".into(), "u3".into()], id));
        assert_eq!(got.items, ["u0", "u1", "u2", "u3"]);
        assert_eq!(got.received, 6);
        assert!(!got.add(Vec::new(), id));
        got.announced(Some(6));
        assert_eq!(got.stopped, None);
        assert_eq!(got.notice("users"), None);
    }

    #[test]
    fn a_repeated_page_stops_it() {
        let mut got = Gathered::default();
        assert!(got.add(page(0, 5), id));
        assert!(!got.add(page(0, 5), id));
        assert_eq!(got.stopped, Some(Stop::Repeat));
        assert_eq!(
            got.notice("users").unwrap(),
            "The backend sent the same users again; stopped after 5 users."
        );
    }

    #[test]
    fn it_stops_at_the_bound_whatever_the_server_says() {
        let mut got = Gathered::default();
        let mut pages = 0;
        while got.may_ask() && got.add(page(pages * 1000, 1000), id) {
            pages += 1;
        }
        assert_eq!(got.items.len(), MAX_ITEMS);
        assert_eq!(got.stopped, Some(Stop::Bound));
        got.announced(Some(u64::MAX));
        assert_eq!(got.stopped, Some(Stop::Bound), "the first reason stays");
        assert!(got
            .notice("users")
            .unwrap()
            .contains("stopped after 100000 users"));

        // One item a page: the page bound comes first.
        let mut got = Gathered::default();
        let mut n = 0;
        while got.may_ask() && got.add(page(n, 1), id) {
            n += 1;
        }
        assert_eq!(got.items.len(), MAX_PAGES);
    }

    #[test]
    fn an_announced_total_that_never_comes_is_said() {
        let mut got = Gathered::default();
        got.add(page(0, 40), id);
        got.add(Vec::new(), id);
        got.announced(Some(1_000_000_000_000));
        assert_eq!(
            got.notice("users").unwrap(),
            "The backend announced 1000000000000 users but sent 40; showing those."
        );
    }
}
