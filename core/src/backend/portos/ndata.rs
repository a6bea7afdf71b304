//! NData, PORTOS' query syntax: `$skip`, `$take`, `$sort=a,-b`, `$count=true`, and a filter per
//! member, `member=op:arg;op:arg` (the member may repeat; members combine with AND). A sessions
//! view becomes one of these, so that search, filters, sort and paging run on the server.
//!
//! Each `arg` is percent-encoded on its own (then the whole value again, as any query value):
//! a search may hold `;` or `:` without breaking the syntax (decided; the sandbox decodes it).

use crate::backend::http::encode_component;
use crate::table::sessions::{SessionColumn, SessionsView};
use chrono::{DateTime, Duration, SecondsFormat, Utc};

/// A filter operator.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Op {
    Eq,
    Ne,
    Gt,
    Ge,
    Lt,
    Le,
    /// Contains, ignoring case.
    Ct,
}

impl Op {
    /// The operator's name in a filter.
    pub fn key(self) -> &'static str {
        match self {
            Op::Eq => "eq",
            Op::Ne => "ne",
            Op::Gt => "gt",
            Op::Ge => "ge",
            Op::Lt => "lt",
            Op::Le => "le",
            Op::Ct => "ct",
        }
    }

    /// The operator a filter names.
    pub fn parse(key: &str) -> Option<Op> {
        [Op::Eq, Op::Ne, Op::Gt, Op::Ge, Op::Lt, Op::Le, Op::Ct]
            .into_iter()
            .find(|op| op.key() == key)
    }
}

/// One query of the sessions listing.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct NData {
    /// (member, operator, argument), in order.
    pub filters: Vec<(String, Op, String)>,
    /// (member, descending), in order.
    pub sort: Vec<(String, bool)>,
    pub skip: u64,
    pub take: u64,
    /// Only count: the answer has the total and no items.
    pub count: bool,
}

/// The member a column sorts by on the server, for the columns that can.
pub fn sort_member(column: SessionColumn) -> Option<&'static str> {
    Some(match column {
        SessionColumn::User => "identity.userName",
        SessionColumn::Device => "identity.deviceName",
        SessionColumn::Environment => "identity.envName",
        SessionColumn::Started => "startedAt",
        SessionColumn::LastAccess => "lastAccessAt",
        SessionColumn::Expires => "expiresAt",
        SessionColumn::SessionId => "sessionId",
        _ => return None,
    })
}

/// A moment as a filter compares it.
fn instant(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Secs, true)
}

impl NData {
    /// The query for what `view` shows, from `skip`, `take` at a time; `now` anchors the
    /// filters counted in days or hours.
    pub fn for_view(view: &SessionsView, skip: u64, take: u64, now: DateTime<Utc>) -> NData {
        let mut filters = Vec::new();
        let mut filter = |member: &str, op: Op, arg: String| {
            filters.push((member.to_string(), op, arg));
        };
        if !view.search.trim().is_empty() {
            filter(
                "identity.deviceName",
                Op::Ct,
                view.search.trim().to_string(),
            );
        }
        if let Some(environment) = &view.environment {
            filter("identity.envName", Op::Eq, environment.clone());
        }
        if let Some(user) = view.user.as_deref().filter(|u| !u.trim().is_empty()) {
            filter("identity.userName", Op::Ct, user.trim().to_string());
        }
        if let Some(days) = view.idle_days {
            let before = now - Duration::days(i64::from(days));
            filter("lastAccessAt", Op::Lt, instant(before));
        }
        if let Some(hours) = view.expiring_hours {
            filter("expiresAt", Op::Ge, instant(now));
            let until = now + Duration::hours(i64::from(hours));
            filter("expiresAt", Op::Le, instant(until));
        }
        let mut sort = match sort_member(view.sort) {
            Some(member) => vec![(member.to_string(), view.descending)],
            None => vec![("startedAt".to_string(), true)],
        };
        // Ties in the same order on every page: the id last.
        if sort[0].0 != "sessionId" {
            sort.push(("sessionId".to_string(), false));
        }
        NData {
            filters,
            sort,
            skip,
            take,
            count: false,
        }
    }

