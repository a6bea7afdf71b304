//! The authenticated sessions over SQLite: users, their sessions, which are active (not
//! revoked and not expired on the sandbox clock), and revoking one.

use chrono::{DateTime, SecondsFormat, Utc};
use rusqlite::{params, Connection, OptionalExtension, Row};
use serde_json::{json, Value};
use std::path::Path;

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS auth_users (
    guid TEXT PRIMARY KEY,
    user_id INTEGER NOT NULL UNIQUE,
    user_name TEXT NOT NULL,
    is_operator INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS auth_sessions (
    id INTEGER PRIMARY KEY,
    user_guid TEXT NOT NULL REFERENCES auth_users(guid),
    last_updated INTEGER NOT NULL,
    expiration_date INTEGER NOT NULL,
    smartphone TEXT,
    operating_system TEXT,
    application TEXT,
    revoked INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS auth_sessions_of_user ON auth_sessions(user_guid, last_updated);
CREATE INDEX IF NOT EXISTS auth_users_by_name ON auth_users(user_name, guid);
";

/// A user as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    pub guid: String,
    pub user_id: i64,
    pub user_name: String,
    pub is_operator: bool,
}

/// A session as stored; times are Unix seconds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    pub id: i64,
    pub user_guid: String,
    pub last_updated: i64,
    pub expiration_date: i64,
    pub smartphone: Option<String>,
    pub operating_system: Option<String>,
    pub application: Option<String>,
    pub revoked: bool,
}

/// A user with active sessions, as `list` shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Listed {
    pub user: User,
    pub session_count: u64,
}

/// ISO 8601 UTC with `Z`, to the second.
pub fn format_time(seconds: i64) -> Value {
    match DateTime::<Utc>::from_timestamp(seconds, 0) {
        Some(at) => Value::String(at.to_rfc3339_opts(SecondsFormat::Secs, true)),
        None => Value::Null,
    }
}

impl Listed {
    /// The item of `list`.
    pub fn to_json(&self) -> Value {
        json!({
            "UserGuid": self.user.guid,
            "UserName": self.user.user_name,
            "SessionCount": self.session_count,
            "IsOperator": self.user.is_operator,
        })
    }
}

/// A session with its user, as `user-sessions` shows it.
pub fn session_json(user: &User, session: &Session) -> Value {
    json!({
        "ID": session.id,
        "UserID": user.user_id,
        "UserGuid": user.guid,
        "LastUpdated": format_time(session.last_updated),
        "ExpirationDate": format_time(session.expiration_date),
        "UserName": user.user_name,
        "IsOperator": user.is_operator,
        "Smartphone": session.smartphone,
        "OperatingSystem": session.operating_system,
        "Application": session.application,
    })
}

fn user_row(r: &Row<'_>) -> rusqlite::Result<User> {
    Ok(User {
        guid: r.get(0)?,
        user_id: r.get(1)?,
        user_name: r.get(2)?,
        is_operator: r.get(3)?,
    })
}

fn session_row(r: &Row<'_>) -> rusqlite::Result<Session> {
    Ok(Session {
        id: r.get(0)?,
        user_guid: r.get(1)?,
        last_updated: r.get(2)?,
        expiration_date: r.get(3)?,
        smartphone: r.get(4)?,
        operating_system: r.get(5)?,
        application: r.get(6)?,
        revoked: r.get(7)?,
    })
}

const SESSION_COLUMNS: &str = "id, user_guid, last_updated, expiration_date, smartphone, \
                               operating_system, application, revoked";

/// The authenticated sessions database.
pub struct Store {
    conn: Connection,
}

impl Store {
    /// Opens the tables at `path` (None: in memory).
    pub fn open(path: Option<&Path>) -> rusqlite::Result<Store> {
        Ok(Store {
            conn: crate::sqlite::open(path, SCHEMA)?,
        })
    }

    /// How many users there are, with or without active sessions.
    pub fn user_count(&self) -> rusqlite::Result<u64> {
        self.conn
            .query_row("SELECT COUNT(*) FROM auth_users", [], |r| r.get(0))
    }

