use orm_contrib::auth::User;
use orm_core::prelude::*;

#[derive(Model, Debug, Clone)]
#[model(indexes(["author"], ["code"], ["author", "code"]))]
struct Post {
    pub id: i64,
    #[field(on_delete = Cascade)]
    pub author: ForeignKey<User>,
    #[field(max_length = 20, index)]
    pub code: String,
}

fn main() {}
