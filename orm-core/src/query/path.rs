//! Fields across foreign keys (Django's `author__username`) as sort keys:
//! the path resolved against the schemas, and the value read with a
//! correlated subquery, `(SELECT r1.username FROM auth_user AS r1 WHERE
//! r1.id = blog_article.author_id)`, nested for each further step. A row
//! whose key is `NULL` sorts as a `NULL` value would.

use diesel::query_builder::{AstPass, QueryFragment, QueryId};
use diesel::QueryResult;

use super::field::{Field, OrderBy};
use super::related_path::AfterKey;
use super::relations::linked_model;
use super::sql::SqlOrder;
use std::collections::HashMap;

use crate::db::{AnyConnection, MultiBackend};
use crate::error::{Error, Result};
use crate::fields::ForeignKey;
use crate::model::Model;
use crate::query::QuerySpec;
use crate::schema::{FieldSchema, ForeignKeySchema, ModelSchema};
use crate::value::Value;

/// A field named across foreign keys, resolved: see [`field_path`].
#[derive(Debug, Clone, PartialEq)]
pub struct FieldPath {
    /// The foreign keys followed, each an index in the schema of the model
    /// the previous one leads to (empty for the model's own field).
    pub path: Vec<usize>,
    /// The field's index in the schema of the last model.
    pub field: usize,
    /// The last model.
    pub model: &'static ModelSchema,
}

impl FieldPath {
    /// The field at the end.
    pub fn target(&self) -> &'static FieldSchema {
        &self.model.fields[self.field]
    }
}

/// The foreign keys and the field a name such as `author__username` (or a
/// plain `title`) names on `schema`'s model.
///
/// ```
/// # use orm_core::prelude::*;
/// # #[derive(Model, Debug, Clone)]
/// # #[model(app_label = "docs_path")]
/// # pub struct Author { pub id: i64, #[field(max_length = 20)] pub name: String }
/// # #[derive(Model, Debug, Clone)]
/// # #[model(app_label = "docs_path")]
/// # pub struct Book {
/// #     pub id: i64,
/// #     #[field(on_delete = Cascade)]
/// #     pub author: ForeignKey<Author>,
/// # }
/// use orm_core::query::field_path;
/// let across = field_path(Book::schema(), "author__name")?;
/// assert_eq!(across.path, [1]);
/// assert_eq!(across.target().name, "name");
/// assert!(field_path(Book::schema(), "author")?.path.is_empty());
/// assert!(field_path(Book::schema(), "author__nope").is_err());
/// # Ok::<(), orm_core::Error>(())
/// ```
pub fn field_path(schema: &'static ModelSchema, name: &str) -> Result<FieldPath> {
    let unknown = |model: &ModelSchema, field: &str| Error::UnknownField {
        model: model.label(),
        field: field.to_owned(),
    };
    let mut parts: Vec<&str> = name.split("__").collect();
    let last = parts.pop().unwrap_or_default();
    let mut model = schema;
    let mut path = Vec::with_capacity(parts.len());
    for part in parts {
        let index = model
            .field_index(part)
            .ok_or_else(|| unknown(model, part))?;
        model = step(model, index)?.target;
        path.push(index);
    }
    let field = model
        .field_index(last)
        .ok_or_else(|| unknown(model, last))?;
    Ok(FieldPath { path, field, model })
}

/// The foreign keys a name such as `author__team` follows from `schema`'s
/// model, each an index in the schema of the model the one before leads
/// to: an error when a part is not a foreign key.
pub(crate) fn key_path(schema: &'static ModelSchema, name: &str) -> Result<Vec<usize>> {
    let mut model = schema;
    let mut keys = Vec::new();
    for part in name.split("__") {
        let index = model
            .field_index(part)
            .filter(|&i| model.fields[i].foreign_key.is_some())
            .ok_or_else(|| Error::UnknownField {
                model: model.label(),
                field: part.to_owned(),
            })?;
        model = step(model, index)?.target;
        keys.push(index);
    }
    Ok(keys)
}

/// One step across a foreign key: the key field, where it points, and the
/// registered model it leads to.
pub(crate) struct Step<'m> {
    pub(crate) key: &'m FieldSchema,
    pub(crate) fk: &'m ForeignKeySchema,
    pub(crate) ops: crate::model::ModelOps,
    pub(crate) target: &'static ModelSchema,
}

