//! JourneyApps' data over SQLite: users, their sessions, display names and enrollment tokens,
//! with the state changes API.md lists for each action.

use super::error::{ApiError, ErrorType};
use chrono::{DateTime, Utc};
use rusqlite::{params, Connection, OptionalExtension, Row, Transaction};
use serde::Serialize;
use std::collections::HashMap;
use std::path::Path;

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS users (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    display TEXT,
    email TEXT,
    locked INTEGER NOT NULL DEFAULT 0,
    updated_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS sessions (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    user_id TEXT NOT NULL REFERENCES users(id),
    state TEXT NOT NULL,
    created_at TEXT,
    last_authenticated_at TEXT,
    signed_out_at TEXT,
    last_connected_at TEXT,
    container_version TEXT,
    bundle_id TEXT,
    platform TEXT,
    runtime_version TEXT,
    device_id TEXT,
    label TEXT,
    last_full_sync TEXT
);
CREATE INDEX IF NOT EXISTS sessions_by_user ON sessions(user_id, seq);
CREATE TABLE IF NOT EXISTS enrollment_tokens (
    token TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users(id),
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    status TEXT NOT NULL
);
";

const SESSION_COLUMNS: &str =
    "id, user_id, state, created_at, last_authenticated_at, signed_out_at, \
     last_connected_at, container_version, bundle_id, platform, runtime_version, device_id, label, \
     last_full_sync";

/// A session as the API returns it (field order and nulls follow the documented samples).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Session {
    pub id: String,
    pub state: String,
    pub last_authenticated_at: Option<String>,
    pub created_at: Option<String>,
    pub signed_out_at: Option<String>,
    pub last_connected_at: Option<String>,
    pub container: Container,
    /// Absent for containers older than managed runtimes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub runtime: Option<Runtime>,
    pub device: Device,
    pub label: Option<String>,
    /// Absent for containers older than 4.36.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sync_status: Option<SyncStatus>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Container {
    pub version: Option<String>,
    pub bundle_id: Option<String>,
    pub platform: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Runtime {
    pub version: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Device {
    pub id: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SyncStatus {
    pub last_full_sync: String,
}

/// A user as the API returns it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct User {
    pub id: String,
    pub last_connected_at: Option<String>,
    pub enrolled: bool,
    pub locked: bool,
    pub sessions: Vec<Session>,
}

/// A data-model `user` object, the source of display names.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct UserObject {
    pub id: String,
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub display: Option<String>,
    pub updated_at: String,
    pub name: Option<String>,
    pub email: Option<String>,
}

const USER_OBJECT_COLUMNS: &str = "id, display, email, updated_at";

fn user_object_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<UserObject> {
    let display: Option<String> = r.get(1)?;
    Ok(UserObject {
        id: r.get(0)?,
        kind: "user",
        name: display.clone(),
        display,
        email: r.get(2)?,
        updated_at: r.get(3)?,
    })
}

/// One page of a listing.
#[derive(Debug, Clone, PartialEq)]
pub struct Page<T> {
    pub total: u64,
    pub objects: Vec<T>,
}

/// A user to insert (demo data and tests).
#[derive(Debug, Clone)]
pub struct NewUser {
    pub id: String,
    pub name: String,
    pub email: String,
    pub locked: bool,
    pub updated_at: String,
}

/// A session to insert, already shaped like the API's.
#[derive(Debug, Clone)]
pub struct NewSession {
    pub user_id: String,
    pub session: Session,
}

/// An enrollment token's life: pending until used, or revoked by a lock.
const TOKEN_PENDING: &str = "pending";
const TOKEN_USED: &str = "used";
const TOKEN_REVOKED: &str = "revoked";

/// The device that scans an enrollment code, as `POST /sandbox/enroll` describes it.
#[derive(Debug, Clone)]
pub struct EnrollingDevice {
    pub session_id: String,
    pub device_id: String,
    pub label: String,
    pub platform: String,
}

/// The database. Every method takes the connection it needs; callers serialize access.
pub struct Store {
    conn: Connection,
}

impl Store {
    /// Opens (creating if needed) the database at `path`, or an in-memory one for None.
    pub fn open(path: Option<&Path>) -> rusqlite::Result<Store> {
        Ok(Store {
            conn: crate::sqlite::open(path, SCHEMA)?,
        })
    }

    pub fn user_count(&self) -> rusqlite::Result<u64> {
        self.conn
            .query_row("SELECT COUNT(*) FROM users", [], |r| r.get(0))
    }

    /// Inserts users and sessions in one transaction.
    pub fn insert(&mut self, users: &[NewUser], sessions: &[NewSession]) -> rusqlite::Result<()> {
        let tx = self.conn.transaction()?;
        {
            let mut insert_user = tx.prepare(
                "INSERT INTO users (id, display, email, locked, updated_at) VALUES (?1, ?2, ?3, ?4, ?5)",
            )?;
            for u in users {
                insert_user.execute(params![u.id, u.name, u.email, u.locked, u.updated_at])?;
            }
            for s in sessions {
                insert_session(&tx, &s.user_id, &s.session)?;
            }
        }
        tx.commit()
    }

    /// `GET /users`: a page of users in creation order, each with its sessions.
    pub fn list_users(&self, skip: u64, limit: u64) -> rusqlite::Result<Page<User>> {
        let total = self.user_count()?;
        let mut stmt = self
            .conn
            .prepare_cached("SELECT id, locked FROM users ORDER BY seq LIMIT ?1 OFFSET ?2")?;
        let heads: Vec<(String, bool)> = stmt
            .query_map(params![limit as i64, skip as i64], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })?
            .collect::<rusqlite::Result<_>>()?;
        let mut sessions = self.sessions_of_page(skip, limit)?;
        let objects = heads
            .into_iter()
            .map(|(id, locked)| {
                let own = sessions.remove(&id).unwrap_or_default();
                make_user(id, locked, own)
            })
            .collect();
        Ok(Page { total, objects })
    }

    fn sessions_of_page(
        &self,
        skip: u64,
        limit: u64,
    ) -> rusqlite::Result<HashMap<String, Vec<Session>>> {
        let sql = format!(
            "SELECT {SESSION_COLUMNS} FROM sessions WHERE user_id IN \
             (SELECT id FROM users ORDER BY seq LIMIT ?1 OFFSET ?2) ORDER BY seq"
        );
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let mut by_user: HashMap<String, Vec<Session>> = HashMap::new();
        let rows = stmt.query_map(params![limit as i64, skip as i64], session_row)?;
        for row in rows {
            let (user_id, session) = row?;
            by_user.entry(user_id).or_default().push(session);
        }
        Ok(by_user)
    }

    /// `GET /users/{id}`.
    pub fn user(&self, user_id: &str) -> Result<User, ApiError> {
        user_in(&self.conn, user_id)
    }

    /// Puts one session in `state` as it is, nothing else changed: for tests that need a
    /// session in each state (no API route does this).
    pub fn set_session_state(
        &self,
        user_id: &str,
        session_id: &str,
        state: &str,
    ) -> rusqlite::Result<usize> {
        self.conn.execute(
            "UPDATE sessions SET state = ?3 WHERE user_id = ?1 AND id = ?2",
            params![user_id, session_id, state],
        )
    }

    /// `GET /users/{id}/sessions/{id}`.
    pub fn session(&self, user_id: &str, session_id: &str) -> Result<Session, ApiError> {
        require_user(&self.conn, user_id)?;
        session_in(&self.conn, user_id, session_id)
    }

    /// `GET /objects/user.json`: a page of display-name objects in creation order.
    pub fn list_user_objects(&self, skip: u64, limit: u64) -> rusqlite::Result<Page<UserObject>> {
        let total = self.user_count()?;
        let sql =
            format!("SELECT {USER_OBJECT_COLUMNS} FROM users ORDER BY seq LIMIT ?1 OFFSET ?2");
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let objects = stmt
            .query_map(params![limit as i64, skip as i64], user_object_row)?
            .collect::<rusqlite::Result<_>>()?;
        Ok(Page { total, objects })
    }

    /// One data-model user object (`GET /objects/user/{id}.json`).
    pub fn user_object(&self, id: &str) -> Result<UserObject, ApiError> {
        let sql = format!("SELECT {USER_OBJECT_COLUMNS} FROM users WHERE id = ?1");
        self.conn
            .query_row(&sql, params![id], user_object_row)
            .optional()?
            .ok_or_else(|| ApiError::new(ErrorType::ObjectNotFound, format!("No user object {id}")))
    }

    /// Gives a user another display name (tests use it for names that are hard to show).
    pub fn set_display_name(&self, user_id: &str, name: &str) -> rusqlite::Result<bool> {
        let changed = self.conn.execute(
            "UPDATE users SET display = ?2 WHERE id = ?1",
            params![user_id, name],
        )?;
        Ok(changed == 1)
    }

    /// The tokens issued to `user_id` that are still pending, oldest first.
    pub fn pending_tokens(&self, user_id: &str) -> rusqlite::Result<Vec<String>> {
        let mut stmt = self.conn.prepare(
            "SELECT token FROM enrollment_tokens WHERE user_id = ?1 AND status = ?2 \
             ORDER BY created_at, rowid",
        )?;
        let tokens = stmt
            .query_map(params![user_id, TOKEN_PENDING], |r| r.get(0))?
            .collect();
        tokens
    }

    /// Runs `work` in one transaction: committed if it returns Ok, rolled back otherwise.
    pub fn transaction<T>(
        &mut self,
        work: impl FnOnce(&Transaction<'_>) -> Result<T, ApiError>,
    ) -> Result<T, ApiError> {
        let tx = self.conn.transaction()?;
        let out = work(&tx)?;
        tx.commit()?;
        Ok(out)
    }
}

/// How a session is signed out: what re-authenticating it does, or wiping it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SignOut {
    /// The user must log in again on the device; its data stays (`re-authenticate`, `lock`).
    ReAuthenticate,
    /// The device's data is deleted the next time it connects (`wipe`, `lock` with `wipe`).
    Wipe,
}

