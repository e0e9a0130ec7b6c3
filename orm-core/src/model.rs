//! The `Model` trait that `#[derive(Model)]` implements, and how a model's
//! operations are taken without its type ([`ModelOps::of`]).

use std::any::Any;
use std::sync::Arc;

use crate::db::AnyConnection;
use crate::error::{Error, Result};
use crate::query::{Aggregate, Field, QuerySet, QuerySpec};
pub use crate::registry::{
    find_model, registered_models, ModelOps, RegisteredModel, UpdateFn, WriteFn,
};
use crate::schema::ModelSchema;
use crate::timestamps::timestamp_values;
use crate::validation::{validate_values, ValidationErrors};
use crate::value::{FieldType, Value};

/// A struct stored as a table row. Implemented by `#[derive(Model)]`.
///
/// The `__`-prefixed methods are the generated typed diesel glue; call the
/// public methods and [`QuerySet`] instead.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a model",
    label = "not a model",
    note = "add `#[derive(Model)]` to `{Self}`"
)]
pub trait Model: Sized + Clone + Send + Sync + 'static {
    /// The primary key's type.
    type Pk: FieldType;

    /// `app_label.Name`.
    const LABEL: &'static str;
    /// The table name.
    const TABLE: &'static str;
    /// The primary-key column.
    const PK_COLUMN: &'static str;

    /// The schema IR of this model.
    fn schema() -> &'static ModelSchema;

    /// The primary key.
    fn pk(&self) -> &Self::Pk;

    /// Replaces the primary key.
    fn set_pk(&mut self, pk: Self::Pk);

    /// The value of the field at `index` in the schema.
    fn field_value(&self, index: usize) -> Value;

    /// Sets the field at `index` from a value of its type.
    fn set_field_value(&mut self, index: usize, value: Value) -> Result<()>;

    #[doc(hidden)]
    fn __from_values(values: Vec<Value>) -> Result<Self>;
    #[doc(hidden)]
    fn __load(conn: &mut AnyConnection, spec: &QuerySpec) -> Result<Vec<Self>>;
    #[doc(hidden)]
    fn __count(conn: &mut AnyConnection, spec: &QuerySpec) -> Result<i64>;
    /// A condition tree on this model's columns, compiled.
    #[doc(hidden)]
    fn __condition(q: &crate::query::Q) -> Result<crate::query::SqlCondition>;
    /// How many rows `spec`'s filter matches, counting no further than
    /// `most` (the first `most` keys, read through an index where one
    /// serves the filter): bounded work however many rows match.
    #[doc(hidden)]
    fn __count_up_to(conn: &mut AnyConnection, spec: &QuerySpec, most: i64) -> Result<i64> {
        Ok(Self::__count(conn, spec)?.min(most))
    }
    /// The rows the query planner expects `spec`'s filter to match
    /// ([`crate::db::planned_rows`]).
    #[doc(hidden)]
    fn __planned_rows(conn: &mut AnyConnection, spec: &QuerySpec) -> Result<Option<i64>> {
        let _ = (conn, spec);
        Ok(None)
    }
    #[doc(hidden)]
    fn __delete(conn: &mut AnyConnection, spec: &QuerySpec) -> Result<usize>;
    #[doc(hidden)]
    fn __update(
        conn: &mut AnyConnection,
        spec: &QuerySpec,
        values: &[(usize, Value)],
    ) -> Result<usize>;
    #[doc(hidden)]
    fn __aggregate(
        conn: &mut AnyConnection,
        spec: &QuerySpec,
        field: usize,
        aggregate: Aggregate,
    ) -> Result<Value>;
    #[doc(hidden)]
    fn __insert(&mut self, conn: &mut AnyConnection, with_pk: bool) -> Result<()>;
    /// Inserts new objects (their keys not set) with multi-row `INSERT`s and
    /// gives each its generated key. `Ok(false)` when the model has no such
    /// path (its key is not generated, or it has no other column): the
    /// caller inserts the objects one by one.
    #[doc(hidden)]
    fn __insert_new(conn: &mut AnyConnection, objects: &mut [Self]) -> Result<bool> {
        let _ = (conn, objects);
        Ok(false)
    }
    #[doc(hidden)]
    fn __select_related(conn: &mut AnyConnection, rows: &mut [Self], field: usize) -> Result<()>;
    /// Gives foreign key `field` its loaded target (an `Arc` of the target
    /// model); `false` when `field` is no foreign key, is `None`, or the
    /// target is of another model.
    #[doc(hidden)]
    fn __set_related(&mut self, field: usize, target: Arc<dyn Any + Send + Sync>) -> bool;
    #[doc(hidden)]
    fn __save(&self, conn: &mut AnyConnection) -> Result<usize>;

    /// The object as a person reads it: its `Display` when the type has one
    /// (Django's `__str__`), else `Name object (pk)`.
    fn to_repr(&self) -> String {
        format!("{} object ({})", Self::schema().name, self.pk().to_value())
    }

    /// A query over every row of this model, in its default ordering.
    fn objects() -> QuerySet<Self> {
        QuerySet::new()
    }

    /// The rows of a hand-written statement, read by column name: select
    /// every column of the model (`SELECT * FROM blog_article ...`); other
    /// columns are ignored. Values are bound, never written into the
    /// statement: `?` outside quotes marks a parameter on every backend
    /// (diesel writes PostgreSQL's `$1`). Django's `Manager.raw`.
    ///
    /// ```
    /// # fn main() -> orm_core::Result<()> {
    /// use orm_core::prelude::*;
    ///
    /// #[derive(Model, Debug, Clone)]
    /// #[model(app_label = "docs")]
    /// pub struct Tag {
    ///     pub id: i64,
    ///     #[field(max_length = 50)]
    ///     pub name: String,
    /// }
    ///
    /// let db = Db::open("sqlite://:memory:")?;
    /// let mut conn = db.conn()?;
    /// orm_core::create_tables(&mut conn, &[Tag::schema()])?;
    /// Tag { id: 0, name: "rust".into() }.save(&mut conn)?;
    /// let tags = Tag::raw(
    ///     &mut conn,
    ///     "SELECT * FROM docs_tag WHERE name LIKE ?",
    ///     &[orm_core::Value::Text("ru%".into())],
    /// )?;
    /// assert_eq!(tags[0].name, "rust");
    /// # Ok(()) }
    /// ```
    fn raw(conn: &mut AnyConnection, sql: &str, params: &[Value]) -> Result<Vec<Self>>
    where
        Self: diesel::deserialize::QueryableByName<crate::db::MultiBackend>,
    {
        crate::db::load_raw(conn, sql, params).map_err(|e| e.for_model(Self::schema()))
    }

    /// The rows of `C` whose foreign key `field` points at this object:
    /// Django's reverse accessor (`author.article_set`). A foreign key
    /// declared with `related_name = "articles"` also gets a method of
    /// that name on its target (`author.articles()`) from a trait the
    /// derive writes beside the model (`{Model}{Field}Related`, here
    /// `BookAuthorRelated`).
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
    ///     #[field(on_delete = Cascade, related_name = "books")]
    ///     pub author: ForeignKey<Author>,
    /// }
    ///
    /// let db = Db::open("sqlite://:memory:")?;
    /// let mut conn = db.conn()?;
    /// orm_core::create_tables(&mut conn, &[Author::schema(), Book::schema()])?;
    /// let mut ann = Author { id: 0, name: "Ann".into() };
    /// ann.save(&mut conn)?;
    /// Book { id: 0, title: "One".into(), author: ForeignKey::new(ann.id) }.save(&mut conn)?;
    /// assert_eq!(ann.related(Book::AUTHOR).count(&mut conn)?, 1);
    /// assert_eq!(ann.books().filter(Book::TITLE.eq("One")).count(&mut conn)?, 1);
    /// # Ok(()) }
    /// ```
    fn related<C: Model, T: crate::query::PointsAt<Self>>(&self, field: Field<C, T>) -> QuerySet<C>
    where
        Self: Model<Pk = i64>,
    {
        QuerySet::new().filter(crate::query::pointing_at(field, *self.pk()))
    }

    /// Every field's value, in schema order.
    fn values(&self) -> Vec<Value> {
        (0..Self::schema().fields.len())
            .map(|i| self.field_value(i))
            .collect()
    }

    /// Checks every field against its schema (required, max_length, slug,
    /// email, URL, choices) and the model's check constraints, then runs
    /// the fields' `validators` and the model's own `clean` (with
    /// `#[model(clean)]`): Django's `full_clean` less the uniqueness
    /// queries. `save`, forms and the admin all call it.
    fn validate(&self) -> Result<(), ValidationErrors> {
        let mut errors = validate_values(Self::schema(), &self.values());
        self.__extra_checks(&mut errors);
        errors.into_result()
    }

    /// Adds what the fields' validators and the model's `clean` find.
    #[doc(hidden)]
    fn __extra_checks(&self, errors: &mut ValidationErrors) {
        let _ = errors;
    }

    /// [`validate`](Model::validate), then the unique constraints with a
    /// condition or over an expression, which take a query each: another
    /// row holding the same values is an error on the field (Django's
    /// `full_clean`). Forms and the admin call it before saving; `save`
    /// leaves those to the database.
    fn full_clean(&self, conn: &mut AnyConnection) -> Result<()>
    where
        Self: Sized,
    {
        self.validate()?;
        let clashes =
            crate::constraints::unique_errors(conn, &ModelOps::of::<Self>(), &self.values())?;
        Ok(clashes.into_result()?)
    }

    /// Whether the object has not been saved yet: its primary key is
    /// auto-assigned and still zero.
    fn is_new(&self) -> bool {
        let schema = Self::schema();
        schema.pk().auto_increment && self.pk().to_value().as_i64() == Some(0)
    }

    /// Inserts the object when [`is_new`](Model::is_new), else updates its row
    /// (inserting it when no row has its primary key). Applies `auto_now`,
    /// `auto_now_add` and validation first; sets the primary key on insert.
    /// With [signals](crate::signals) connected to the model, its
    /// `pre_save` and `post_save` handlers run in one transaction with the
    /// write.
    fn save(&mut self, conn: &mut AnyConnection) -> Result<()> {
        with_save_signals(self, conn, write_row)
    }

    /// Inserts the object as a new row, even when it has a primary key.
    fn insert(&mut self, conn: &mut AnyConnection) -> Result<()> {
        with_save_signals(self, conn, |object, conn| {
            touch_timestamps(object, chrono::Utc::now(), true)?;
            object.validate()?;
            let with_pk = !object.is_new();
            object
                .__insert(conn, with_pk)
                .map_err(|e| e.for_model(Self::schema()))?;
            Ok(true)
        })
    }

    /// Inserts many new objects in one transaction: timestamps, defaults and
    /// validation as for [`save`](Model::save); every object gets its primary
    /// key. Either all are inserted or none.
    ///
    /// New objects go in with multi-row `INSERT`s (up to 1,000 rows a
    /// statement), their keys read back with `RETURNING` (SQLite,
    /// PostgreSQL) or from `LAST_INSERT_ID()` (MySQL); objects that already
    /// have a key are inserted one by one.
    fn bulk_create(conn: &mut AnyConnection, objects: &mut [Self]) -> Result<()> {
        let now = chrono::Utc::now();
        for object in objects.iter_mut() {
            touch_timestamps(object, now, true)?;
            object.validate()?;
        }
        crate::db::atomic(conn, |conn| {
            if objects.iter().all(Model::is_new)
                && Self::__insert_new(conn, objects).map_err(|e| e.for_model(Self::schema()))?
            {
                return Ok(());
            }
            for object in objects.iter_mut() {
                let with_pk = !object.is_new();
                object
                    .__insert(conn, with_pk)
                    .map_err(|e| e.for_model(Self::schema()))?;
            }
            Ok(())
        })
    }

    /// Sets the fields named in `fields` of each object's row to the
    /// object's values: one `UPDATE` (a `CASE` per field) per 500 objects,
    /// in one transaction; returns how many rows changed. Objects are
    /// validated first; `auto_now` fields are not touched (as in Django).
    ///
    /// ```
    /// # fn main() -> orm_core::Result<()> {
    /// use orm_core::prelude::*;
    ///
    /// #[derive(Model, Debug, Clone)]
    /// #[model(app_label = "docs")]
    /// pub struct Tag {
    ///     pub id: i64,
    ///     #[field(max_length = 50)]
    ///     pub name: String,
    /// }
    ///
    /// let db = Db::open("sqlite://:memory:")?;
    /// let mut conn = db.conn()?;
    /// orm_core::create_tables(&mut conn, &[Tag::schema()])?;
    /// let mut tags: Vec<Tag> = ["a", "b"].iter().map(|n| Tag { id: 0, name: n.to_string() }).collect();
    /// Tag::bulk_create(&mut conn, &mut tags)?;
    /// for tag in &mut tags {
    ///     tag.name = tag.name.to_uppercase();
    /// }
    /// assert_eq!(Tag::bulk_update(&mut conn, &tags, &["name"])?, 2);
    /// assert_eq!(Tag::objects().filter(Tag::NAME.eq("B")).count(&mut conn)?, 1);
    /// # Ok(()) }
    /// ```
    fn bulk_update(conn: &mut AnyConnection, objects: &[Self], fields: &[&str]) -> Result<usize> {
        crate::query::bulk_update(conn, objects, fields)
    }

    /// Inserts `objects` in multi-row statements; a row whose unique value
    /// is already taken is skipped or updates the existing row, as
    /// `on_conflict` says (Django's `bulk_create(ignore_conflicts=True)`
    /// and `update_conflicts=True`). One transaction; timestamps, defaults
    /// and validation as for [`save`](Model::save). Returns the rows the
    /// database reports written (MySQL counts an updated row twice); keys
    /// are not read back into the objects.
    ///
    /// ```
    /// # fn main() -> orm_core::Result<()> {
    /// use orm_core::prelude::*;
    /// use orm_core::query::OnConflict;
    ///
    /// #[derive(Model, Debug, Clone)]
    /// #[model(app_label = "docs")]
    /// pub struct Stock {
    ///     pub id: i64,
    ///     #[field(max_length = 20, unique)]
    ///     pub sku: String,
    ///     pub count: i32,
    /// }
    ///
    /// let db = Db::open("sqlite://:memory:")?;
    /// let mut conn = db.conn()?;
    /// orm_core::create_tables(&mut conn, &[Stock::schema()])?;
    /// let stock = |sku: &str, count| Stock { id: 0, sku: sku.into(), count };
    /// Stock::bulk_upsert(&mut conn, &mut [stock("a", 1), stock("b", 2)], OnConflict::Ignore)?;
    /// let update = OnConflict::Update { unique: &["sku"], update: &["count"] };
    /// Stock::bulk_upsert(&mut conn, &mut [stock("b", 5), stock("c", 3)], update)?;
    /// assert_eq!(Stock::objects().count(&mut conn)?, 3);
    /// assert_eq!(Stock::objects().filter(Stock::SKU.eq("b")).get(&mut conn)?.count, 5);
    /// # Ok(()) }
    /// ```
    fn bulk_upsert(
        conn: &mut AnyConnection,
        objects: &mut [Self],
        on_conflict: crate::query::OnConflict<'_>,
    ) -> Result<usize> {
        crate::query::bulk_upsert(conn, objects, on_conflict)
    }

    /// Deletes the object's row, applying every `on_delete` rule of the rows
    /// that point at it. Returns how many rows were deleted in all.
    fn delete(&self, conn: &mut AnyConnection) -> Result<usize> {
        let spec = QuerySpec::for_pk(Self::schema(), self.pk().to_value());
        crate::deletion::delete_cascading(conn, Self::schema(), &spec)
    }

    /// Reloads the object's fields from its row.
    fn refresh(&mut self, conn: &mut AnyConnection) -> Result<()> {
        let spec = QuerySpec::for_pk(Self::schema(), self.pk().to_value());
        let mut rows = Self::__load(conn, &spec)?;
        match rows.pop() {
            Some(fresh) => {
                *self = fresh;
                Ok(())
            }
            None => Err(Error::NotFound {
                model: Self::schema().name.to_string(),
            }),
        }
    }
}

