use orm_core::prelude::*;

#[derive(Model, Debug, Clone)]
#[admin(actions = [publish])]
struct Post {
    pub id: i64,
    pub is_published: bool,
}

fn publish(conn: &mut orm_core::AnyConnection, rows: QuerySet<Post>) -> orm_core::Result<()> {
    rows.update(conn, vec![Post::IS_PUBLISHED.set(true)])?;
    Ok(())
}

fn main() {}
