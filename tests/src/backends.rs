//! The databases the tests run on: `orm_test`'s, under the name the tests
//! use.

pub use orm_test::databases::*;
