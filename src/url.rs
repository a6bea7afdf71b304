//! Percent-encoding for ids in paths and values in query strings.

/// Encodes everything but the unreserved characters of RFC 3986, so any text is safe as one
/// path segment or one query value.
pub fn encode_component(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~".contains(&byte) {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// `key=value&…` with every value encoded.
pub fn query_string(pairs: &[(&str, String)]) -> String {
    let encoded: Vec<String> = pairs
        .iter()
        .map(|(key, value)| format!("{key}={}", encode_component(value)))
        .collect();
    encoded.join("&")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodes_all_but_unreserved_characters() {
        assert_eq!(
            encode_component("c8c8c4f8-5013_11e7.a~b"),
            "c8c8c4f8-5013_11e7.a~b"
        );
        assert_eq!(encode_component("a/b c?d&e=f"), "a%2Fb%20c%3Fd%26e%3Df");
        assert_eq!(encode_component("é"), "%C3%A9");
    }

    #[test]
    fn builds_a_query_string() {
        let pairs = [
            ("q", "ann lee".to_string()),
            ("sort", "last_connected".to_string()),
        ];
        assert_eq!(query_string(&pairs), "q=ann%20lee&sort=last_connected");
        assert_eq!(query_string(&[]), "");
    }
}
