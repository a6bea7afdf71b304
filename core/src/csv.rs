//! CSV files for spreadsheets: RFC 4180 quoting, CRLF line ends, ISO 8601 UTC timestamps.

use chrono::{DateTime, SecondsFormat, Utc};

/// One field, quoted when it holds a comma, a quote, a line break or surrounding spaces. A
/// field a spreadsheet would run as a formula (starting with `=`, `+`, `-`, `@`, a tab or a
/// carriage return, as OWASP lists them) is prefixed with `'`.
pub fn field(text: &str) -> String {
    let text = if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{text}")
    } else {
        text.to_string()
    };
    let needs_quotes =
        text.contains([',', '"', '\n', '\r']) || text.starts_with(' ') || text.ends_with(' ');
    if needs_quotes {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text
    }
}

/// A timestamp as ISO 8601 UTC (`2024-05-01T08:30:00Z`), empty when unknown.
pub fn timestamp(at: Option<DateTime<Utc>>) -> String {
    at.map(|at| at.to_rfc3339_opts(SecondsFormat::Secs, true))
        .unwrap_or_default()
}

/// A whole file: the header row, then one row per record.
pub fn document<H, R>(header: H, rows: impl IntoIterator<Item = R>) -> String
where
    H: IntoIterator,
    H::Item: AsRef<str>,
    R: IntoIterator,
    R::Item: AsRef<str>,
{
    let line = |fields: Vec<String>| fields.join(",") + "\r\n";
    let mut out = line(header.into_iter().map(|h| field(h.as_ref())).collect());
    for row in rows {
        out.push_str(&line(row.into_iter().map(|f| field(f.as_ref())).collect()));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_only_what_needs_it() {
        assert_eq!(field("Ann Lee"), "Ann Lee");
        assert_eq!(field("Lee, Ann"), "\"Lee, Ann\"");
        assert_eq!(field("the \"boss\""), "\"the \"\"boss\"\"\"");
        assert_eq!(field("two\nlines"), "\"two\nlines\"");
        assert_eq!(field(" padded"), "\" padded\"");
        assert_eq!(field(""), "");
        assert_eq!(field("Zoë Müller"), "Zoë Müller");
    }

    #[test]
    fn formulas_are_defused() {
        assert_eq!(field("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
        assert_eq!(field("+1"), "'+1");
        assert_eq!(field("@sum"), "'@sum");
        assert_eq!(field("\t=1+1"), "'\t=1+1");
        assert_eq!(field("\r=1+1"), "\"'\r=1+1\"");
    }

    #[test]
    fn a_document_has_a_header_and_crlf_rows() {
        let csv = document(
            &["name", "when"],
            [
                vec![
                    "Ann".to_string(),
                    timestamp(crate::model::time::parse("2024-05-01T08:30:00Z")),
                ],
                vec!["Lee, B".to_string(), timestamp(None)],
            ],
        );
        assert_eq!(
            csv,
            "name,when\r\nAnn,2024-05-01T08:30:00Z\r\n\"Lee, B\",\r\n"
        );
    }
}
