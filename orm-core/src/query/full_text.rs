//! Full-text search over a model's full-text index
//! (`#[model(full_text = ["title", "content"])]`): every word must start a
//! word of one of the indexed fields, ignoring case. The database answers
//! from its index, so a search costs the same at a million rows as at a
//! thousand: SQLite's FTS5 `MATCH`, PostgreSQL's `@@` over the indexed
//! `tsvector`, MariaDB's `MATCH ... AGAINST` in boolean mode.
//!
//! MariaDB indexes words of three letters or more
//! (`innodb_ft_min_token_size`); a shorter word is looked for with `LIKE`
//! in the indexed fields instead, among the rows the longer words found.

use diesel::query_builder::{AstPass, QueryFragment, QueryId};
use diesel::sql_types::Text;
use diesel::QueryResult;

use super::dates::Backend;
use super::filter::Filter;
use super::lookup::{Condition, Lookup, Operand, Q};
use super::sql::SqlCondition;
use crate::backend::ddl::{column_of, index_name};
use crate::backend::full_text::postgres_document;
use crate::db::MultiBackend;
use crate::error::{Error, Result};
use crate::model::Model;
use crate::schema::ModelSchema;
use crate::value::Value;

/// Words of a full-text search after the first this many are ignored.
pub const MAX_FULL_TEXT_WORDS: usize = 20;

/// MariaDB's shortest indexed word (`innodb_ft_min_token_size`'s default).
const MARIADB_SHORTEST_WORD: usize = 3;

/// The words of a full-text search: runs of letters and digits, lower-cased
/// (everything else separates words, as the indexes split text).
///
/// ```
/// # use orm_core::query::full_text_words;
/// assert_eq!(full_text_words("Ada-Lovelace's  NOTES!"), ["ada", "lovelace", "s", "notes"]);
/// ```
pub fn full_text_words(terms: &str) -> Vec<String> {
    terms
        .split(|c: char| !c.is_alphanumeric())
        .filter(|word| !word.is_empty())
        .map(str::to_lowercase)
        .take(MAX_FULL_TEXT_WORDS)
        .collect()
}

impl<M: Model> Filter<M> {
    /// Rows whose full-text index (`#[model(full_text = [...])]`) holds a
    /// word starting with each word of `terms`, ignoring case: the
    /// database's full-text search, answered from its index. Terms without
    /// a word match every row. A model without a full-text index gives
    /// [`Error::InvalidLookup`] when the query runs.
    ///
    /// ```
    /// # fn main() -> orm_core::Result<()> {
    /// use orm_core::prelude::*;
    ///
    /// #[derive(Model, Debug, Clone)]
    /// #[model(app_label = "docs", full_text = ["title", "body"])]
    /// pub struct Note {
    ///     pub id: i64,
    ///     #[field(max_length = 50)]
    ///     pub title: String,
    ///     #[field(text)]
    ///     pub body: String,
    /// }
    ///
    /// let db = Db::open("sqlite://:memory:")?;
    /// let mut conn = db.conn()?;
    /// orm_core::create_tables(&mut conn, &[Note::schema()])?;
    /// Note { id: 0, title: "Engines".into(), body: "Ada Lovelace's notes".into() }.save(&mut conn)?;
    /// let found = Note::objects().filter(Filter::full_text("lovelace ENGINE"));
    /// assert_eq!(found.count(&mut conn)?, 1);
    /// assert_eq!(Note::objects().filter(Filter::full_text("babbage")).count(&mut conn)?, 0);
    /// # Ok(()) }
    /// ```
    pub fn full_text(terms: &str) -> Filter<M> {
        Filter::new(Q::FullText(full_text_words(terms)))
    }
}

/// The condition "the full-text index of `schema`'s model holds words
/// starting with each of `words`"; `short` is the same for MariaDB's
/// unindexed short words, built by the caller from `short_words_q`.
pub(crate) fn full_text_condition(
    schema: &ModelSchema,
    words: &[String],
    short: Option<SqlCondition>,
) -> Result<FullTextMatch> {
    let index = schema
        .full_text_index()
        .ok_or_else(|| Error::InvalidLookup {
            field: schema.label(),
            lookup: "a full-text search (the model declares no `full_text` index)".to_owned(),
        })?;
    Ok(FullTextMatch {
        table: schema.table.to_string(),
        key: schema.pk().column.to_string(),
        index: index_name(schema, index),
        columns: index
            .fields
            .iter()
            .map(|field| column_of(schema, field).to_owned())
            .collect(),
        sqlite: sqlite_query(words),
        postgres: postgres_query(words),
        mysql: mysql_query(words),
        short,
    })
}

