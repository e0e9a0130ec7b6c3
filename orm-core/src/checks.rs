//! What is wrong with a model that the compiler could not see (Django's
//! system checks): its constraints' conditions, and the join models of its
//! many-to-many fields. Run before `makemigrations` and at start-up.

use crate::schema::ModelSchema;

/// Every problem of `schema`'s model, one line each, among the project's
/// `models` (where its join models are looked for); empty when all is
/// well.
pub fn problems(schema: &ModelSchema, models: &[&ModelSchema]) -> Vec<String> {
    let mut problems = crate::constraints::problems(schema);
    let label = schema.label();
    for field in schema.many_to_many.iter() {
        let join = models.iter().find(|m| m.label() == field.through);
        let keys = join.and_then(|join| {
            let from = join.key_to(&label, None)?;
            join.key_to(&field.to, Some(from))
        });
        if keys.is_none() {
            problems.push(format!(
                "{label}.{}: the join model {} needs a foreign key to {label} and one to {}",
                field.name, field.through, field.to
            ));
        }
    }
    problems
}
