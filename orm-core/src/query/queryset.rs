//! `QuerySet<M>`: Django's lazy, chainable queries, typed by model.

use std::marker::PhantomData;

use super::field::{Field, OrderBy, Ordering};
use super::filter::Filter;
use super::lookup::{Condition, Lookup, Operand, Q};
use super::parse::q_from_text;
use super::related_path::IntoRelated;
use super::spec::QuerySpec;
use crate::db::AnyConnection;
use crate::error::{Error, Result};
use crate::fields::ForeignKey;
use crate::model::Model;
use crate::value::{FieldType, Value};

/// An aggregate function over one field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Aggregate {
    /// Non-null values.
    Count,
    /// The sum (a decimal for integers and decimals, a float for floats).
    Sum,
    /// The average (same types as `Sum`).
    Avg,
    /// The smallest value.
    Min,
    /// The largest value.
    Max,
}

/// A lazy query on model `M`: nothing runs until a method takes a
/// connection.
///
/// ```ignore
/// let recent = Article::objects()
///     .filter(Article::IS_PUBLISHED.eq(true) & Article::TITLE.icontains("rust"))
///     .order_by([Article::PUBLISHED_DATE.desc()])
///     .select_related(Article::AUTHOR)
///     .limit(10)
///     .all(&mut conn)?;
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct QuerySet<M> {
    spec: QuerySpec,
    _marker: PhantomData<fn() -> M>,
}

impl<M: Model> Default for QuerySet<M> {
    fn default() -> Self {
        QuerySet::new()
    }
}

impl<M: Model> QuerySet<M> {
    /// Every row, in the model's default ordering.
    pub fn new() -> Self {
        QuerySet {
            spec: QuerySpec {
                order: QuerySpec::default_order(M::schema()),
                ..QuerySpec::default()
            },
            _marker: PhantomData,
        }
    }

    /// A query from an untyped spec (used by the admin).
    pub fn from_spec(spec: QuerySpec) -> Self {
        QuerySet {
            spec,
            _marker: PhantomData,
        }
    }

    /// What the query asks for.
    pub fn spec(&self) -> &QuerySpec {
        &self.spec
    }

    /// Keeps the rows matching `filter` (and every earlier filter).
    pub fn filter(mut self, filter: Filter<M>) -> Self {
        self.spec.and(filter.into_q());
        self
    }

    /// Drops the rows matching `filter`.
    pub fn exclude(mut self, filter: Filter<M>) -> Self {
        self.spec.and(!filter.into_q());
        self
    }

    /// Keeps the rows matching a Django-style lookup given by name, its value
    /// given as text: `filter_by("published_date__gte", "2026-01-01")`.
    pub fn filter_by(mut self, lookup: &str, text: &str) -> Result<Self> {
        self.spec.and(q_from_text(M::schema(), lookup, text)?);
        Ok(self)
    }

    /// Keeps the rows where every word of `terms` is found (ignoring case) in
    /// at least one of `fields`, like the admin's search box: text fields of
    /// the model (`title`), or, prefixed with `@` (`@title`), fields of its
    /// full-text index, searched through the index (see
    /// [`search_by_names`](crate::query::search_by_names)).
    pub fn search(mut self, fields: &[&str], terms: &str) -> Result<Self> {
        let schema = M::schema();
        let indexed = schema.full_text_index();
        for name in fields {
            let known = match name.strip_prefix('@') {
                Some(name) => indexed.is_some_and(|index| index.fields.iter().any(|f| f == name)),
                None => schema.field(name).is_some_and(|f| f.kind.is_text()),
            };
            if !known {
                return Err(Error::UnknownField {
                    model: schema.label(),
                    field: (*name).to_owned(),
                });
            }
        }
        if let Some(q) = crate::query::search_by_names(schema, fields, terms) {
            self.spec.and(q);
        }
        Ok(self)
    }

    /// Replaces the ordering.
    pub fn order_by(mut self, ordering: impl IntoIterator<Item = Ordering<M>>) -> Self {
        self.spec.order = ordering.into_iter().map(|o| o.order).collect();
        self
    }