/// The step across field `index` of `model`: an error when the field is
/// unknown or not a foreign key, or its target is not linked in.
pub(crate) fn step(model: &ModelSchema, index: usize) -> Result<Step<'_>> {
    let key = model.field_at(index)?;
    let fk = key
        .foreign_key
        .as_ref()
        .ok_or_else(|| Error::InvalidLookup {
            field: key.name.to_string(),
            lookup: format!("a path across `{}`, which is not a foreign key", key.name),
        })?;
    let ops = linked_model(model, &fk.to)?;
    Ok(Step {
        key,
        fk,
        ops,
        target: (ops.schema)(),
    })
}

/// For each of `keys` (values of the first foreign key of `across.path`,
/// one per row of `schema`'s model), the value of the field at the end of
/// the path: one query per step, `NULL` where a key is `NULL` or leads
/// nowhere.
pub fn values_across(
    conn: &mut AnyConnection,
    schema: &'static ModelSchema,
    across: &FieldPath,
    keys: &[Value],
) -> Result<Vec<Value>> {
    let mut current: Vec<Value> = keys.to_vec();
    let mut model = schema;
    for (at, &index) in across.path.iter().enumerate() {
        let Step { ops, target, .. } = step(model, index)?;
        let mut wanted: Vec<Value> = current.iter().filter(|v| !v.is_null()).cloned().collect();
        wanted.sort_by_key(Value::to_string);
        wanted.dedup();
        let read = match across.path.get(at + 1) {
            Some(&next) => next,
            None => across.field,
        };
        let pk = target.pk_index();
        let mut found: HashMap<String, Value> = HashMap::with_capacity(wanted.len());
        if !wanted.is_empty() {
            for mut row in (ops.values)(conn, &QuerySpec::for_pks(target, wanted))? {
                if read < row.len() && pk < row.len() {
                    let value = std::mem::replace(&mut row[read], Value::Null);
                    found.insert(row[pk].to_string(), value);
                }
            }
        }
        current = current
            .iter()
            .map(|key| match key {
                Value::Null => Value::Null,
                key => found.get(&key.to_string()).cloned().unwrap_or(Value::Null),
            })
            .collect();
        model = target;
    }
    Ok(current)
}

/// The sort key `order` (whose `path` is not empty) on `schema`'s model.
pub(crate) fn path_order(schema: &ModelSchema, order: &OrderBy) -> Result<SqlOrder> {
    let value = related_value(schema, &schema.table, &order.path, order.field, 1)?;
    Ok(if order.descending {
        SqlOrder::new(Directed(value, " DESC"))
    } else {
        SqlOrder::new(Directed(value, " ASC"))
    })
}

/// The value of field `field` at the end of `path`, read from the row of
/// `outer` (a table or an alias) of `schema`'s model.
fn related_value(
    schema: &ModelSchema,
    outer: &str,
    path: &[usize],
    field: usize,
    depth: usize,
) -> Result<RelatedValue> {
    let Some((&first, rest)) = path.split_first() else {
        return Err(Error::Internal("an empty path across relations".to_owned()));
    };
    let Step {
        key, fk, target, ..
    } = step(schema, first)?;
    let alias = format!("r{depth}");
    let read = if rest.is_empty() {
        let column = target.field_at(field)?;
        Read::Column(column.column.to_string())
    } else {
        Read::Nested(Box::new(related_value(
            target,
            &alias,
            rest,
            field,
            depth + 1,
        )?))
    };
    Ok(RelatedValue {
        outer: outer.to_owned(),
        key: key.column.to_string(),
        table: target.table.to_string(),
        target_key: fk.to_column.to_string(),
        alias,
        read,
    })
}

/// `(SELECT alias.<read> FROM table AS alias WHERE alias.target_key =
/// outer.key)`.
struct RelatedValue {
    outer: String,
    key: String,
    table: String,
    target_key: String,
    alias: String,
    read: Read,
}

/// What the subquery selects: a column of its table, or the next step.
enum Read {
    Column(String),
    Nested(Box<RelatedValue>),
}