/// The state a session in `state` goes to when signed out `how`, or None when it stays as it
/// is (seed 000: LOCKED sends the device to the login screen, RESET does that and wipes it,
/// NEVER_ENROLLED is legacy data with no device). A sign-out never weakens what is pending:
/// re-authenticating a session whose wipe is pending keeps the wipe, and one already signed
/// out keeps its `signed_out_at` (the date the state last changed).
pub fn signed_out(state: &str, how: SignOut) -> Option<&'static str> {
    match (state, how) {
        ("ENROLLED", SignOut::ReAuthenticate) => Some("LOCKED"),
        ("ENROLLED" | "LOCKED", SignOut::Wipe) => Some("RESET"),
        _ => None,
    }
}

/// Signs out the sessions of `user_id` (or only `only`) `how`, each as [`signed_out`] decides;
/// how many it found.
fn sign_out(
    conn: &Connection,
    user_id: &str,
    only: Option<&str>,
    how: SignOut,
    now: &str,
) -> Result<usize, ApiError> {
    let mut found = conn
        .prepare("SELECT id, state FROM sessions WHERE user_id = ?1 AND (?2 IS NULL OR id = ?2)")?;
    let sessions: Vec<(String, String)> = found
        .query_map(params![user_id, only], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    for (id, state) in &sessions {
        if let Some(next) = signed_out(state, how) {
            conn.execute(
                "UPDATE sessions SET state = ?3, signed_out_at = ?4 WHERE user_id = ?1 AND id = ?2",
                params![user_id, id, next, now],
            )?;
        }
    }
    Ok(sessions.len())
}

/// Lock: the user is locked, every session is signed out (re-authenticated, or wiped with
/// `wipe`), pending enrollment tokens are revoked.
pub fn lock_user(conn: &Connection, user_id: &str, wipe: bool, now: &str) -> Result<(), ApiError> {
    require_user(conn, user_id)?;
    conn.execute(
        "UPDATE users SET locked = 1 WHERE id = ?1",
        params![user_id],
    )?;
    let how = if wipe {
        SignOut::Wipe
    } else {
        SignOut::ReAuthenticate
    };
    sign_out(conn, user_id, None, how, now)?;
    conn.execute(
        "UPDATE enrollment_tokens SET status = ?2 WHERE user_id = ?1 AND status = ?3",
        params![user_id, TOKEN_REVOKED, TOKEN_PENDING],
    )?;
    Ok(())
}

/// Unlock: the user may enroll again; sessions keep their state.
pub fn unlock_user(conn: &Connection, user_id: &str) -> Result<(), ApiError> {
    require_user(conn, user_id)?;
    conn.execute(
        "UPDATE users SET locked = 0 WHERE id = ?1",
        params![user_id],
    )?;
    Ok(())
}

/// Wipes or re-authenticates one session (see [`signed_out`]); other sessions are untouched.
pub fn sign_out_session(
    conn: &Connection,
    user_id: &str,
    session_id: &str,
    how: SignOut,
    now: &str,
) -> Result<(), ApiError> {
    require_user(conn, user_id)?;
    if sign_out(conn, user_id, Some(session_id), how, now)? == 0 {
        return Err(ApiError::session_not_found(user_id, session_id));
    }
    Ok(())
}

/// Creates an enrollment token for an unlocked user, valid until `expires_at`. Returns false,
/// changing nothing, if that token value is already taken (the caller draws another).
pub fn create_token(
    conn: &Connection,
    user_id: &str,
    token: &str,
    now: &str,
    expires_at: &str,
) -> Result<bool, ApiError> {
    if require_user(conn, user_id)? {
        return Err(ApiError::invalid_value(format!(
            "User {user_id} is locked: unlock the user before enrolling a device"
        )));
    }
    let inserted = conn.execute(
        "INSERT OR IGNORE INTO enrollment_tokens (token, user_id, created_at, expires_at, status) \
         VALUES (?1, ?2, ?3, ?4, ?5)",
        params![token, user_id, now, expires_at, TOKEN_PENDING],
    )?;
    Ok(inserted == 1)
}

/// Plays a device scanning an enrollment code: a pending, unexpired token gives its user a new
/// ENROLLED session and is used up. Returns the user id and the new session.
pub fn enroll(
    conn: &Connection,
    token: &str,
    device: &EnrollingDevice,
    now: DateTime<Utc>,
) -> Result<(String, Session), ApiError> {
    let found: Option<(String, String, String)> = conn
        .query_row(
            "SELECT user_id, expires_at, status FROM enrollment_tokens WHERE token = ?1",
            params![token],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .optional()?;
    let Some((user_id, expires_at, status)) = found else {
        return Err(ApiError::new(
            ErrorType::ObjectNotFound,
            "No such enrollment token",
        ));
    };
    match status.as_str() {
        TOKEN_USED => {
            return Err(ApiError::invalid_value(
                "This enrollment token was already used",
            ))
        }
        TOKEN_REVOKED => {
            return Err(ApiError::invalid_value(
                "This enrollment token was revoked because the user was locked",
            ))
        }
        _ => {}
    }
    let now_text = crate::clock::format(now);
    if expires_at <= now_text {
        return Err(ApiError::invalid_value(format!(
            "This enrollment token expired at {expires_at}"
        )));
    }
    let session = Session {
        id: device.session_id.clone(),
        state: "ENROLLED".into(),
        last_authenticated_at: Some(now_text.clone()),
        created_at: Some(now_text.clone()),
        signed_out_at: None,
        last_connected_at: Some(now_text.clone()),
        container: Container {
            version: Some("24.6.2".into()),
            bundle_id: Some("com.example.fieldservice".into()),
            platform: Some(device.platform.clone()),
        },
        runtime: Some(Runtime {
            version: "4.91.3".into(),
        }),
        device: Device {
            id: Some(device.device_id.clone()),
        },
        label: Some(device.label.clone()),
        sync_status: Some(SyncStatus {
            last_full_sync: now_text,
        }),
    };
    insert_session(conn, &user_id, &session)?;
    conn.execute(
        "UPDATE enrollment_tokens SET status = ?2 WHERE token = ?1",
        params![token, TOKEN_USED],
    )?;
    Ok((user_id, session))
}

/// Whether the user exists (error if not) and is locked.
fn require_user(conn: &Connection, user_id: &str) -> Result<bool, ApiError> {
    conn.query_row(
        "SELECT locked FROM users WHERE id = ?1",
        params![user_id],
        |r| r.get(0),
    )
    .optional()?
    .ok_or_else(|| ApiError::user_not_found(user_id))
}

/// One user with its sessions, read through any connection or transaction.
pub fn user_in(conn: &Connection, user_id: &str) -> Result<User, ApiError> {
    let locked = require_user(conn, user_id)?;
    let sql = format!("SELECT {SESSION_COLUMNS} FROM sessions WHERE user_id = ?1 ORDER BY seq");
    let mut stmt = conn.prepare_cached(&sql)?;
    let sessions = stmt
        .query_map(params![user_id], session_row)?
        .map(|row| row.map(|(_, s)| s))
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(make_user(user_id.to_string(), locked, sessions))
}

fn session_in(conn: &Connection, user_id: &str, session_id: &str) -> Result<Session, ApiError> {
    let sql = format!("SELECT {SESSION_COLUMNS} FROM sessions WHERE user_id = ?1 AND id = ?2");
    conn.query_row(&sql, params![user_id, session_id], session_row)
        .optional()?
        .map(|(_, s)| s)
        .ok_or_else(|| ApiError::session_not_found(user_id, session_id))
}

/// `enrolled` and `last_connected_at` of a user follow from its sessions.
fn make_user(id: String, locked: bool, sessions: Vec<Session>) -> User {
    let enrolled = sessions.iter().any(|s| s.state == "ENROLLED");
    let last_connected_at = sessions
        .iter()
        .filter_map(|s| s.last_connected_at.clone())
        .max();
    User {
        id,
        last_connected_at,
        enrolled,
        locked,
        sessions,
    }
}

fn session_row(r: &Row<'_>) -> rusqlite::Result<(String, Session)> {
    let runtime: Option<String> = r.get(10)?;
    let last_full_sync: Option<String> = r.get(13)?;
    Ok((
        r.get(1)?,
        Session {
            id: r.get(0)?,
            state: r.get(2)?,
            created_at: r.get(3)?,
            last_authenticated_at: r.get(4)?,
            signed_out_at: r.get(5)?,
            last_connected_at: r.get(6)?,
            container: Container {
                version: r.get(7)?,
                bundle_id: r.get(8)?,
                platform: r.get(9)?,
            },
            runtime: runtime.map(|version| Runtime { version }),
            device: Device { id: r.get(11)? },
            label: r.get(12)?,
            sync_status: last_full_sync.map(|last_full_sync| SyncStatus { last_full_sync }),
        },
    ))
}

fn insert_session(conn: &Connection, user_id: &str, s: &Session) -> rusqlite::Result<()> {
    let sql = format!(
        "INSERT INTO sessions ({SESSION_COLUMNS}) VALUES \
         (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)"
    );
    conn.prepare_cached(&sql)?.execute(params![
        s.id,
        user_id,
        s.state,
        s.created_at,
        s.last_authenticated_at,
        s.signed_out_at,
        s.last_connected_at,
        s.container.version,
        s.container.bundle_id,
        s.container.platform,
        s.runtime.as_ref().map(|r| &r.version),
        s.device.id,
        s.label,
        s.sync_status.as_ref().map(|s| &s.last_full_sync),
    ])?;
    Ok(())
}

#[cfg(test)]
mod sign_out_tests {
    use super::{signed_out, SignOut};

    #[test]
    fn a_sign_out_never_weakens_what_is_pending() {
        use SignOut::{ReAuthenticate, Wipe};
        let table = [
            ("ENROLLED", ReAuthenticate, Some("LOCKED")),
            ("ENROLLED", Wipe, Some("RESET")),
            ("LOCKED", ReAuthenticate, None),
            ("LOCKED", Wipe, Some("RESET")),
            ("RESET", ReAuthenticate, None),
            ("RESET", Wipe, None),
            ("NEVER_ENROLLED", ReAuthenticate, None),
            ("NEVER_ENROLLED", Wipe, None),
        ];
        for (state, how, next) in table {
            assert_eq!(signed_out(state, how), next, "{how:?} on {state}");
        }
    }
}
