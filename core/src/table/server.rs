//! Listings a backend filters, sorts and pages itself (PORTOS' NData, Usergrid's `ql`): where
//! a page starts, what one holds, and the row of a sessions table read that way.

use super::TableModel;
use crate::model::{Session, SessionId, User, UserId};

/// Where a page of a server's listing starts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PageAt {
    Start,
    /// This many items in.
    Offset(u64),
    /// After the page the server gave this opaque cursor with.
    Cursor(String),
}

/// One page of a listing the server filtered, sorted and paged.
#[derive(Clone, Debug, PartialEq)]
pub struct ServerPage<T> {
    pub items: Vec<T>,
    /// How many match in all, when the server says.
    pub total: Option<u64>,
    /// Where the next page starts; None on the last.
    pub next: Option<PageAt>,
}

/// A session with its user, as one row of a sessions table the server lists.
#[derive(Clone, Debug, PartialEq)]
pub struct SessionRow {
    /// The user as far as the session names it (no sessions of its own).
    pub user: User,
    pub session: Session,
}

impl SessionRow {
    /// The row's key, the same as the local sessions table's.
    pub fn key(&self) -> (UserId, SessionId) {
        (self.user.id.clone(), self.session.id.clone())
    }
}

/// The rows of a table the server pages: the pages seen so far, each added as it arrives, so
/// that a ticked row is still known when the admin has paged on.
pub trait ServerModel: TableModel + Default {
    /// One row as the server lists it.
    type Row: Clone + Send + Sync + 'static;

    /// Adds the rows of one page (a row seen before is replaced by its fresh copy) and says
    /// where they are, in the server's order.
    fn add_rows(&mut self, rows: Vec<Self::Row>) -> Vec<Self::At>;
}
