//! The sessions listing's query string as PORTOS reads it (NData): `$skip`, `$take`, `$sort`,
//! `$count` and a filter per member, `member=op:arg;op:arg`, turned into SQL.
//!
//! Decided where the seed is silent (API.md section 5): the members and operators below, and
//! nothing else (400); `ct` is case-insensitive and only for text; datetimes compare as
//! instants; members combine with AND, as do a member's conditions; each `arg` may be
//! percent-encoded on its own, so that it can hold `;` or `:`; a paging parameter given twice
//! is refused; at most [`MAX_CONDITIONS`] conditions.

use super::instant::{self, Ticks};
use super::problem::Problem;

/// `$take` when the query has none, and the most it may be.
pub const DEFAULT_TAKE: u64 = 50;
pub const MAX_TAKE: u64 = 1000;
/// The most filter conditions one query may hold.
pub const MAX_CONDITIONS: usize = 100;

/// What a filter or sort can name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Member {
    SessionId,
    UserName,
    DeviceName,
    EnvName,
    StartedAt,
    ExpiresAt,
    LastAccessAt,
}

impl Member {
    const ALL: [Member; 7] = [
        Member::SessionId,
        Member::UserName,
        Member::DeviceName,
        Member::EnvName,
        Member::StartedAt,
        Member::ExpiresAt,
        Member::LastAccessAt,
    ];

    /// The member's name on the wire.
    pub fn name(self) -> &'static str {
        match self {
            Member::SessionId => "sessionId",
            Member::UserName => "identity.userName",
            Member::DeviceName => "identity.deviceName",
            Member::EnvName => "identity.envName",
            Member::StartedAt => "startedAt",
            Member::ExpiresAt => "expiresAt",
            Member::LastAccessAt => "lastAccessAt",
        }
    }

    fn parse(name: &str) -> Option<Member> {
        Member::ALL.into_iter().find(|m| m.name() == name)
    }

    /// The column it is stored in.
    fn column(self) -> &'static str {
        match self {
            Member::SessionId => "session_id",
            Member::UserName => "user_name",
            Member::DeviceName => "device_name",
            Member::EnvName => "env_name",
            Member::StartedAt => "started_at",
            Member::ExpiresAt => "expires_at",
            Member::LastAccessAt => "last_access_at",
        }
    }

    fn is_time(self) -> bool {
        matches!(
            self,
            Member::StartedAt | Member::ExpiresAt | Member::LastAccessAt
        )
    }
}

/// A filter operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    Eq,
    Ne,
    Gt,
    Ge,
    Lt,
    Le,
    Ct,
}

impl Op {
    fn parse(name: &str) -> Option<Op> {
        Some(match name {
            "eq" => Op::Eq,
            "ne" => Op::Ne,
            "gt" => Op::Gt,
            "ge" => Op::Ge,
            "lt" => Op::Lt,
            "le" => Op::Le,
            "ct" => Op::Ct,
            _ => return None,
        })
    }

    /// The SQL comparison, for all but `ct`.
    fn sql(self) -> &'static str {
        match self {
            Op::Eq => "=",
            Op::Ne => "<>",
            Op::Gt => ">",
            Op::Ge => ">=",
            Op::Lt => "<",
            Op::Le => "<=",
            Op::Ct => "",
        }
    }
}

/// A filter's argument, read as its member's type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Arg {
    Text(String),
    Time(Ticks),
}

/// One parsed query of `GET /sessions`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Query {
    pub filters: Vec<(Member, Op, Arg)>,
    /// (member, descending), in order; the session id breaks ties after them.
    pub sort: Vec<(Member, bool)>,
    pub skip: u64,
    pub take: u64,
    pub count: bool,
}

impl Default for Query {
    fn default() -> Self {
        Query {
            filters: Vec::new(),
            sort: Vec::new(),
            skip: 0,
            take: DEFAULT_TAKE,
            count: false,
        }
    }
}

/// Percent-decoding; `plus` also reads `+` as a space, as query strings do.
fn decode(text: &str, plus: bool) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut at = 0;
    while at < bytes.len() {
        match bytes[at] {
            b'%' => {
                let hex = text.get(at + 1..at + 3)?;
                out.push(u8::from_str_radix(hex, 16).ok()?);
                at += 3;
            }
            b'+' if plus => {
                out.push(b' ');
                at += 1;
            }
            byte => {
                out.push(byte);
                at += 1;
            }
        }
    }
    String::from_utf8(out).ok()
}

