use orm_core::prelude::*;

#[derive(Form)]
pub struct Signup {
    #[field(max_length = 30, unique)]
    pub username: String,
    #[field(db_column = "mail", email)]
    pub email: String,
}

fn main() {}
