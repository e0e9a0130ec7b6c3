use orm_core::prelude::*;

#[derive(Model, Debug, Clone)]
#[admin(actions = [publish, other::publish])]
struct Post {
    pub id: i64,
}

fn publish(_: &mut orm_core::AnyConnection, _: QuerySet<Post>) -> orm_core::Result<usize> {
    Ok(0)
}

mod other {
    pub(crate) fn publish(
        _: &mut orm_core::AnyConnection,
        _: orm_core::QuerySet<super::Post>,
    ) -> orm_core::Result<usize> {
        Ok(0)
    }
}

fn main() {}
