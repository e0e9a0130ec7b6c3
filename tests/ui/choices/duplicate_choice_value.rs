use orm_core::prelude::*;

#[derive(Choices, Debug, Clone, Copy, PartialEq, Eq)]
enum Status {
    #[choice(value = "pub")]
    Published,
    #[choice(value = "pub")]
    Public,
}

fn main() {}
