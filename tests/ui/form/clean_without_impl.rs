use orm_core::prelude::*;

#[derive(Form)]
#[form(clean)]
pub struct Contact {
    pub subject: String,
}

fn main() {}
