//! Opening the database every API keeps its tables in.

use rusqlite::Connection;
use std::path::Path;

/// Opens (creating if needed) the database at `path`, or an in-memory one for None, and makes
/// sure `schema` exists. Each API opens its own connection: a slow listing of one never holds
/// up another.
pub fn open(path: Option<&Path>, schema: &str) -> rusqlite::Result<Connection> {
    let conn = match path {
        Some(path) => {
            if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
                std::fs::create_dir_all(dir).map_err(|e| {
                    rusqlite::Error::InvalidPath(format!("{}: {e}", dir.display()).into())
                })?;
            }
            let conn = Connection::open(path)?;
            conn.pragma_update(None, "journal_mode", "WAL")?;
            // Another API's connection may be writing: wait for it rather than fail.
            conn.busy_timeout(std::time::Duration::from_secs(5))?;
            conn
        }
        None => Connection::open_in_memory()?,
    };
    conn.pragma_update(None, "foreign_keys", true)?;
    conn.execute_batch(schema)?;
    Ok(conn)
}
