//! Full-text search over a model's full-text index
//! (`#[model(full_text = ["title", "content"])]`): every word must start a
//! word of one of the indexed fields, ignoring case. The database answers
//! from its index, so a search costs the same at a million rows as at a
//! thousand: SQLite's FTS5 `MATCH`, PostgreSQL's `@@` over the indexed
//! `tsvector`, MariaDB's `MATCH ... AGAINST` in boolean mode.
//!
//! No database can tell beforehand how many rows contain a word, so each
//! would plan an ordered search badly one way or the other (PostgreSQL
//! walks the whole date index for a word found once; SQLite sorts every
//! match of a common word). A query is therefore told first
//! ([`resolve`]): the index gives up to [`FULL_TEXT_KEYS`] + 1 keys of
//! matching rows; when that is all of them, the query reads those rows by
//! key; when there are more, it walks its ordering's index and tests each
//! row until its page is full.
//!
//! MariaDB indexes words of three letters or more
//! (`innodb_ft_min_token_size`); a shorter word is looked for with `LIKE`
//! in the indexed fields instead, among the rows the longer words found.

use std::borrow::Cow;

use diesel::query_builder::{AstPass, Query, QueryFragment, QueryId};
use diesel::sql_types::{BigInt, Text};
use diesel::{QueryResult, RunQueryDsl};

use super::columns::ModelColumns;
use super::dates::Backend;
use super::filter::Filter;
use super::lookup::Q;
use super::spec::QuerySpec;
use super::sql::SqlCondition;
use crate::backend::ddl::full_text::postgres_document;
use crate::backend::ddl::{column_of, index_name};
use crate::db::{AnyConnection, MultiBackend};
use crate::error::{Error, Result};
use crate::model::Model;
use crate::schema::ModelSchema;
use crate::value::Value;

/// Words of a full-text search after the first this many are ignored.
pub const MAX_FULL_TEXT_WORDS: usize = 20;

/// A full-text search matching at most this many rows reads them by key;
/// beyond, an ordered query walks its ordering's index instead.
pub const FULL_TEXT_KEYS: i64 = 1_000;

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
        Filter::new(Q::full_text(full_text_words(terms)))
    }
}

/// The condition "the full-text index of `M` holds words starting with
/// each of `words`", written for `many` matching rows or few.
pub(crate) fn condition<M: ModelColumns>(words: &[String], many: bool) -> Result<SqlCondition> {
    Ok(SqlCondition::new(full_text_match::<M>(words, many)?))
}

fn full_text_match<M: ModelColumns>(words: &[String], many: bool) -> Result<FullTextMatch> {
    let schema = M::schema();
    let short = match short_words_q(schema, words) {
        Some(q) => Some(M::__condition(&q)?),
        None => None,
    };
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
        mysql_patterns: words
            .iter()
            .map(|word| format!("(^|[^[:alnum:]]){word}"))
            .collect(),
        many,
        short,
    })
}

/// `spec` with each full-text search in its filter decided: one matching
/// at most [`FULL_TEXT_KEYS`] rows becomes `key IN (...)` of those rows,
/// one matching more is marked [`many`](Q::FullText) when the query is
/// ordered. Borrowed when there is nothing to decide.
pub fn resolve<'s, M: ModelColumns>(
    conn: &mut AnyConnection,
    spec: &'s QuerySpec,
) -> Result<Cow<'s, QuerySpec>> {
    let Some(filter) = spec.filter.as_ref().filter(|q| undecided(q)) else {
        return Ok(Cow::Borrowed(spec));
    };
    let ordered = !spec.order.is_empty();
    let mut resolved = spec.clone();
    resolved.filter = Some(decide::<M>(conn, filter, ordered)?);
    Ok(Cow::Owned(resolved))
}

/// Whether `q` holds a full-text search not yet decided (outside
/// conditions on related models, which are subqueries of their own).
fn undecided(q: &Q) -> bool {
    match q {
        Q::FullText { words, many } => !words.is_empty() && !many,
        Q::And(parts) | Q::Or(parts) => parts.iter().any(undecided),
        Q::Not(inner) => undecided(inner),
        Q::Condition(_)
        | Q::Compare(_)
        | Q::Json { .. }
        | Q::Related { .. }
        | Q::Referenced { .. } => false,
    }
}

