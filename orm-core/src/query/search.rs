//! Text search, as the admin's search box, its autocomplete and
//! [`QuerySet::search`](crate::QuerySet::search) all do it: every word of
//! the terms must be found, ignoring case, in at least one of the fields.

use crate::query::{full_text_words, q_from_text, Condition, Lookup, Operand, Q};
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
/// `search_fields` name them: a text field of the model (`title`), one
/// reached across foreign keys (`author__username`), or, prefixed with `@`
/// (`@title`), the model's full-text index. Names that are not text fields
/// are left out. `None` when there is nothing to search.
///
/// With only `@` names, the words are one full-text search (every word must
/// start a word of the index); otherwise each word must be found in the
/// full-text index or in one of the other fields.
///
/// ```
/// # use orm_core::prelude::*;
/// # use orm_core::query::{search_by_names, Q};
/// #[derive(Model, Debug, Clone)]
/// #[model(app_label = "docs", full_text = ["body"])]
/// pub struct Note {
///     pub id: i64,
///     #[field(max_length = 50)]
///     pub title: String,
///     #[field(text)]
///     pub body: String,
/// }
/// let q = search_by_names(Note::schema(), &["title"], "ada lovelace").unwrap();
/// let Q::And(words) = q else { panic!() };
/// assert_eq!(words.len(), 2);
/// let q = search_by_names(Note::schema(), &["@body"], "Ada Lovelace").unwrap();
/// assert_eq!(q, Q::full_text(vec!["ada".into(), "lovelace".into()]));
/// ```
pub fn search_by_names(schema: &ModelSchema, names: &[&str], terms: &str) -> Option<Q> {
    let full_text = names.iter().any(|name| name.starts_with('@'));
    let others: Vec<&str> = names
        .iter()
        .copied()
        .filter(|name| !name.starts_with('@'))
        .collect();
    if full_text && others.is_empty() {
        let words = full_text_words(terms);
        return (!words.is_empty()).then_some(Q::full_text(words));
    }
    let words: Vec<Q> = search_words(terms)
        .map(|word| {
            let in_index = full_text_words(word);
            let indexed = (full_text && !in_index.is_empty()).then_some(Q::full_text(in_index));
            Q::Or(
                indexed
                    .into_iter()
                    .chain(others.iter().filter_map(|name| {
                        q_from_text(schema, &format!("{name}__icontains"), word).ok()
                    }))
                    .collect(),
            )
        })
        .collect();
    // No word, or no field a word can be looked for in: nothing to search.
    let searched = matches!(words.first(), Some(Q::Or(any)) if !any.is_empty());
    searched.then_some(Q::And(words))
}
