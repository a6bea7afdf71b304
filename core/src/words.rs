//! Counts in words: "1 user", "12 users". The console's nouns are English and given in the
//! plural; the singular drops the final "s", which holds for every noun it counts (users,
//! sessions, devices, rows).

/// `n` and the noun in the number `n` takes.
pub fn count(n: impl Into<u64>, plural: &str) -> String {
    let n = n.into();
    match plural.strip_suffix('s') {
        Some(one) if n == 1 => format!("1 {one}"),
        _ => format!("{n} {plural}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_is_singular_every_other_count_plural() {
        assert_eq!(count(1u64, "sessions"), "1 session");
        assert_eq!(count(0u64, "sessions"), "0 sessions");
        assert_eq!(count(2u64, "users"), "2 users");
        assert_eq!(count(1u64, "enrolled devices"), "1 enrolled device");
        assert_eq!(
            count(1u64, "staff"),
            "1 staff",
            "a noun without an s stays as it is"
        );
    }
}
