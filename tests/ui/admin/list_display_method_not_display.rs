use orm_core::prelude::*;

#[derive(Model, Debug, Clone)]
#[admin(list_display = ["title", "words"])]
struct Post {
    pub id: i64,
    #[field(max_length = 100)]
    pub title: String,
}

impl Post {
    fn words(&self) -> Vec<&str> {
        self.title.split(' ').collect()
    }
}

fn main() {}
