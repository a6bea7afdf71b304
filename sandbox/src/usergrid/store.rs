//! Usergrid's users, their devices and the tokens handed out, over SQLite.

use super::ql::{self, Param, Query};
use rusqlite::functions::FunctionFlags;
use rusqlite::{params, params_from_iter, Connection, OptionalExtension, Row};
use serde_json::{json, Map, Value};
use std::path::Path;

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS ug_users (
    uuid TEXT PRIMARY KEY,
    username TEXT NOT NULL UNIQUE,
    email TEXT,
    name TEXT,
    firstname TEXT,
    middlename TEXT,
    lastname TEXT,
    picture TEXT,
    activated INTEGER NOT NULL,
    disabled INTEGER NOT NULL,
    deactivated INTEGER,
    created INTEGER NOT NULL,
    modified INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS ug_users_created ON ug_users(created, uuid);
CREATE INDEX IF NOT EXISTS ug_users_modified ON ug_users(modified, uuid);
CREATE INDEX IF NOT EXISTS ug_users_name ON ug_users(name, uuid);
CREATE INDEX IF NOT EXISTS ug_users_email ON ug_users(email, uuid);
CREATE TABLE IF NOT EXISTS ug_devices (
    uuid TEXT PRIMARY KEY,
    user_uuid TEXT NOT NULL REFERENCES ug_users(uuid),
    name TEXT NOT NULL,
    created INTEGER NOT NULL,
    modified INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS ug_devices_of_user ON ug_devices(user_uuid, created);
CREATE TABLE IF NOT EXISTS ug_tokens (
    token TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    user_uuid TEXT,
    expires INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS ug_tokens_of_user ON ug_tokens(user_uuid);
";

const USER_COLUMNS: &str = "uuid, username, email, name, firstname, middlename, lastname, \
                            picture, activated, disabled, deactivated, created, modified";

/// A user as stored; times are Unix milliseconds.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct User {
    pub uuid: String,
    pub username: String,
    pub email: Option<String>,
    pub name: Option<String>,
    pub firstname: Option<String>,
    pub middlename: Option<String>,
    pub lastname: Option<String>,
    pub picture: Option<String>,
    pub activated: bool,
    pub disabled: bool,
    pub deactivated: Option<i64>,
    pub created: i64,
    pub modified: i64,
}

impl User {
    /// The entity, as the API sends it: fields it does not have are left out.
    pub fn to_json(&self) -> Value {
        let mut entity = Map::new();
        entity.insert("uuid".into(), json!(self.uuid));
        entity.insert("type".into(), json!("user"));
        entity.insert("created".into(), json!(self.created));
        entity.insert("modified".into(), json!(self.modified));
        entity.insert("username".into(), json!(self.username));
        for (name, value) in [
            ("email", &self.email),
            ("name", &self.name),
            ("firstname", &self.firstname),
            ("middlename", &self.middlename),
            ("lastname", &self.lastname),
            ("picture", &self.picture),
        ] {
            if let Some(value) = value {
                entity.insert(name.into(), json!(value));
            }
        }
        entity.insert("activated".into(), json!(self.activated));
        entity.insert("disabled".into(), json!(self.disabled));
        if let Some(at) = self.deactivated {
            entity.insert("deactivated".into(), json!(at));
        }
        Value::Object(entity)
    }
}

fn user_row(r: &Row<'_>) -> rusqlite::Result<User> {
    Ok(User {
        uuid: r.get(0)?,
        username: r.get(1)?,
        email: r.get(2)?,
        name: r.get(3)?,
        firstname: r.get(4)?,
        middlename: r.get(5)?,
        lastname: r.get(6)?,
        picture: r.get(7)?,
        activated: r.get(8)?,
        disabled: r.get(9)?,
        deactivated: r.get(10)?,
        created: r.get(11)?,
        modified: r.get(12)?,
    })
}

/// A device as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Device {
    pub uuid: String,
    pub user_uuid: String,
    pub name: String,
    pub created: i64,
    pub modified: i64,
}

impl Device {
    pub fn to_json(&self) -> Value {
        json!({
            "uuid": self.uuid,
            "type": "device",
            "created": self.created,
            "modified": self.modified,
            "name": self.name,
        })
    }
}

/// Who a token belongs to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Holder {
    /// The app's administrator.
    Admin,
    /// The application itself (client credentials).
    Client,
    /// A user of the app, by uuid.
    User(String),
}

