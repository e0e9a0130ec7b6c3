//! Unit tests of the derive's inner functions, on token streams.

mod admin;
