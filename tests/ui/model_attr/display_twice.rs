use orm_core::prelude::*;

#[derive(Model, Debug, Clone)]
#[model(display = "{title}")]
struct Post {
    pub id: i64,
    #[field(max_length = 100)]
    pub title: String,
}

impl std::fmt::Display for Post {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.title)
    }
}

fn main() {}