    /// Replaces the ordering with field names, `-` for descending, `__`
    /// across foreign keys: `order_by_names(&["-published_date",
    /// "author__username"])`.
    pub fn order_by_names(mut self, names: &[&str]) -> Result<Self> {
        let schema = M::schema();
        self.spec.order = names
            .iter()
            .map(|name| {
                let (descending, field) = match name.strip_prefix('-') {
                    Some(rest) => (true, rest),
                    None => (false, *name),
                };
                let across = super::path::field_path(schema, field)?;
                Ok(OrderBy {
                    field: across.field,
                    descending,
                    path: across.path,
                })
            })
            .collect::<Result<_>>()?;
        Ok(self)
    }

    /// Reverses the ordering.
    pub fn reverse(mut self) -> Self {
        for order in &mut self.spec.order {
            order.descending = !order.descending;
        }
        self
    }

    /// At most `n` rows.
    pub fn limit(mut self, n: i64) -> Self {
        self.spec.limit = Some(n.max(0));
        self
    }

    /// Skips the first `n` rows.
    pub fn offset(mut self, n: i64) -> Self {
        self.spec.offset = Some(n.max(0));
        self
    }

    /// Loads the target of a foreign key with the rows, in the same query
    /// (a join): `select_related(Article::AUTHOR)`, then
    /// `article.author.get()`. Given a chain of keys
    /// (`Article::AUTHOR.then(User::TEAM)`, Django's `"author__team"`),
    /// every target along it is loaded, the whole query then being one
    /// statement with a `LEFT JOIN` per key followed.
    ///
    /// ```
    /// # fn main() -> orm_core::Result<()> {
    /// use orm_core::prelude::*;
    ///
    /// #[derive(Model, Debug, Clone)]
    /// #[model(app_label = "docs_deep")]
    /// pub struct Team {
    ///     pub id: i64,
    ///     #[field(max_length = 20)]
    ///     pub name: String,
    /// }
    ///
    /// #[derive(Model, Debug, Clone)]
    /// #[model(app_label = "docs_deep")]
    /// pub struct Author {
    ///     pub id: i64,
    ///     #[field(on_delete = SetNull)]
    ///     pub team: Option<ForeignKey<Team>>,
    /// }
    ///
    /// #[derive(Model, Debug, Clone)]
    /// #[model(app_label = "docs_deep")]
    /// pub struct Book {
    ///     pub id: i64,
    ///     #[field(on_delete = Cascade)]
    ///     pub author: ForeignKey<Author>,
    /// }
    ///
    /// let db = Db::open("sqlite://:memory:")?;
    /// let mut conn = db.conn()?;
    /// orm_core::create_tables(&mut conn, &[Team::schema(), Author::schema(), Book::schema()])?;
    /// let mut team = Team { id: 0, name: "Docs".into() };
    /// team.save(&mut conn)?;
    /// let mut author = Author { id: 0, team: Some(ForeignKey::new(team.id)) };
    /// author.save(&mut conn)?;
    /// Book { id: 0, author: ForeignKey::new(author.id) }.save(&mut conn)?;
    ///
    /// let books = Book::objects().select_related(Book::AUTHOR.then(Author::TEAM)).all(&mut conn)?;
    /// let author = books[0].author.get().expect("loaded with the book");
    /// let team = author.team.as_ref().and_then(|t| t.get()).expect("loaded too");
    /// assert_eq!(team.name, "Docs");
    /// // The same by name:
    /// let named = Book::objects().select_related_by_name("author__team")?.all(&mut conn)?;
    /// assert!(named[0].author.get().is_some());
    /// # Ok(()) }
    /// ```
    pub fn select_related(mut self, path: impl IntoRelated<M>) -> Self {
        self.spec.add_related(path.into_keys());
        self
    }

    /// Like [`select_related`](Self::select_related), by name: a foreign
    /// key (`author`) or a chain of them (`author__team`).
    pub fn select_related_by_name(mut self, name: &str) -> Result<Self> {
        let keys = super::path::key_path(M::schema(), name)?;
        self.spec.add_related(keys);
        Ok(self)
    }