fn number(name: &str, value: &str) -> Result<u64, Problem> {
    value
        .parse::<u64>()
        .ok()
        .filter(|n| i64::try_from(*n).is_ok())
        .ok_or_else(|| Problem::bad_request(format!("{name} must be a non-negative integer")))
}

fn sort_key(key: &str) -> Result<(Member, bool), Problem> {
    let (name, descending) = if let Some(name) = key.strip_prefix('-') {
        (name, true)
    } else if let Some(name) = key.strip_suffix(":desc") {
        (name, true)
    } else {
        (key.strip_suffix(":asc").unwrap_or(key), false)
    };
    let member = Member::parse(name.trim())
        .ok_or_else(|| Problem::bad_request(format!("Cannot sort by {:?}", name.trim())))?;
    Ok((member, descending))
}

fn condition(member: Member, text: &str) -> Result<(Member, Op, Arg), Problem> {
    let (op, arg) = text.split_once(':').ok_or_else(|| {
        Problem::bad_request(format!(
            "A filter on {} must be operator:argument",
            member.name()
        ))
    })?;
    let op = Op::parse(op)
        .ok_or_else(|| Problem::bad_request(format!("Unknown filter operator {op:?}")))?;
    let arg = decode(arg, false)
        .ok_or_else(|| Problem::bad_request("A filter argument is not well encoded"))?;
    let arg = if member.is_time() {
        if op == Op::Ct {
            return Err(Problem::bad_request(format!(
                "ct applies to text members, not {}",
                member.name()
            )));
        }
        Arg::Time(instant::parse(&arg).ok_or_else(|| {
            Problem::bad_request(format!("{} needs a datetime, not {arg:?}", member.name()))
        })?)
    } else {
        Arg::Text(arg)
    };
    Ok((member, op, arg))
}

/// Reads a raw query string.
pub fn parse(raw: &str) -> Result<Query, Problem> {
    let mut query = Query::default();
    let mut seen: Vec<&str> = Vec::new();
    for pair in raw.split('&').filter(|p| !p.is_empty()) {
        let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
        let (Some(name), Some(value)) = (decode(name, true), decode(value, true)) else {
            return Err(Problem::bad_request("The query string is not well encoded"));
        };
        if name.starts_with('$') {
            if seen.contains(&name.as_str()) {
                return Err(Problem::bad_request(format!("{name} is given twice")));
            }
            seen.push(match name.as_str() {
                "$skip" => "$skip",
                "$take" => "$take",
                "$sort" => "$sort",
                "$count" => "$count",
                _ => return Err(Problem::bad_request(format!("Unknown parameter {name}"))),
            });
        }
        match name.as_str() {
            "$skip" => query.skip = number("$skip", &value)?,
            "$take" => {
                query.take = number("$take", &value)?;
                if !(1..=MAX_TAKE).contains(&query.take) {
                    return Err(Problem::bad_request(format!(
                        "$take must be from 1 to {MAX_TAKE}"
                    )));
                }
            }
            "$count" => {
                query.count = match value.as_str() {
                    "true" => true,
                    "false" => false,
                    _ => return Err(Problem::bad_request("$count must be true or false")),
                }
            }
            "$sort" => {
                for key in value.split(',').filter(|k| !k.trim().is_empty()) {
                    query.sort.push(sort_key(key)?);
                }
            }
            member => {
                let member = Member::parse(member)
                    .ok_or_else(|| Problem::bad_request(format!("Cannot filter by {member:?}")))?;
                for text in value.split(';') {
                    if query.filters.len() == MAX_CONDITIONS {
                        return Err(Problem::bad_request(format!(
                            "At most {MAX_CONDITIONS} filter conditions"
                        )));
                    }
                    query.filters.push(condition(member, text)?);
                }
            }
        }
    }
    if query.sort.is_empty() {
        query.sort.push((Member::StartedAt, true));
    }
    Ok(query)
}

/// A value bound into the SQL.
pub type Param = rusqlite::types::Value;

impl Query {
    /// `WHERE …` (or nothing) and the values it binds.
    pub fn where_sql(&self) -> (String, Vec<Param>) {
        let mut clauses = Vec::new();
        let mut params = Vec::new();
        for (member, op, arg) in &self.filters {
            let column = member.column();
            params.push(match arg {
                Arg::Text(text) => Param::Text(text.clone()),
                Arg::Time(ticks) => Param::Integer(*ticks),
            });
            let n = params.len();
            clauses.push(match op {
                Op::Ct => format!("portos_contains({column}, ?{n})"),
                op => format!("{column} {} ?{n}", op.sql()),
            });
        }
        if clauses.is_empty() {
            (String::new(), params)
        } else {
            (format!("WHERE {}", clauses.join(" AND ")), params)
        }
    }

