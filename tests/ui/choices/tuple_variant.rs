use orm_core::prelude::*;

#[derive(Choices, Debug, Clone, Copy, PartialEq, Eq)]
enum Status {
    Draft,
    Scheduled(i64),
}

fn main() {}