/// Why a token is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    Unknown,
    Expired,
    /// Its user is disabled (or deactivated) now.
    UserBlocked,
}

/// The Usergrid database.
pub struct Store {
    conn: Connection,
}

impl Store {
    /// Opens the tables at `path` (None: in memory).
    pub fn open(path: Option<&Path>) -> rusqlite::Result<Store> {
        let conn = crate::sqlite::open(path, SCHEMA)?;
        conn.create_scalar_function(
            "ug_contains",
            2,
            FunctionFlags::SQLITE_UTF8 | FunctionFlags::SQLITE_DETERMINISTIC,
            |ctx| {
                let text = ctx.get::<Option<String>>(0)?;
                let needle = ctx.get::<String>(1)?;
                Ok(text.is_some_and(|text| ql::contains_word(&text, &needle)))
            },
        )?;
        Ok(Store { conn })
    }

    pub fn user_count(&self) -> rusqlite::Result<u64> {
        self.conn
            .query_row("SELECT COUNT(*) FROM ug_users", [], |r| r.get(0))
    }

    /// Inserts users and devices in one transaction.
    pub fn insert(&mut self, users: &[User], devices: &[Device]) -> rusqlite::Result<()> {
        let tx = self.conn.transaction()?;
        {
            let mut user = tx.prepare(&format!(
                "INSERT INTO ug_users ({USER_COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)"
            ))?;
            for u in users {
                user.execute(params![
                    u.uuid,
                    u.username,
                    u.email,
                    u.name,
                    u.firstname,
                    u.middlename,
                    u.lastname,
                    u.picture,
                    u.activated,
                    u.disabled,
                    u.deactivated,
                    u.created,
                    u.modified
                ])?;
            }
            let mut device = tx.prepare(
                "INSERT INTO ug_devices (uuid, user_uuid, name, created, modified) VALUES (?1, ?2, ?3, ?4, ?5)",
            )?;
            for d in devices {
                device.execute(params![d.uuid, d.user_uuid, d.name, d.created, d.modified])?;
            }
        }
        tx.commit()
    }

    /// A page of the users `query` matches, in its order, from `skip`, `take` of them; and
    /// whether more follow.
    pub fn list(&self, query: &Query, skip: i64, take: i64) -> rusqlite::Result<(Vec<User>, bool)> {
        let (filter, mut params) = query.where_sql();
        let n = params.len();
        // One more than asked: whether another page follows.
        params.push(Param::Integer(take.saturating_add(1)));
        params.push(Param::Integer(skip));
        let sql = format!(
            "SELECT {USER_COLUMNS} FROM ug_users {filter} {} LIMIT ?{} OFFSET ?{}",
            query.order_sql(),
            n + 1,
            n + 2
        );
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let mut users: Vec<User> = stmt
            .query_map(params_from_iter(params), user_row)?
            .collect::<rusqlite::Result<_>>()?;
        let more = users.len() as i64 > take;
        users.truncate(usize::try_from(take).unwrap_or(0));
        Ok((users, more))
    }

    /// A user by uuid or username.
    pub fn user(&self, key: &str) -> rusqlite::Result<Option<User>> {
        self.conn
            .query_row(
                &format!("SELECT {USER_COLUMNS} FROM ug_users WHERE uuid = ?1 OR username = ?1"),
                params![key],
                user_row,
            )
            .optional()
    }