    /// Locks the rows the query reads until the transaction ends, so that
    /// no other transaction changes them meanwhile; `lock` says what to do
    /// with a row another transaction holds. Only inside a transaction
    /// ([`Error::TransactionRequired`] otherwise); on SQLite, whose
    /// transactions hold the whole database, it changes nothing.
    ///
    /// ```
    /// # fn main() -> orm_core::Result<()> {
    /// use orm_core::prelude::*;
    /// use orm_core::query::Lock;
    ///
    /// #[derive(Model, Debug, Clone)]
    /// #[model(app_label = "docs")]
    /// pub struct Seat {
    ///     pub id: i64,
    ///     pub taken: bool,
    /// }
    ///
    /// let db = Db::open("sqlite://:memory:")?;
    /// let mut conn = db.conn()?;
    /// orm_core::create_tables(&mut conn, &[Seat::schema()])?;
    /// Seat { id: 0, taken: false }.save(&mut conn)?;
    /// orm_core::atomic(&mut conn, |conn| {
    ///     let free = Seat::objects().filter(Seat::TAKEN.eq(false)).select_for_update(Lock::SkipLocked);
    ///     for mut seat in free.limit(1).all(conn)? {
    ///         seat.taken = true;
    ///         seat.save(conn)?;
    ///     }
    ///     Ok(())
    /// })?;
    /// assert!(Seat::objects().select_for_update(Lock::Wait).all(&mut conn).is_err());
    /// # Ok(()) }
    /// ```
    pub fn select_for_update(mut self, lock: super::Lock) -> Self {
        self.spec.lock = Some(lock);
        self
    }

    /// Every matching row.
    pub fn all(&self, conn: &mut AnyConnection) -> Result<Vec<M>> {
        load::<M>(conn, &self.spec)
    }

    /// The first matching row in the query's ordering (by primary key when
    /// unordered).
    pub fn first(&self, conn: &mut AnyConnection) -> Result<Option<M>> {
        let spec = self.spec.first_row(M::schema());
        Ok(load::<M>(conn, &spec)?.pop())
    }

    /// The one matching row: [`Error::NotFound`] when none,
    /// [`Error::MultipleReturned`] when several. Like Django's `get()`, it
    /// drops the ordering, which cannot change one row.
    pub fn get(&self, conn: &mut AnyConnection) -> Result<M> {
        let mut spec = self.spec.clone();
        spec.order.clear();
        spec.limit = Some(2);
        spec.offset = None;
        let mut rows = load::<M>(conn, &spec)?;
        match rows.len() {
            0 => Err(Error::NotFound {
                model: M::schema().name.to_string(),
            }),
            1 => Ok(rows.remove(0)),
            _ => Err(Error::MultipleReturned {
                model: M::schema().name.to_string(),
                count: self.count(conn)?,
            }),
        }
    }

    /// The row with primary key `pk`.
    pub fn get_pk(&self, conn: &mut AnyConnection, pk: M::Pk) -> Result<M> {
        let mut spec = self.spec.clone();
        spec.and(Q::Condition(Condition {
            field: M::schema().pk_index(),
            lookup: Lookup::Exact,
            operand: Operand::One(pk.to_value()),
        }));
        QuerySet::<M>::from_spec(spec).get(conn)
    }

    /// How many rows match (ignores limit and offset, as `COUNT(*)` does
    /// over the whole filter).
    pub fn count(&self, conn: &mut AnyConnection) -> Result<i64> {
        M::__count(conn, &self.spec)
    }

    /// Whether any row matches: the key of one row is read, nothing more.
    pub fn exists(&self, conn: &mut AnyConnection) -> Result<bool> {
        let mut one = self.clone();
        one.spec.limit = Some(1);
        one.spec.offset = None;
        one.spec.order.clear();
        one.spec.select_related.clear();
        let key = M::schema().pk().name.to_string();
        Ok(!one.values(&[key.as_str()])?.all(conn)?.is_empty())
    }

    /// An aggregate over one field of the matching rows; `Null` when no row
    /// matches (except `Count`, which is then 0).
    pub fn aggregate<T: FieldType>(
        &self,
        conn: &mut AnyConnection,
        aggregate: Aggregate,
        field: Field<M, T>,
    ) -> Result<Value> {
        M::__aggregate(conn, &self.spec, field.index(), aggregate)
    }