fn decide<M: ModelColumns>(conn: &mut AnyConnection, q: &Q, ordered: bool) -> Result<Q> {
    Ok(match q {
        Q::FullText { words, many: false } if !words.is_empty() => {
            let schema = M::schema();
            let keys = matching_keys::<M>(conn, words, FULL_TEXT_KEYS + 1)?;
            if keys.len() as i64 > FULL_TEXT_KEYS {
                Q::FullText {
                    words: words.clone(),
                    many: ordered,
                }
            } else {
                QuerySpec::for_pks(schema, keys.into_iter().map(Value::BigInt).collect())
                    .filter
                    .unwrap_or(Q::And(Vec::new()))
            }
        }
        Q::And(parts) => Q::And(
            parts
                .iter()
                .map(|part| decide::<M>(conn, part, ordered))
                .collect::<Result<_>>()?,
        ),
        Q::Or(parts) => Q::Or(
            parts
                .iter()
                .map(|part| decide::<M>(conn, part, ordered))
                .collect::<Result<_>>()?,
        ),
        Q::Not(inner) => Q::Not(Box::new(decide::<M>(conn, inner, ordered)?)),
        other => other.clone(),
    })
}

/// The keys of up to `most` rows matching `words`, read from the index.
fn matching_keys<M: ModelColumns>(
    conn: &mut AnyConnection,
    words: &[String],
    most: i64,
) -> Result<Vec<i64>> {
    let query = KeysOf {
        matching: full_text_match::<M>(words, false)?,
        most,
    };
    Ok(query.load::<i64>(conn)?)
}

/// `SELECT key FROM table WHERE matching LIMIT most`; on SQLite, straight
/// from the FTS5 table, whose row ids are the keys, so that it stops at
/// `most` rows.
struct KeysOf {
    matching: FullTextMatch,
    most: i64,
}

impl QueryFragment<MultiBackend> for KeysOf {
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, MultiBackend>) -> QueryResult<()> {
        let m = &self.matching;
        if let Backend::Sqlite = Backend::of(out.backend()) {
            out.push_sql("SELECT rowid FROM ");
            out.push_identifier(&m.index)?;
            out.push_sql(" WHERE ");
            out.push_identifier(&m.index)?;
            out.push_sql(" MATCH ");
            out.push_bind_param::<Text, _>(&m.sqlite)?;
        } else {
            out.push_sql("SELECT ");
            out.push_identifier(&m.table)?;
            out.push_sql(".");
            out.push_identifier(&m.key)?;
            out.push_sql(" FROM ");
            out.push_identifier(&m.table)?;
            out.push_sql(" WHERE ");
            m.walk_ast(out.reborrow())?;
        }
        out.push_sql(&format!(" LIMIT {}", self.most));
        Ok(())
    }
}

impl QueryId for KeysOf {
    type QueryId = ();
    const HAS_STATIC_QUERY_ID: bool = false;
}

impl Query for KeysOf {
    type SqlType = BigInt;
}

impl RunQueryDsl<AnyConnection> for KeysOf {}

/// On MariaDB, the words too short for its index, each looked for with
/// `LIKE` in any of the indexed fields; `None` when there are none.
pub(crate) fn short_words_q(schema: &ModelSchema, words: &[String]) -> Option<Q> {
    let fields: Vec<usize> = schema
        .full_text_index()?
        .fields
        .iter()
        .filter_map(|name| schema.field_index(name))
        .collect();
    let short: Vec<&str> = words
        .iter()
        .filter(|word| word.chars().count() < MARIADB_SHORTEST_WORD)
        .map(String::as_str)
        .collect();
    super::search::search_condition(&fields, &short.join(" "))
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
    /// MariaDB, many rows matching: a regular expression a word.
    mysql_patterns: Vec<String>,
    /// Many rows match: written so that an ordered query walks its
    /// ordering's index (SQLite: `+key`; MariaDB: a regular expression over
    /// the index's column, which matches accented letters only as typed;
    /// PostgreSQL does so by itself).
    many: bool,
    /// MariaDB's condition on the words shorter than its index keeps.
    short: Option<SqlCondition>,
}

impl QueryFragment<MultiBackend> for FullTextMatch {
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, MultiBackend>) -> QueryResult<()> {
        match Backend::of(out.backend()) {
            Backend::Sqlite => {
                // `+key` is not the key to SQLite's planner: rather than
                // read every match by key and sort them, it walks the
                // ordering's index and looks each row up in the matches.
                if self.many {
                    out.push_sql("+");
                }
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
            Backend::Mysql if self.many => {
                // Each word at the start of a word of the index's column,
                // row by row: MariaDB would otherwise gather every match
                // through the index and sort them all.
                out.push_sql("(");
                for (i, pattern) in self.mysql_patterns.iter().enumerate() {
                    if i > 0 {
                        out.push_sql(" AND ");
                    }
                    out.push_identifier(&self.table)?;
                    out.push_sql(".");
                    out.push_identifier(&self.index)?;
                    out.push_sql(" REGEXP ");
                    out.push_bind_param::<Text, _>(pattern)?;
                }
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
