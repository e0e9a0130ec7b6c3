use orm_contrib::auth::User;
use orm_core::prelude::*;

#[derive(Model, Debug, Clone)]
#[model(display = "{title} ({author})")]
struct Post {
    pub id: i64,
    #[field(max_length = 100)]
    pub title: String,
    #[field(on_delete = Cascade)]
    pub author: ForeignKey<User>,
}

fn main() {}