/// Sets `auto_now` fields (always) and `auto_now_add` fields (on create) of
/// `object` to `now`.
/// Writes `object` as `save` does; whether its row was created.
fn write_row<M: Model>(object: &mut M, conn: &mut AnyConnection) -> Result<bool> {
    let now = chrono::Utc::now();
    let creating = object.is_new();
    touch_timestamps(object, now, creating)?;
    object.validate()?;
    if creating {
        object
            .__insert(conn, false)
            .map_err(|e| e.for_model(M::schema()))?;
        return Ok(true);
    }
    let updated = object.__save(conn).map_err(|e| e.for_model(M::schema()))?;
    if updated == 0 {
        touch_timestamps(object, now, true)?;
        object
            .__insert(conn, true)
            .map_err(|e| e.for_model(M::schema()))?;
        return Ok(true);
    }
    Ok(false)
}

/// `write` of `object`, between its model's `pre_save` and `post_save`
/// handlers in one transaction when it has any.
fn with_save_signals<M: Model>(
    object: &mut M,
    conn: &mut AnyConnection,
    write: impl FnOnce(&mut M, &mut AnyConnection) -> Result<bool>,
) -> Result<()> {
    use crate::signals::dispatch::{any_connected, send, When};
    if !any_connected(M::LABEL) {
        return write(object, conn).map(|_| ());
    }
    crate::db::atomic(conn, |conn| {
        send(conn, M::LABEL, When::PreSave, object, false)?;
        let created = write(object, conn)?;
        send(conn, M::LABEL, When::PostSave, object, created)
    })
}

