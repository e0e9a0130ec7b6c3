//! Shared pieces of the benchmarks: a seeded blog server running in the
//! background, a logged-in session, `wrk` runs parsed into figures, single
//! requests timed, and a writer saving through the admin meanwhile.

pub mod latency;
pub mod load;
pub mod server;
pub mod writer;
