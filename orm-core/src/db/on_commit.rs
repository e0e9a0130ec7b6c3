//! Work to do once a transaction has committed (Django's
//! `transaction.on_commit`): sending the mail about an order, queueing the
//! task that reads the new row. Inside [`atomic`](crate::atomic) the work
//! waits for the outermost transaction to commit and is dropped when the
//! transaction (or the savepoint it was registered in) rolls back; outside
//! any transaction it runs at once.

use std::cell::RefCell;

use diesel::connection::{Connection, TransactionManager};

use super::AnyConnection;

/// Work registered on one connection, at one transaction depth.
struct Pending {
    conn: usize,
    depth: u32,
    work: Box<dyn FnOnce()>,
}

thread_local! {
    /// A transaction runs on one thread from its start to its end: the
    /// work registered in it waits here, in order.
    static PENDING: RefCell<Vec<Pending>> = const { RefCell::new(Vec::new()) };
}

/// The connection's identity while it is borrowed.
fn id(conn: &AnyConnection) -> usize {
    std::ptr::from_ref(conn) as usize
}

/// How many transactions and savepoints are open on `conn`.
pub(crate) fn depth(conn: &mut AnyConnection) -> u32 {
    type Manager = <AnyConnection as Connection>::TransactionManager;
    Manager::transaction_manager_status_mut(conn)
        .transaction_depth()
        .ok()
        .flatten()
        .map_or(0, |depth| depth.get())
}

/// Runs `work` after the transaction open on `conn` commits, or now when
/// none is open.
///
/// ```
/// # fn main() -> orm_core::Result<()> {
/// use std::cell::Cell;
/// use std::rc::Rc;
///
/// let db = orm_core::Db::open("sqlite://:memory:")?;
/// let mut conn = db.conn()?;
/// let sent = Rc::new(Cell::new(false));
/// orm_core::atomic(&mut conn, |conn| {
///     let sent = sent.clone();
///     orm_core::db::on_commit(conn, move || sent.set(true));
///     Ok(())
/// })?;
/// assert!(sent.get());
/// # Ok(()) }
/// ```
pub fn on_commit(conn: &mut AnyConnection, work: impl FnOnce() + 'static) {
    let depth = depth(conn);
    if depth == 0 {
        work();
        return;
    }
    let conn = id(conn);
    PENDING.with(|pending| {
        pending.borrow_mut().push(Pending {
            conn,
            depth,
            work: Box::new(work),
        });
    });
}

/// After a transaction or savepoint opened at `depth` (0: the outermost)
/// ended on `conn`: committed, its work moves to the enclosing level, or
/// runs when that was the outermost; rolled back, its work is dropped.
pub(crate) fn ended(conn: &AnyConnection, depth: u32, committed: bool) {
    let conn = id(conn);
    let ready: Vec<Pending> = PENDING.with(|pending| {
        let mut pending = pending.borrow_mut();
        let (mine, others): (Vec<Pending>, Vec<Pending>) = pending
            .drain(..)
            .partition(|p| p.conn == conn && p.depth > depth);
        *pending = others;
        if !committed {
            return Vec::new();
        }
        if depth > 0 {
            pending.extend(mine.into_iter().map(|p| Pending { depth, ..p }));
            return Vec::new();
        }
        mine
    });
    for p in ready {
        (p.work)();
    }
}