    /// Sets fields of every matching row in one statement; returns how many
    /// rows changed. Values are checked against the fields' schema first.
    ///
    /// An assignment may be computed from the row
    /// ([`set_to`](Field::set_to) with [`F`](super::F)); the statement is
    /// then written here rather than by the model's generated update.
    pub fn update(&self, conn: &mut AnyConnection, values: Vec<Assignment<M>>) -> Result<usize> {
        let schema = M::schema();
        let mut errors = crate::validation::ValidationErrors::new();
        if values.iter().any(|a| a.computed.is_some()) {
            for a in values.iter().filter(|a| a.computed.is_none()) {
                let field = &schema.fields[a.field];
                if let Err(message) = crate::validation::validate_value(field, &a.value) {
                    errors.add(field.name.to_string(), message);
                }
            }
            errors.into_result()?;
            let sets = values
                .into_iter()
                .map(|a| {
                    let tree = a.computed.unwrap_or(super::lookup::Tree::Constant(a.value));
                    (a.field, tree)
                })
                .collect();
            let condition = match crate::query::compile::write_filter::<M>(conn, &self.spec)? {
                Some(q) => Some(M::__condition(&q)?),
                None => None,
            };
            return super::expressions::ComputedUpdate::new(schema, sets, condition)?
                .execute(conn)
                .map_err(|e| e.for_model(schema));
        }
        let pairs: Vec<(usize, Value)> = values.into_iter().map(|a| (a.field, a.value)).collect();
        for (field, value) in &pairs {
            let field = &schema.fields[*field];
            if let Err(message) = crate::validation::validate_value(field, value) {
                errors.add(field.name.to_string(), message);
            }
        }
        errors.into_result()?;
        if pairs.is_empty() {
            return Ok(0);
        }
        M::__update(conn, &self.spec, &pairs).map_err(|e| e.for_model(schema))
    }

    /// Deletes every matching row, applying the `on_delete` rule of every
    /// foreign key pointing at them, in one transaction. Returns how many
    /// rows were deleted in all.
    pub fn delete(&self, conn: &mut AnyConnection) -> Result<usize> {
        crate::deletion::delete_cascading(conn, M::schema(), &self.spec)
    }

    /// Loads the matching rows with, for each, the rows of model `C` whose
    /// foreign key `fk` points at it: two queries in all, however many rows.
    /// [`prefetch`](Self::prefetch) takes a query for the children, and
    /// nests.
    pub fn prefetch_related<C: Model>(
        &self,
        conn: &mut AnyConnection,
        fk: Field<C, ForeignKey<M>>,
    ) -> Result<Vec<(M, Vec<C>)>>
    where
        M: Model<Pk = i64>,
    {
        self.clone().prefetch(fk, C::objects()).all(conn)
    }

    /// One page of the matching rows, Django's `Paginator.page()`.
    pub fn paginate(
        &self,
        conn: &mut AnyConnection,
        page: &str,
        per_page: i64,
    ) -> Result<crate::pagination::Page<M>> {
        crate::pagination::paginate(self, conn, page, per_page)
    }
}

/// A new value for one field, for [`QuerySet::update`]:
/// `Article::IS_PUBLISHED.set(true)`.
#[derive(Debug, Clone, PartialEq)]
pub struct Assignment<M> {
    field: usize,
    value: Value,
    /// Computed by the database instead (`F(field) + 1`).
    computed: Option<super::lookup::Tree>,
    _marker: PhantomData<fn() -> M>,
}

impl<M> Assignment<M> {
    /// `field` set to what `tree` computes.
    pub(crate) fn computed(field: usize, tree: super::lookup::Tree) -> Assignment<M> {
        Assignment {
            field,
            value: Value::Null,
            computed: Some(tree),
            _marker: PhantomData,
        }
    }
}

impl<M: Model, T: FieldType> Field<M, T> {
    /// Sets this field to what `expr` computes from the row, in the update
    /// statement itself: `Page::VIEWS.set_to(F(Page::VIEWS) + 1)`,
    /// `Tag::NAME.set_to(Lower(F(Tag::NAME)))`.
    pub fn set_to(self, expr: super::expressions::Expr<M, T>) -> Assignment<M> {
        Assignment::computed(self.index(), expr.into_tree())
    }
}

impl<M: Model, T: FieldType> Field<M, T> {
    /// Sets this field to `value` in an update.
    pub fn set(self, value: impl Into<T>) -> Assignment<M> {
        Assignment {
            field: self.index(),
            value: value.into().to_value(),
            computed: None,
            _marker: PhantomData,
        }
    }
}

/// The rows of `spec` (locked first when it asks for it: see `__load`).
fn load<M: Model>(conn: &mut AnyConnection, spec: &QuerySpec) -> Result<Vec<M>> {
    M::__load(conn, spec).map_err(|e| e.for_model(M::schema()))
}
