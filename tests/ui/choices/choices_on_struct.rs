use orm_core::prelude::*;

#[derive(Choices, Debug, Clone, Copy, PartialEq, Eq)]
struct Status {
    code: i32,
}

fn main() {}