pub(crate) fn touch_timestamps<M: Model>(
    object: &mut M,
    now: chrono::DateTime<chrono::Utc>,
    creating: bool,
) -> Result<()> {
    for (index, value) in timestamp_values(M::schema(), now, creating) {
        object.set_field_value(index, value)?;
    }
    Ok(())
}

impl ModelOps {
    /// The operations of model `M`.
    pub const fn of<M: Model>() -> ModelOps {
        ModelOps {
            schema: M::schema,
            count: M::__count,
            condition: M::__condition,
            planned_rows: M::__planned_rows,
            count_up_to: M::__count_up_to,
            values: values_of::<M>,
            delete: M::__delete,
            update: M::__update,
            create: create_from_values::<M>,
            save: save_from_values::<M>,
            from_values: erased_from_values::<M>,
            set_related: erased_set_related::<M>,
        }
    }
}

fn create_from_values<M: Model>(
    conn: &mut AnyConnection,
    values: Vec<Value>,
) -> Result<Vec<Value>> {
    let mut object = M::__from_values(values)?;
    if object.is_new() {
        object.save(conn)?;
    } else {
        object.insert(conn)?;
    }
    Ok(object.values())
}

fn erased_from_values<M: Model>(values: Vec<Value>) -> Result<Box<dyn Any + Send + Sync>> {
    Ok(Box::new(M::__from_values(values)?))
}

fn erased_set_related<M: Model>(
    object: &mut (dyn Any + Send + Sync),
    field: usize,
    target: Arc<dyn Any + Send + Sync>,
) -> bool {
    object
        .downcast_mut::<M>()
        .is_some_and(|object| object.__set_related(field, target))
}

fn save_from_values<M: Model>(conn: &mut AnyConnection, values: Vec<Value>) -> Result<Vec<Value>> {
    let mut object = M::__from_values(values)?;
    object.save(conn)?;
    Ok(object.values())
}

fn values_of<M: Model>(conn: &mut AnyConnection, spec: &QuerySpec) -> Result<Vec<Vec<Value>>> {
    Ok(M::__load(conn, spec)?.iter().map(Model::values).collect())
}