    /// The query's parameters: filters of one member joined by `;`, in the order first named.
    pub fn to_query(&self) -> Vec<(String, String)> {
        let mut pairs: Vec<(String, String)> = Vec::new();
        for (member, op, arg) in &self.filters {
            let condition = format!("{}:{}", op.key(), encode_component(arg));
            match pairs.iter_mut().find(|(name, _)| name == member) {
                Some((_, value)) => {
                    value.push(';');
                    value.push_str(&condition);
                }
                None => pairs.push((member.clone(), condition)),
            }
        }
        if !self.sort.is_empty() {
            let keys: Vec<String> = self
                .sort
                .iter()
                .map(|(member, descending)| {
                    if *descending {
                        format!("-{member}")
                    } else {
                        member.clone()
                    }
                })
                .collect();
            pairs.push(("$sort".into(), keys.join(",")));
        }
        if self.count {
            pairs.push(("$count".into(), "true".into()));
        } else {
            pairs.push(("$skip".into(), self.skip.to_string()));
            pairs.push(("$take".into(), self.take.to_string()));
        }
        pairs
    }
}

/// Reads query parameters back into a query, as a server would (for round-trip tests).
#[cfg(test)]
pub fn parse(pairs: &[(String, String)]) -> Result<NData, String> {
    let mut query = NData::default();
    for (name, value) in pairs {
        match name.as_str() {
            "$skip" => query.skip = value.parse().map_err(|_| format!("$skip {value}"))?,
            "$take" => query.take = value.parse().map_err(|_| format!("$take {value}"))?,
            "$count" => query.count = value == "true",
            "$sort" => {
                for key in value.split(',') {
                    let (member, descending) = match key.strip_prefix('-') {
                        Some(member) => (member, true),
                        None => match key.strip_suffix(":desc") {
                            Some(member) => (member, true),
                            None => (key, false),
                        },
                    };
                    query.sort.push((member.to_string(), descending));
                }
            }
            member => {
                for condition in value.split(';') {
                    let (op, arg) = condition.split_once(':').ok_or(condition.to_string())?;
                    let op = Op::parse(op).ok_or(op.to_string())?;
                    let arg = crate::backend::http::decode_component(arg).ok_or(arg.to_string())?;
                    query.filters.push((member.to_string(), op, arg));
                }
            }
        }
    }
    Ok(query)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn now() -> DateTime<Utc> {
        crate::model::time::parse("2026-11-24T12:00:00Z").unwrap()
    }

    #[test]
    fn a_view_becomes_filters_sort_and_paging() {
        let view = SessionsView {
            search: " PDA 7 ".into(),
            environment: Some("PDA".into()),
            user: Some("999".into()),
            idle_days: Some(30),
            expiring_hours: Some(12),
            sort: SessionColumn::LastAccess,
            descending: true,
            ..SessionsView::default()
        };
        let query = NData::for_view(&view, 200, 100, now()).to_query();
        let pairs: Vec<(&str, &str)> = query
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        assert_eq!(
            pairs,
            [
                ("identity.deviceName", "ct:PDA%207"),
                ("identity.envName", "eq:PDA"),
                ("identity.userName", "ct:999"),
                ("lastAccessAt", "lt:2026-10-25T12%3A00%3A00Z"),
                (
                    "expiresAt",
                    "ge:2026-11-24T12%3A00%3A00Z;le:2026-11-25T00%3A00%3A00Z"
                ),
                ("$sort", "-lastAccessAt,sessionId"),
                ("$skip", "200"),
                ("$take", "100"),
            ]
        );
    }

    #[test]
    fn every_view_round_trips_through_the_query() {
        let views = [
            SessionsView::default(),
            SessionsView {
                search: "a;b:c&d=e%f é".into(),
                sort: SessionColumn::Device,
                ..SessionsView::default()
            },
            SessionsView {
                user: Some("Ján Novák".into()),
                environment: Some("CashRegister".into()),
                sort: SessionColumn::SessionId,
                descending: true,
                ..SessionsView::default()
            },
            SessionsView {
                idle_days: Some(0),
                expiring_hours: Some(1),
                sort: SessionColumn::State,
                ..SessionsView::default()
            },
        ];
        for view in views {
            let built = NData::for_view(&view, 0, 50, now());
            let pairs = built.to_query();
            assert_eq!(parse(&pairs).unwrap(), built, "{view:?}");
        }
        let mut count = NData::for_view(&SessionsView::default(), 0, 50, now());
        count.count = true;
        let back = parse(&count.to_query()).unwrap();
        assert!(back.count);
        assert_eq!(back.filters, count.filters);
    }

    #[test]
    fn columns_the_server_cannot_sort_by_fall_back_to_the_newest_first() {
        let view = SessionsView {
            sort: SessionColumn::AuthType,
            ..SessionsView::default()
        };
        let query = NData::for_view(&view, 0, 10, now());
        assert_eq!(
            query.sort,
            [
                ("startedAt".to_string(), true),
                ("sessionId".to_string(), false)
            ]
        );
        assert_eq!(sort_member(SessionColumn::Actions), None);
    }
}
