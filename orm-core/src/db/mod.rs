//! The database handle, its connections and URLs.

mod catalog;
#[allow(missing_docs)]
mod connection;
pub(crate) mod dispatch;
mod estimate;
pub(crate) mod functions;
mod instrument;
mod kept_values;
mod on_commit;
mod plan;
mod pool;
mod query_log;
mod raw;
mod url;

pub use catalog::table_exists;
pub use connection::{AnyConnection, MultiBackend};
pub use estimate::estimated_rows;
pub use kept_values::{query_key, KeptValues, WriteGuard, WriteMark};
pub(crate) use on_commit::depth as transaction_depth;
pub use on_commit::on_commit;
pub use plan::planned_rows;
pub(crate) use pool::note_connection_lost;
pub use pool::{atomic, AnyConnectionManager, Db, PoolOptions, PooledConnection};
pub use query_log::{capture_queries, QueryLog};
pub use raw::load_raw;
pub use url::{BackendKind, DatabaseUrl, InvalidUrl, DEFAULT_DATABASE_URL};
