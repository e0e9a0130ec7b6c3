use orm_core::prelude::*;

#[derive(Model, Debug, Clone)]
#[model(ordering = ["-published", "title"])]
struct Post {
    pub id: i64,
    #[field(max_length = 100)]
    pub title: String,
    pub published_date: DateTime<Utc>,
}

fn main() {}