    /// `ORDER BY …`: the requested keys, then the session id.
    pub fn order_sql(&self) -> String {
        let mut keys: Vec<String> = self
            .sort
            .iter()
            .map(|(member, descending)| {
                let direction = if *descending { "DESC" } else { "ASC" };
                format!("{} {direction}", member.column())
            })
            .collect();
        if !self.sort.iter().any(|(m, _)| *m == Member::SessionId) {
            keys.push("session_id ASC".into());
        }
        format!("ORDER BY {}", keys.join(", "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_what_the_console_sends() {
        let query = parse(
            "identity.deviceName=ct%3APDA%25207&identity.envName=eq%3APDA\
             &expiresAt=ge%3A2026-11-24T12%253A00%253A00Z%3Ble%3A2026-11-25T00%253A00%253A00Z\
             &%24sort=-lastAccessAt%2CsessionId&$skip=200&$take=100",
        )
        .unwrap();
        assert_eq!(
            query.filters,
            [
                (Member::DeviceName, Op::Ct, Arg::Text("PDA 7".into())),
                (Member::EnvName, Op::Eq, Arg::Text("PDA".into())),
                (
                    Member::ExpiresAt,
                    Op::Ge,
                    Arg::Time(instant::parse("2026-11-24T12:00:00Z").unwrap())
                ),
                (
                    Member::ExpiresAt,
                    Op::Le,
                    Arg::Time(instant::parse("2026-11-25T00:00:00Z").unwrap())
                ),
            ]
        );
        assert_eq!(
            query.sort,
            [(Member::LastAccessAt, true), (Member::SessionId, false)]
        );
        assert_eq!((query.skip, query.take, query.count), (200, 100, false));
        assert_eq!(
            query.order_sql(),
            "ORDER BY last_access_at DESC, session_id ASC"
        );
    }

    #[test]
    fn the_default_is_the_newest_first_fifty_at_a_time() {
        let query = parse("").unwrap();
        assert_eq!(query.sort, [(Member::StartedAt, true)]);
        assert_eq!((query.skip, query.take), (0, DEFAULT_TAKE));
        assert_eq!(
            query.order_sql(),
            "ORDER BY started_at DESC, session_id ASC"
        );
        assert_eq!(
            parse("$sort=identity.userName:desc,startedAt:asc")
                .unwrap()
                .sort,
            [(Member::UserName, true), (Member::StartedAt, false)]
        );
    }

    #[test]
    fn what_it_does_not_know_is_refused() {
        for bad in [
            "$take=0",
            "$take=1001",
            "$take=-1",
            "$take=1.5",
            "$skip=-3",
            "$skip=x",
            "$skip=9223372036854775808",
            "$sort=password",
            "$sort=-identity",
            "$count=yes",
            "$top=3",
            "$skip=1&$skip=2",
            "identity.password=eq:x",
            "sessionId=like:x",
            "sessionId=x",
            "startedAt=ct:2023",
            "startedAt=gt:yesterday",
            "sessionId=eq:%ZZ",
            "sessionId=eq%3A%25ZZ",
        ] {
            let problem = parse(bad).unwrap_err();
            assert_eq!(problem.status, 400, "{bad}");
            assert!(!problem.detail.is_empty(), "{bad}");
        }
        let many = vec!["sessionId=ne:x"; MAX_CONDITIONS + 1].join("&");
        assert!(parse(&many).is_err());
        assert!(parse(&many[15..]).is_ok(), "exactly the most is fine");
    }

    #[test]
    fn conditions_become_bound_parameters() {
        let query =
            parse("identity.userName=ct:J%C3%A1n;ne:x&startedAt=lt:2023-08-04T11:19:39.98Z")
                .unwrap();
        let (sql, params) = query.where_sql();
        assert_eq!(
            sql,
            "WHERE portos_contains(user_name, ?1) AND user_name <> ?2 AND started_at < ?3"
        );
        assert_eq!(
            params,
            [
                Param::Text("Ján".into()),
                Param::Text("x".into()),
                Param::Integer(instant::parse("2023-08-04T11:19:39.98Z").unwrap()),
            ]
        );
    }
}
