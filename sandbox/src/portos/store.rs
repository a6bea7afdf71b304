//! PORTOS' sessions over SQLite: the listing, one session, deleting it, and the console's own
//! sessions (login, refresh, logout) whose tokens live in the same rows, so that deleting a
//! session ends its token at once.

use super::instant::{self, Ticks};
use super::query::{Param, Query};
use rusqlite::functions::FunctionFlags;
use rusqlite::{params, params_from_iter, Connection, OptionalExtension, Row};
use serde_json::{json, Value};
use std::path::Path;

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS portos_sessions (
    session_id TEXT PRIMARY KEY,
    user_name TEXT NOT NULL,
    device_name TEXT NOT NULL,
    env_name TEXT NOT NULL,
    auth_type TEXT NOT NULL,
    started_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    last_access_at INTEGER NOT NULL,
    version INTEGER NOT NULL,
    token_id TEXT UNIQUE,
    refresh_token TEXT UNIQUE
);
CREATE INDEX IF NOT EXISTS portos_newest ON portos_sessions(started_at DESC, session_id);
CREATE INDEX IF NOT EXISTS portos_by_user ON portos_sessions(user_name, session_id);
CREATE INDEX IF NOT EXISTS portos_by_access ON portos_sessions(last_access_at, session_id);
CREATE INDEX IF NOT EXISTS portos_by_expiry ON portos_sessions(expires_at, session_id);
";

const COLUMNS: &str = "session_id, user_name, device_name, env_name, auth_type, started_at, \
                       expires_at, last_access_at, version";

/// A session as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    pub session_id: String,
    pub user_name: String,
    pub device_name: String,
    pub env_name: String,
    pub auth_type: String,
    pub started_at: Ticks,
    pub expires_at: Ticks,
    pub last_access_at: Ticks,
    pub version: i64,
}

impl Session {
    /// The Session resource, as the seed shows it.
    pub fn to_json(&self) -> Value {
        json!({
            "sessionId": self.session_id,
            "identity": {
                "userName": self.user_name,
                "deviceName": self.device_name,
                "envName": self.env_name,
                "authenticationType": self.auth_type,
            },
            "startedAt": instant::format(self.started_at),
            "expiresAt": instant::format(self.expires_at),
            "lastAccessAt": instant::format(self.last_access_at),
            "_v": self.version,
        })
    }
}

fn session_row(r: &Row<'_>) -> rusqlite::Result<Session> {
    Ok(Session {
        session_id: r.get(0)?,
        user_name: r.get(1)?,
        device_name: r.get(2)?,
        env_name: r.get(3)?,
        auth_type: r.get(4)?,
        started_at: r.get(5)?,
        expires_at: r.get(6)?,
        last_access_at: r.get(7)?,
        version: r.get(8)?,
    })
}

/// A session's tokens.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tokens {
    pub token_id: String,
    pub refresh_token: String,
}

/// Why a token is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// No session has it (never issued, rotated away, logged out or deleted).
    Unknown,
    Expired,
}

/// `ct`: whether `haystack` contains `needle`, ignoring case (Unicode lower case).
fn contains_ignoring_case(haystack: &str, needle: &str) -> bool {
    haystack.to_lowercase().contains(&needle.to_lowercase())
}

/// The PORTOS database.
pub struct Store {
    conn: Connection,
}

impl Store {
    /// Opens the sessions table at `path` (None: in memory).
    pub fn open(path: Option<&Path>) -> rusqlite::Result<Store> {
        let conn = crate::sqlite::open(path, SCHEMA)?;
        conn.create_scalar_function(
            "portos_contains",
            2,
            FunctionFlags::SQLITE_UTF8 | FunctionFlags::SQLITE_DETERMINISTIC,
            |ctx| {
                let haystack = ctx.get::<String>(0)?;
                let needle = ctx.get::<String>(1)?;
                Ok(contains_ignoring_case(&haystack, &needle))
            },
        )?;
        Ok(Store { conn })
    }

    /// How many sessions there are.
    pub fn session_count(&self) -> rusqlite::Result<u64> {
        self.conn
            .query_row("SELECT COUNT(*) FROM portos_sessions", [], |r| r.get(0))
    }

    /// Inserts sessions (without tokens) in one transaction.
    pub fn insert(&mut self, sessions: &[Session]) -> rusqlite::Result<()> {
        let tx = self.conn.transaction()?;
        {
            let mut insert = tx.prepare(&format!(
                "INSERT INTO portos_sessions ({COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)"
            ))?;
            for s in sessions {
                insert.execute(params![
                    s.session_id,
                    s.user_name,
                    s.device_name,
                    s.env_name,
                    s.auth_type,
                    s.started_at,
                    s.expires_at,
                    s.last_access_at,
                    s.version
                ])?;
            }
        }
        tx.commit()
    }

