//! The command palette's matching: which entries (pages, actions, users) a typed query picks,
//! best first. Every word of the query must start a word of the entry or appear in it;
//! entries whose text starts with the query come first, then those with a word starting with
//! it, then the rest, each group in the given order.

/// How well `text` matches the query's lower-cased `words`; None when it does not.
fn score(text: &str, words: &[String]) -> Option<u8> {
    // Texts given in lower case already (a long list of users) are not copied.
    let lowered;
    let text = if text.chars().any(char::is_uppercase) {
        lowered = text.to_lowercase();
        lowered.as_str()
    } else {
        text
    };
    let mut best = 2;
    for (i, word) in words.iter().enumerate() {
        let found = text.find(word.as_str())?;
        if i == 0 {
            let starts_word = text
                .match_indices(word.as_str())
                .any(|(at, _)| at == 0 || !text[..at].ends_with(char::is_alphanumeric));
            best = match found {
                0 => 0,
                _ if starts_word => 1,
                _ => 2,
            };
        }
    }
    Some(best)
}

/// The positions of `texts` the `query` picks, best first, at most `limit` of them; an empty
/// query picks every text in order.
pub fn rank<'a>(query: &str, texts: impl IntoIterator<Item = &'a str>, limit: usize) -> Vec<usize> {
    let words: Vec<String> = query.split_whitespace().map(str::to_lowercase).collect();
    let mut picked: Vec<(u8, usize)> = texts
        .into_iter()
        .enumerate()
        .filter_map(|(at, text)| Some((score(text, &words)?, at)))
        .collect();
    // Stable: equal scores keep the given order.
    picked.sort_by_key(|&(score, _)| score);
    picked.into_iter().take(limit).map(|(_, at)| at).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXTS: [&str; 5] = [
        "Sessions",
        "Users",
        "Anna Novák · u-17",
        "Susan Ross · u-3",
        "Theme: switch",
    ];

    #[test]
    fn a_start_beats_a_word_start_beats_the_middle() {
        assert_eq!(rank("s", TEXTS, 10), vec![0, 3, 4, 1]);
        assert_eq!(rank("us", TEXTS, 10), vec![1, 3]);
    }

    #[test]
    fn every_word_must_match_in_any_case() {
        assert_eq!(rank("novák ANNA", TEXTS, 10), vec![2]);
        assert_eq!(rank("u-3", TEXTS, 10), vec![3]);
        assert_eq!(rank("anna ross", TEXTS, 10), Vec::<usize>::new());
    }

    #[test]
    fn an_empty_query_keeps_the_order_up_to_the_limit() {
        assert_eq!(rank("  ", TEXTS, 3), vec![0, 1, 2]);
        assert_eq!(rank("", TEXTS, 0), Vec::<usize>::new());
    }
}
