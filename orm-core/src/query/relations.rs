//! Lookups across a foreign key (Django's `author__username__icontains`):
//! the key is one of the target rows that match, written
//! `author_id IN (SELECT id FROM auth_user WHERE ...)`, a subquery the
//! database answers through the target's indexes (PostgreSQL, MariaDB and
//! SQLite plan it as a semi-join or a lookup per key). A row whose key is
//! `NULL` never matches, as with Django's join.

use diesel::query_builder::{AstPass, QueryFragment, QueryId};
use diesel::QueryResult;

use super::field::{Field, PointsAt};
use super::filter::Filter;
use super::lookup::Q;
use super::sql::SqlCondition;
use crate::db::MultiBackend;
use crate::error::{Error, Result};
use crate::fields::ForeignKey;
use crate::model::{Model, ModelOps};
use crate::schema::{ForeignKeySchema, ModelSchema};
use crate::value::FieldType;

/// `q`, a condition on the target of the foreign key `field` of
/// `schema`'s model, as a condition on that model.
pub(crate) fn related_condition(schema: &ModelSchema, field: usize, q: &Q) -> Result<SqlCondition> {
    let f = schema.field_at(field)?;
    let fk = f.foreign_key.as_ref().ok_or_else(|| Error::InvalidLookup {
        field: f.name.to_string(),
        lookup: "a lookup across a relation (the field is not a foreign key)".to_owned(),
    })?;
    let inner = (target_ops(schema, fk)?.condition)(q)?;
    Ok(SqlCondition::new(InSubquery {
        table: schema.table.to_string(),
        column: f.column.to_string(),
        target_table: fk.to_table.to_string(),
        target_key: fk.to_column.to_string(),
        inner,
    }))
}

/// `q`, a condition on the model labelled `model` whose foreign key
/// `field` points at `schema`'s model, as a condition on the latter: its
/// key is among those the matching rows point at.
pub(crate) fn referenced_condition(
    schema: &ModelSchema,
    model: &str,
    field: usize,
    q: &Q,
) -> Result<SqlCondition> {
    let child = linked_model(schema, model)?;
    let child_schema = (child.schema)();
    let fk = child_schema
        .fields
        .get(field)
        .filter(|f| {
            f.foreign_key
                .as_ref()
                .is_some_and(|fk| fk.to == schema.label())
        })
        .ok_or_else(|| Error::InvalidLookup {
            field: format!("{model} #{field}"),
            lookup: format!(
                "a reverse lookup (the field does not point at {})",
                schema.label()
            ),
        })?;
    let inner = (child.condition)(q)?;
    Ok(SqlCondition::new(InSubquery {
        table: schema.table.to_string(),
        column: schema.pk().column.to_string(),
        target_table: child_schema.table.to_string(),
        target_key: fk.column.to_string(),
        inner,
    }))
}

/// The model and foreign key of the reverse relation named `query` on
/// `schema`'s model (`articles` on a user): a key pointing at it whose
/// `related_name` is `query`, or, for a key without one, whose model's
/// lower-case name is, as Django's query names are.
pub(crate) fn reverse_relation(
    schema: &ModelSchema,
    query: &str,
) -> Option<(&'static ModelSchema, usize)> {
    let label = schema.label();
    crate::model::registered_models()
        .into_iter()
        .find_map(|ops| {
            let child = (ops.schema)();
            let field = child.fields.iter().position(|field| {
                let Some(fk) = field.foreign_key.as_ref().filter(|fk| fk.to == label) else {
                    return false;
                };
                let model_name = child.model_name();
                if fk.related_name == format!("{model_name}_set") {
                    model_name == query
                } else {
                    fk.related_name == query
                }
            })?;
            Some((child, field))
        })
}

/// The registered model a foreign key points at.
pub(crate) fn target_ops(schema: &ModelSchema, fk: &ForeignKeySchema) -> Result<ModelOps> {
    linked_model(schema, &fk.to)
}

/// The registered model labelled `label` (`app_label.Name`), related to
/// `schema`'s model; an error naming both when it is not linked in.
pub(crate) fn linked_model(schema: &ModelSchema, label: &str) -> Result<ModelOps> {
    label
        .split_once('.')
        .and_then(|(app, name)| crate::registry::find_model(app, name))
        .ok_or_else(|| Error::UnknownField {
            model: schema.label(),
            field: format!("{label} (its model is not linked into the program)"),
        })
}

/// `table.column IN (SELECT target_table.target_key FROM target_table
/// WHERE inner)`: forwards, the key column of the target; backwards, the
/// foreign key column of the model pointing here.
struct InSubquery {
    table: String,
    column: String,
    target_table: String,
    target_key: String,
    inner: SqlCondition,
}

