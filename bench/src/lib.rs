//! Shared pieces of the benchmarks: a seeded blog server running in the
//! background, a logged-in session, and `wrk` runs parsed into figures.

pub mod load;
pub mod server;
