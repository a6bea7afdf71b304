//! A users view as Usergrid's query language: the search, filters and sort of the users table
//! become `select * where … order by …`, so that the server does them. Every text from the
//! admin goes inside a quoted string, its quotes and backslashes escaped: a search can never
//! become syntax.

use crate::table::users::{start_of, UserColumn, UsersView};

/// `text` as a quoted `ql` string.
pub fn quote(text: &str) -> String {
    let mut quoted = String::with_capacity(text.len() + 2);
    quoted.push('\'');
    for c in text.chars() {
        if c == '\'' || c == '\\' {
            quoted.push('\\');
        }
        quoted.push(c);
    }
    quoted.push('\'');
    quoted
}

/// The property a column sorts by on the server, for the columns that can.
pub fn sort_property(column: UserColumn) -> Option<&'static str> {
    Some(match column {
        UserColumn::Name => "name",
        UserColumn::Username => "username",
        UserColumn::Email => "email",
        UserColumn::Activated => "activated",
        UserColumn::Disabled => "disabled",
        UserColumn::Created => "created",
        UserColumn::Modified => "modified",
        _ => return None,
    })
}

/// The most words of a search that go to the server: each costs three conditions, and a
/// server bounds how many one query may hold.
pub const MAX_WORDS: usize = 10;

/// The words of a search: `contains` matches words, so a search is its words (the first
/// [`MAX_WORDS`]), each the beginning of a word of the name, username or e-mail.
pub fn search_words(search: &str) -> Vec<String> {
    search
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .take(MAX_WORDS)
        .collect()
}

/// The query for what `view` shows.
pub fn for_view(view: &UsersView) -> String {
    let mut conditions: Vec<String> = search_words(&view.search)
        .iter()
        .map(|word| {
            let prefix = quote(&format!("{word}*"));
            format!(
                "(name contains {prefix} or username contains {prefix} or email contains {prefix})"
            )
        })
        .collect();
    if let Some(disabled) = view.disabled {
        conditions.push(format!("disabled = {disabled}"));
    }
    if let Some(activated) = view.activated {
        conditions.push(format!("activated = {activated}"));
    }
    if let Some(day) = view.created_after {
        conditions.push(format!("created >= {}", start_of(day).timestamp_millis()));
    }
    if let Some(day) = view.created_before {
        conditions.push(format!("created < {}", start_of(day).timestamp_millis()));
    }
    let mut query = String::from("select *");
    if !conditions.is_empty() {
        query.push_str(" where ");
        query.push_str(&conditions.join(" and "));
    }
    let (property, descending) = match sort_property(view.sort) {
        Some(property) => (property, view.descending),
        None => ("created", false),
    };
    query.push_str(&format!(
        " order by {property} {}",
        if descending { "desc" } else { "asc" }
    ));
    query
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    #[test]
    fn quotes_and_backslashes_are_escaped() {
        assert_eq!(quote("ann"), "'ann'");
        assert_eq!(quote("o'brien"), r"'o\'brien'");
        assert_eq!(quote(r"a\' or 1=1"), r"'a\\\' or 1=1'");
    }

    #[test]
    fn a_view_becomes_where_and_order_by() {
        let view = UsersView {
            search: "  Ann  Lee ".into(),
            disabled: Some(false),
            activated: Some(false),
            created_after: NaiveDate::from_ymd_opt(2024, 1, 1),
            created_before: NaiveDate::from_ymd_opt(2025, 1, 1),
            sort: UserColumn::Modified,
            descending: true,
            ..UsersView::default()
        };
        assert_eq!(
            for_view(&view),
            "select * where (name contains 'ann*' or username contains 'ann*' or email contains 'ann*') \
             and (name contains 'lee*' or username contains 'lee*' or email contains 'lee*') \
             and disabled = false and activated = false and created >= 1704067200000 \
             and created < 1735689600000 order by modified desc"
        );
        assert_eq!(
            for_view(&UsersView::default()),
            "select * order by name asc"
        );
        let unsortable = UsersView {
            sort: UserColumn::Sessions,
            ..UsersView::default()
        };
        assert_eq!(for_view(&unsortable), "select * order by created asc");
    }

    #[test]
    fn a_hostile_search_is_words_in_quotes() {
        let view = UsersView {
            search: "' or 1=1 --".into(),
            ..UsersView::default()
        };
        let query = for_view(&view);
        assert_eq!(search_words("' or 1=1 --"), ["or", "1", "1"]);
        assert_eq!(search_words(&"a ".repeat(50)).len(), MAX_WORDS);
        assert!(!query.contains("' or 1"), "{query}");
        assert!(
            query.starts_with("select * where (name contains 'or*'"),
            "{query}"
        );
        let quoted = UsersView {
            search: "o'brien".into(),
            ..UsersView::default()
        };
        assert!(
            for_view(&quoted).contains("name contains 'o*'")
                && for_view(&quoted).contains("'brien*'")
        );
    }
}