    /// A user's devices, oldest first.
    pub fn devices(&self, user_uuid: &str) -> rusqlite::Result<Vec<Device>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT uuid, user_uuid, name, created, modified FROM ug_devices \
             WHERE user_uuid = ?1 ORDER BY created, uuid",
        )?;
        let rows = stmt.query_map(params![user_uuid], |r| {
            Ok(Device {
                uuid: r.get(0)?,
                user_uuid: r.get(1)?,
                name: r.get(2)?,
                created: r.get(3)?,
                modified: r.get(4)?,
            })
        })?;
        rows.collect()
    }

    /// Sets text properties of a user (`name` to "Ann", `picture` to None…); the names are
    /// the API's, checked by the caller against the columns.
    pub fn set_texts(
        &self,
        uuid: &str,
        texts: &[(&'static str, Option<String>)],
    ) -> rusqlite::Result<()> {
        for (column, value) in texts {
            // A column's name, never the client's text: `column` is one of the fixed names.
            let sql = format!("UPDATE ug_users SET {column} = ?2 WHERE uuid = ?1");
            self.conn.execute(&sql, params![uuid, value])?;
        }
        Ok(())
    }

    /// Sets `disabled` or `activated` (and the deactivation time); `modified` becomes `now`.
    pub fn update(
        &self,
        uuid: &str,
        disabled: Option<bool>,
        activated: Option<bool>,
        deactivated: Option<Option<i64>>,
        now: i64,
    ) -> rusqlite::Result<()> {
        if let Some(disabled) = disabled {
            self.conn.execute(
                "UPDATE ug_users SET disabled = ?2 WHERE uuid = ?1",
                params![uuid, disabled],
            )?;
        }
        if let Some(activated) = activated {
            self.conn.execute(
                "UPDATE ug_users SET activated = ?2 WHERE uuid = ?1",
                params![uuid, activated],
            )?;
        }
        if let Some(deactivated) = deactivated {
            self.conn.execute(
                "UPDATE ug_users SET deactivated = ?2 WHERE uuid = ?1",
                params![uuid, deactivated],
            )?;
        }
        // Never back in time, even when the sandbox clock was moved back.
        self.conn.execute(
            "UPDATE ug_users SET modified = MAX(modified + 1, ?2) WHERE uuid = ?1",
            params![uuid, now],
        )?;
        Ok(())
    }

    /// Keeps a token for `holder` until `expires` (Unix seconds).
    pub fn grant(&self, token: &str, holder: &Holder, expires: i64) -> rusqlite::Result<()> {
        let (kind, user) = match holder {
            Holder::Admin => ("admin", None),
            Holder::Client => ("client", None),
            Holder::User(uuid) => ("user", Some(uuid.as_str())),
        };
        self.conn.execute(
            "INSERT INTO ug_tokens (token, kind, user_uuid, expires) VALUES (?1, ?2, ?3, ?4)",
            params![token, kind, user, expires],
        )?;
        Ok(())
    }

    /// Whose a token is, if it is still good at `now` (Unix seconds).
    pub fn holder(&self, token: &str, now: i64) -> rusqlite::Result<Result<Holder, Refusal>> {
        let found: Option<(String, Option<String>, i64)> = self
            .conn
            .query_row(
                "SELECT kind, user_uuid, expires FROM ug_tokens WHERE token = ?1",
                params![token],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .optional()?;
        let Some((kind, user, expires)) = found else {
            return Ok(Err(Refusal::Unknown));
        };
        if now >= expires {
            return Ok(Err(Refusal::Expired));
        }
        Ok(match (kind.as_str(), user) {
            ("admin", _) => Ok(Holder::Admin),
            ("client", _) => Ok(Holder::Client),
            (_, Some(uuid)) => match self.user(&uuid)? {
                Some(u) if u.disabled || !u.activated => Err(Refusal::UserBlocked),
                Some(_) => Ok(Holder::User(uuid)),
                None => Err(Refusal::Unknown),
            },
            _ => Err(Refusal::Unknown),
        })
    }

    /// Ends every token of a user.
    pub fn revoke_tokens(&self, user_uuid: &str) -> rusqlite::Result<usize> {
        self.conn.execute(
            "DELETE FROM ug_tokens WHERE user_uuid = ?1",
            params![user_uuid],
        )
    }
}