    /// How many sessions `query`'s filters match.
    pub fn count_matching(&self, query: &Query) -> rusqlite::Result<u64> {
        let (filter, params) = query.where_sql();
        let sql = format!("SELECT COUNT(*) FROM portos_sessions {filter}");
        self.conn
            .prepare_cached(&sql)?
            .query_row(params_from_iter(params), |r| r.get(0))
    }

    /// The page of sessions `query` asks for.
    pub fn list(&self, query: &Query) -> rusqlite::Result<Vec<Session>> {
        let (filter, mut params) = query.where_sql();
        let n = params.len();
        let sql = format!(
            "SELECT {COLUMNS} FROM portos_sessions {filter} {} LIMIT ?{} OFFSET ?{}",
            query.order_sql(),
            n + 1,
            n + 2
        );
        // The parser keeps both within i64.
        params.push(Param::Integer(
            i64::try_from(query.take).unwrap_or(i64::MAX),
        ));
        params.push(Param::Integer(
            i64::try_from(query.skip).unwrap_or(i64::MAX),
        ));
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let rows = stmt.query_map(params_from_iter(params), session_row)?;
        rows.collect()
    }

    /// One session.
    pub fn get(&self, session_id: &str) -> rusqlite::Result<Option<Session>> {
        let sql = format!("SELECT {COLUMNS} FROM portos_sessions WHERE session_id = ?1");
        self.conn
            .query_row(&sql, params![session_id], session_row)
            .optional()
    }

    /// Deletes a session (its token stops working); the deleted session, its version bumped.
    pub fn delete(&mut self, session_id: &str) -> rusqlite::Result<Option<Session>> {
        let tx = self.conn.transaction()?;
        let sql = format!("SELECT {COLUMNS} FROM portos_sessions WHERE session_id = ?1");
        let found = tx
            .query_row(&sql, params![session_id], session_row)
            .optional()?;
        if found.is_some() {
            tx.execute(
                "DELETE FROM portos_sessions WHERE session_id = ?1",
                params![session_id],
            )?;
        }
        tx.commit()?;
        Ok(found.map(|s| Session {
            version: s.version + 1,
            ..s
        }))
    }

    /// Starts a session that `tokens` belong to.
    pub fn sign_in(&self, session: &Session, tokens: &Tokens) -> rusqlite::Result<()> {
        self.conn.execute(
            &format!(
                "INSERT INTO portos_sessions ({COLUMNS}, token_id, refresh_token) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)"
            ),
            params![
                session.session_id,
                session.user_name,
                session.device_name,
                session.env_name,
                session.auth_type,
                session.started_at,
                session.expires_at,
                session.last_access_at,
                session.version,
                tokens.token_id,
                tokens.refresh_token
            ],
        )?;
        Ok(())
    }

    /// The session a token belongs to, if it is still valid at `now`; its last access becomes
    /// `now`.
    pub fn caller(&self, token_id: &str, now: Ticks) -> rusqlite::Result<Result<Session, Refusal>> {
        let sql = format!("SELECT {COLUMNS} FROM portos_sessions WHERE token_id = ?1");
        let Some(session) = self
            .conn
            .query_row(&sql, params![token_id], session_row)
            .optional()?
        else {
            return Ok(Err(Refusal::Unknown));
        };
        if now >= session.expires_at {
            return Ok(Err(Refusal::Expired));
        }
        self.conn.execute(
            "UPDATE portos_sessions SET last_access_at = ?2 WHERE session_id = ?1",
            params![session.session_id, now],
        )?;
        Ok(Ok(Session {
            last_access_at: now,
            ..session
        }))
    }

    /// Rotates a session's tokens if `old` are its current ones and it ended no longer than
    /// `grace` ago: it lasts until `expires_at` from now on, one version later.
    pub fn refresh(
        &self,
        old: &Tokens,
        fresh: &Tokens,
        now: Ticks,
        expires_at: Ticks,
        grace: Ticks,
    ) -> rusqlite::Result<bool> {
        let changed = self.conn.execute(
            "UPDATE portos_sessions SET token_id = ?3, refresh_token = ?4, expires_at = ?5, \
             last_access_at = ?6, version = version + 1 \
             WHERE token_id = ?1 AND refresh_token = ?2 AND ?6 < expires_at + ?7",
            params![
                old.token_id,
                old.refresh_token,
                fresh.token_id,
                fresh.refresh_token,
                expires_at,
                now,
                grace
            ],
        )?;
        Ok(changed == 1)
    }

    /// Ends a session: it leaves the listing.
    pub fn sign_out(&self, session_id: &str) -> rusqlite::Result<()> {
        self.conn.execute(
            "DELETE FROM portos_sessions WHERE session_id = ?1",
            params![session_id],
        )?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn contains_ignores_case_beyond_ascii() {
        assert!(contains_ignoring_case("Ján NOVÁK", "novák"));
        assert!(contains_ignoring_case("PDA-07", "da-0"));
        assert!(!contains_ignoring_case("P01", "P02"));
    }
}