impl QueryFragment<MultiBackend> for RelatedValue {
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, MultiBackend>) -> QueryResult<()> {
        out.push_sql("(SELECT ");
        match &self.read {
            Read::Column(column) => {
                out.push_identifier(&self.alias)?;
                out.push_sql(".");
                out.push_identifier(column)?;
            }
            Read::Nested(next) => next.walk_ast(out.reborrow())?,
        }
        out.push_sql(" FROM ");
        out.push_identifier(&self.table)?;
        out.push_sql(" AS ");
        out.push_identifier(&self.alias)?;
        out.push_sql(" WHERE ");
        out.push_identifier(&self.alias)?;
        out.push_sql(".");
        out.push_identifier(&self.target_key)?;
        out.push_sql(" = ");
        out.push_identifier(&self.outer)?;
        out.push_sql(".");
        out.push_identifier(&self.key)?;
        out.push_sql(")");
        Ok(())
    }
}

/// A value and its direction, `ASC` or `DESC`.
struct Directed(RelatedValue, &'static str);

impl QueryFragment<MultiBackend> for Directed {
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, MultiBackend>) -> QueryResult<()> {
        self.0.walk_ast(out.reborrow())?;
        out.push_sql(self.1);
        Ok(())
    }
}

impl QueryId for Directed {
    type QueryId = ();
    const HAS_STATIC_QUERY_ID: bool = false;
}

impl<M: Model, T: Model> Field<M, ForeignKey<T>> {
    /// Rows ordered by a field of the row this foreign key points at:
    /// `Article::AUTHOR.then(User::USERNAME.asc())` is Django's
    /// `order_by("author__username")`. Nests
    /// (`Comment::ARTICLE.then(Article::AUTHOR.then(User::USERNAME.desc()))`).
    ///
    /// ```
    /// # fn main() -> orm_core::Result<()> {
    /// use orm_core::prelude::*;
    ///
    /// #[derive(Model, Debug, Clone)]
    /// #[model(app_label = "docs_then")]
    /// pub struct Author {
    ///     pub id: i64,
    ///     #[field(max_length = 50)]
    ///     pub name: String,
    /// }
    ///
    /// #[derive(Model, Debug, Clone)]
    /// #[model(app_label = "docs_then")]
    /// pub struct Book {
    ///     pub id: i64,
    ///     #[field(max_length = 50)]
    ///     pub title: String,
    ///     #[field(on_delete = Cascade)]
    ///     pub author: ForeignKey<Author>,
    /// }
    ///
    /// let db = Db::open("sqlite://:memory:")?;
    /// let mut conn = db.conn()?;
    /// orm_core::create_tables(&mut conn, &[Author::schema(), Book::schema()])?;
    /// for (name, title) in [("Zoe", "Atlas"), ("Ada", "Notes")] {
    ///     let mut author = Author { id: 0, name: name.into() };
    ///     author.save(&mut conn)?;
    ///     Book { id: 0, title: title.into(), author: ForeignKey::new(author.id) }.save(&mut conn)?;
    /// }
    /// let books = Book::objects().order_by([Book::AUTHOR.then(Author::NAME.asc())]).all(&mut conn)?;
    /// assert_eq!(books[0].title, "Notes");
    /// // By name, as the admin and query strings write it:
    /// let named = Book::objects().order_by_names(&["-author__name"])?.all(&mut conn)?;
    /// assert_eq!(named[0].title, "Atlas");
    /// # Ok(()) }
    /// ```
    ///
    /// Followed by another foreign key instead, it is a chain of keys for
    /// [`select_related`](crate::QuerySet::select_related):
    /// `Book::AUTHOR.then(Author::PUBLISHER)`.
    pub fn then<X: AfterKey<T>>(self, next: X) -> X::From<M> {
        next.after(self.index())
    }
}

impl<M: Model, T: Model> Field<M, Option<ForeignKey<T>>> {
    /// Rows ordered by a field of the row this foreign key points at (a row
    /// whose key is `NULL` sorts as a `NULL` value); see the non-null
    /// field's `then`.
    pub fn then<X: AfterKey<T>>(self, next: X) -> X::From<M> {
        next.after(self.index())
    }
}
