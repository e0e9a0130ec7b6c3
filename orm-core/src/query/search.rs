//! Text search, as the admin's search box, its autocomplete and
//! [`QuerySet::search`](crate::QuerySet::search) all do it: every word of
//! the terms must be found, ignoring case, in at least one of the fields.

use crate::query::{q_from_text, Condition, Lookup, Operand, Q};
use crate::schema::ModelSchema;
use crate::value::Value;

/// Words after the first this many are ignored: each word is one more
/// `LIKE` per field, and no person types more.
pub const MAX_SEARCH_WORDS: usize = 20;

/// The words of a search. NUL separates words too: no stored text holds it
/// (forms refuse it) and PostgreSQL refuses it in a query.
pub fn search_words(terms: &str) -> impl Iterator<Item = &str> {
    terms
        .split(|c: char| c.is_whitespace() || c == '\0')
        .filter(|word| !word.is_empty())
        .take(MAX_SEARCH_WORDS)
}

/// The condition of a search of `terms` over the fields at `fields` (schema
/// indexes of text fields): `None` when there is nothing to search.
///
/// ```
/// # use orm_core::query::{search_condition, Q};
/// let q = search_condition(&[1, 2], "ada  lovelace").unwrap();
/// let Q::And(words) = q else { panic!() };
/// assert_eq!(words.len(), 2); // each word, in the title or the content
/// ```
pub fn search_condition(fields: &[usize], terms: &str) -> Option<Q> {
    if fields.is_empty() {
        return None;
    }
    let words: Vec<Q> = search_words(terms)
        .map(|word| {
            Q::Or(
                fields
                    .iter()
                    .map(|&field| {
                        Q::Condition(Condition {
                            field,
                            lookup: Lookup::IContains,
                            operand: Operand::One(Value::Text(word.to_owned())),
                        })
                    })
                    .collect(),
            )
        })
        .collect();
    (!words.is_empty()).then_some(Q::And(words))
}

/// The condition of a search of `terms` over fields named as the admin's
/// `search_fields` name them: a text field of the model (`title`) or one
/// reached across foreign keys (`author__username`). Names that are not
/// text fields are left out. `None` when there is nothing to search.
///
/// ```
/// # use orm_core::prelude::*;
/// # use orm_core::query::{search_by_names, Q};
/// #[derive(Model, Debug, Clone)]
/// #[model(app_label = "docs")]
/// pub struct Note {
///     pub id: i64,
///     #[field(max_length = 50)]
///     pub title: String,
/// }
/// let q = search_by_names(Note::schema(), &["title"], "ada lovelace").unwrap();
/// let Q::And(words) = q else { panic!() };
/// assert_eq!(words.len(), 2);
/// ```
pub fn search_by_names(schema: &ModelSchema, names: &[&str], terms: &str) -> Option<Q> {
    let words: Vec<Q> = search_words(terms)
        .map(|word| {
            Q::Or(
                names
                    .iter()
                    .filter_map(|name| {
                        q_from_text(schema, &format!("{name}__icontains"), word).ok()
                    })
                    .collect(),
            )
        })
        .collect();
    // No word, or no field a word can be looked for in: nothing to search.
    let searched = matches!(words.first(), Some(Q::Or(any)) if !any.is_empty());
    searched.then_some(Q::And(words))
}
