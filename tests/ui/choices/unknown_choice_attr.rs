use orm_core::prelude::*;

#[derive(Choices, Debug, Clone, Copy, PartialEq, Eq)]
enum Status {
    #[choice(rename = "d")]
    Draft,
    Published,
}

fn main() {}
