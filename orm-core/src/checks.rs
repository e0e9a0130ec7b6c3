//! What is wrong with a model that the compiler could not see (Django's
//! system checks): its constraints' conditions, and the join models of its
//! many-to-many fields. Run before `makemigrations` and at start-up.

use crate::fields::ManyToManyOps;
use crate::schema::ModelSchema;

/// Every problem of `schema`'s model, one line each; empty when all is
/// well.
pub fn problems(schema: &ModelSchema) -> Vec<String> {
    let mut problems = crate::constraints::problems(schema);
    for field in schema.many_to_many.iter() {
        if ManyToManyOps::resolve(schema, field).is_none() {
            problems.push(format!(
                "{}.{}: the join model {} needs a foreign key to {} and one to {}, and both models must be linked into the program",
                schema.label(),
                field.name,
                field.through,
                schema.label(),
                field.to
            ));
        }
    }
    problems
}