    /// Inserts users and sessions in one transaction.
    pub fn insert(&mut self, users: &[User], sessions: &[Session]) -> rusqlite::Result<()> {
        let tx = self.conn.transaction()?;
        {
            let mut user = tx.prepare(
                "INSERT INTO auth_users (guid, user_id, user_name, is_operator) VALUES (?1, ?2, ?3, ?4)",
            )?;
            for u in users {
                user.execute(params![u.guid, u.user_id, u.user_name, u.is_operator])?;
            }
            let mut session = tx.prepare(&format!(
                "INSERT INTO auth_sessions ({SESSION_COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)"
            ))?;
            for s in sessions {
                session.execute(params![
                    s.id,
                    s.user_guid,
                    s.last_updated,
                    s.expiration_date,
                    s.smartphone,
                    s.operating_system,
                    s.application,
                    s.revoked
                ])?;
            }
        }
        tx.commit()
    }

    /// A page of the users with active sessions at `now`, by name then guid, and how many
    /// there are in all.
    pub fn list(&self, now: i64, skip: i64, take: i64) -> rusqlite::Result<(Vec<Listed>, u64)> {
        let active = "FROM auth_users u JOIN auth_sessions s ON s.user_guid = u.guid \
                      AND s.revoked = 0 AND s.expiration_date > ?1";
        let total: u64 = self.conn.query_row(
            &format!("SELECT COUNT(DISTINCT u.guid) {active}"),
            params![now],
            |r| r.get(0),
        )?;
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT u.guid, u.user_id, u.user_name, u.is_operator, COUNT(s.id) {active} \
             GROUP BY u.guid ORDER BY u.user_name, u.guid LIMIT ?2 OFFSET ?3"
        ))?;
        let rows = stmt.query_map(params![now, take, skip], |r| {
            Ok(Listed {
                user: user_row(r)?,
                session_count: r.get(4)?,
            })
        })?;
        Ok((rows.collect::<rusqlite::Result<_>>()?, total))
    }

    /// A user, active sessions or not.
    pub fn user(&self, guid: &str) -> rusqlite::Result<Option<User>> {
        self.conn
            .query_row(
                "SELECT guid, user_id, user_name, is_operator FROM auth_users WHERE guid = ?1",
                params![guid],
                user_row,
            )
            .optional()
    }

    /// A page of a user's active sessions at `now`, the latest updated first, and how many
    /// there are in all.
    pub fn sessions_of(
        &self,
        guid: &str,
        now: i64,
        skip: i64,
        take: i64,
    ) -> rusqlite::Result<(Vec<Session>, u64)> {
        let active =
            "FROM auth_sessions WHERE user_guid = ?1 AND revoked = 0 AND expiration_date > ?2";
        let total: u64 = self.conn.query_row(
            &format!("SELECT COUNT(*) {active}"),
            params![guid, now],
            |r| r.get(0),
        )?;
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {SESSION_COLUMNS} {active} ORDER BY last_updated DESC, id LIMIT ?3 OFFSET ?4"
        ))?;
        let rows = stmt.query_map(params![guid, now, take, skip], session_row)?;
        Ok((rows.collect::<rusqlite::Result<_>>()?, total))
    }

    /// One session, whatever its state (tests read it back).
    pub fn session(&self, id: i64) -> rusqlite::Result<Option<Session>> {
        self.conn
            .query_row(
                &format!("SELECT {SESSION_COLUMNS} FROM auth_sessions WHERE id = ?1"),
                params![id],
                session_row,
            )
            .optional()
    }

    /// Every session, whatever its state, by id (tests compare against it).
    pub fn all_sessions(&self) -> rusqlite::Result<Vec<Session>> {
        let mut stmt = self.conn.prepare(&format!(
            "SELECT {SESSION_COLUMNS} FROM auth_sessions ORDER BY id"
        ))?;
        let rows = stmt.query_map([], session_row)?;
        rows.collect()
    }

    /// Revokes a session that is active at `now`; false when there is none.
    pub fn revoke(&self, id: i64, now: i64) -> rusqlite::Result<bool> {
        let changed = self.conn.execute(
            "UPDATE auth_sessions SET revoked = 1 WHERE id = ?1 AND revoked = 0 AND expiration_date > ?2",
            params![id, now],
        )?;
        Ok(changed == 1)
    }
}