impl QueryFragment<MultiBackend> for InSubquery {
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, MultiBackend>) -> QueryResult<()> {
        out.push_identifier(&self.table)?;
        out.push_sql(".");
        out.push_identifier(&self.column)?;
        out.push_sql(" IN (SELECT ");
        out.push_identifier(&self.target_table)?;
        out.push_sql(".");
        out.push_identifier(&self.target_key)?;
        out.push_sql(" FROM ");
        out.push_identifier(&self.target_table)?;
        out.push_sql(" WHERE ");
        self.inner.walk_ast(out.reborrow())?;
        out.push_sql(")");
        Ok(())
    }
}

impl QueryId for InSubquery {
    type QueryId = ();
    const HAS_STATIC_QUERY_ID: bool = false;
}

impl<M: Model, T: Model> Field<M, ForeignKey<T>> {
    /// Rows whose foreign key points at a row of `T` matching `filter`:
    /// `Article::AUTHOR.matches(User::USERNAME.icontains("ada"))` is
    /// Django's `author__username__icontains="ada"`. Nests
    /// (`Comment::ARTICLE.matches(Article::AUTHOR.matches(...))`).
    ///
    /// ```
    /// # fn main() -> orm_core::Result<()> {
    /// use orm_core::prelude::*;
    ///
    /// #[derive(Model, Debug, Clone)]
    /// #[model(app_label = "docs")]
    /// pub struct Author {
    ///     pub id: i64,
    ///     #[field(max_length = 50)]
    ///     pub name: String,
    /// }
    ///
    /// #[derive(Model, Debug, Clone)]
    /// #[model(app_label = "docs")]
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
    /// let mut ada = Author { id: 0, name: "Ada".into() };
    /// ada.save(&mut conn)?;
    /// Book { id: 0, title: "Notes".into(), author: ForeignKey::new(ada.id) }.save(&mut conn)?;
    /// let by_ada = Book::objects().filter(Book::AUTHOR.matches(Author::NAME.icontains("ad")));
    /// assert_eq!(by_ada.count(&mut conn)?, 1);
    /// // By name, as the admin and query strings write it:
    /// let named = Book::objects().filter_by("author__name__startswith", "Ad")?;
    /// assert_eq!(named.count(&mut conn)?, 1);
    /// # Ok(()) }
    /// ```
    pub fn matches(self, filter: Filter<T>) -> Filter<M> {
        related(self.index(), filter)
    }
}

impl<M: Model, T: Model> Field<M, Option<ForeignKey<T>>> {
    /// Rows whose foreign key points at a row of `T` matching `filter`
    /// (never rows whose key is `NULL`); see the non-null field's
    /// `matches`.
    pub fn matches(self, filter: Filter<T>) -> Filter<M> {
        related(self.index(), filter)
    }
}

impl<C: Model, F: FieldType> Field<C, F> {
    /// Rows of the model this foreign key points at that some row of `C`
    /// matching `filter` points at: `Article::AUTHOR.referencing(Article::IS_PUBLISHED.eq(true))`
    /// is, on `User`, Django's reverse `article__is_published=True`.
    ///
    /// ```
    /// # fn main() -> orm_core::Result<()> {
    /// use orm_core::prelude::*;
    ///
    /// #[derive(Model, Debug, Clone)]
    /// #[model(app_label = "docs")]
    /// pub struct Author {
    ///     pub id: i64,
    ///     #[field(max_length = 50)]
    ///     pub name: String,
    /// }
    ///
    /// #[derive(Model, Debug, Clone)]
    /// #[model(app_label = "docs")]
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
    /// for name in ["Ada", "Bo"] {
    ///     Author { id: 0, name: name.into() }.save(&mut conn)?;
    /// }
    /// Book { id: 0, title: "Notes".into(), author: ForeignKey::new(1) }.save(&mut conn)?;
    /// let writers = Author::objects().filter(Book::AUTHOR.referencing(Book::TITLE.eq("Notes")));
    /// assert_eq!(writers.get(&mut conn)?.name, "Ada");
    /// # Ok(()) }
    /// ```
    pub fn referencing<T: Model>(self, filter: Filter<C>) -> Filter<T>
    where
        F: PointsAt<T>,
    {
        Filter::new(Q::Referenced {
            model: C::schema().label(),
            field: self.index(),
            q: Box::new(filter.into_q()),
        })
    }
}

fn related<M: Model, T: Model>(field: usize, filter: Filter<T>) -> Filter<M> {
    Filter::new(Q::Related {
        field,
        q: Box::new(filter.into_q()),
    })
}