/// On MariaDB, the words too short for its index, each looked for with
/// `LIKE` in any of the indexed fields; `None` when there are none.
pub(crate) fn short_words_q(schema: &ModelSchema, words: &[String]) -> Option<Q> {
    let fields: Vec<usize> = schema
        .full_text_index()?
        .fields
        .iter()
        .filter_map(|name| schema.field_index(name))
        .collect();
    let short: Vec<Q> = words
        .iter()
        .filter(|word| word.chars().count() < MARIADB_SHORTEST_WORD)
        .map(|word| {
            Q::Or(
                fields
                    .iter()
                    .map(|&field| {
                        Q::Condition(Condition {
                            field,
                            lookup: Lookup::IContains,
                            operand: Operand::One(Value::Text(word.clone())),
                        })
                    })
                    .collect(),
            )
        })
        .collect();
    (!short.is_empty()).then_some(Q::And(short))
}

/// A full-text match, written for the backend that runs it.
pub(crate) struct FullTextMatch {
    table: String,
    key: String,
    /// The index's name: on SQLite, its FTS5 table; on MariaDB, the column
    /// it indexes as well.
    index: String,
    columns: Vec<String>,
    /// The search as each backend writes it.
    sqlite: String,
    postgres: String,
    mysql: Option<String>,
    /// MariaDB's condition on the words shorter than its index keeps.
    short: Option<SqlCondition>,
}

impl QueryFragment<MultiBackend> for FullTextMatch {
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, MultiBackend>) -> QueryResult<()> {
        match Backend::of(out.backend()) {
            Backend::Sqlite => {
                out.push_identifier(&self.table)?;
                out.push_sql(".");
                out.push_identifier(&self.key)?;
                out.push_sql(" IN (SELECT rowid FROM ");
                out.push_identifier(&self.index)?;
                out.push_sql(" WHERE ");
                out.push_identifier(&self.index)?;
                out.push_sql(" MATCH ");
                out.push_bind_param::<Text, _>(&self.sqlite)?;
                out.push_sql(")");
            }
            Backend::Postgres => {
                let columns: Vec<&str> = self.columns.iter().map(String::as_str).collect();
                out.push_sql(&postgres_document(&columns, Some(&self.table)));
                out.push_sql(" @@ to_tsquery('simple'::regconfig, ");
                out.push_bind_param::<Text, _>(&self.postgres)?;
                out.push_sql(")");
            }
            Backend::Mysql => {
                let long = &self.mysql;
                out.push_sql("(");
                if let Some(long) = &long {
                    // The index's own column, named as the index.
                    out.push_sql("MATCH (");
                    out.push_identifier(&self.table)?;
                    out.push_sql(".");
                    out.push_identifier(&self.index)?;
                    out.push_sql(") AGAINST (");
                    out.push_bind_param::<Text, _>(long)?;
                    out.push_sql(" IN BOOLEAN MODE)");
                }
                match (&self.short, long) {
                    (Some(short), Some(_)) => {
                        out.push_sql(" AND ");
                        short.walk_ast(out.reborrow())?;
                    }
                    (Some(short), None) => short.walk_ast(out.reborrow())?,
                    (None, Some(_)) => {}
                    (None, None) => out.push_sql("1 = 1"),
                }
                out.push_sql(")");
            }
        }
        Ok(())
    }
}

/// FTS5: `"ada"* "love"*`, every word a prefix, all required (words are
/// letters and digits only, so the quotes need no escaping).
fn sqlite_query(words: &[String]) -> String {
    let words: Vec<String> = words.iter().map(|w| format!("\"{w}\"*")).collect();
    words.join(" ")
}

/// PostgreSQL: `ada:* & love:*`.
fn postgres_query(words: &[String]) -> String {
    let words: Vec<String> = words.iter().map(|w| format!("{w}:*")).collect();
    words.join(" & ")
}

/// MariaDB: `+ada* +love*` for the words its index keeps; `None` when every
/// word is too short.
fn mysql_query(words: &[String]) -> Option<String> {
    let words: Vec<String> = words
        .iter()
        .filter(|w| w.chars().count() >= MARIADB_SHORTEST_WORD)
        .map(|w| format!("+{w}*"))
        .collect();
    (!words.is_empty()).then(|| words.join(" "))
}

impl QueryId for FullTextMatch {
    type QueryId = ();
    const HAS_STATIC_QUERY_ID: bool = false;
}
