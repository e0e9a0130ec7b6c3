//! How the admin presents a model: the options of `#[admin(...)]`, written
//! once on the model beside `#[model(...)]`, like Django's `ModelAdmin`.
//!
//! The derive checks every name at compile time (fields, methods, action
//! functions) and emits one static [`AdminOptions`] per model and an
//! [`AdminModel`] impl: what the admin lists objects with, kept out of the
//! [`Model`] trait. The admin crate reads them with the schema IR; nothing
//! else describes the model.
//!
//! They live here rather than in the admin crate because models below the
//! admin in the crate graph (users and groups) derive them too.
//!
//! ```ignore
//! #[derive(Model, Clone)]
//! #[admin(
//!     list_display = ["title", "author", "published_date", "is_published"],
//!     list_filter = ["is_published", "published_date"],
//!     search_fields = ["title"],
//!     prepopulated_fields(slug = ["title"]),
//!     actions = [publish],
//! )]
//! pub struct Article { /* ... */ }
//! ```

use crate::db::AnyConnection;
use crate::error::Result;
use crate::model::Model;
use crate::query::QuerySpec;
use crate::registry::{find_by_label, sorted_by_label, ModelOps};
use crate::value::Value;

/// The admin options of one model. Every list holds field names (or, in
/// `list_display`, method names) checked by the derive.
#[derive(Debug, Clone, Copy)]
pub struct AdminOptions {
    /// The model carries `#[admin(...)]`: the admin lists it without an
    /// explicit registration.
    pub registered: bool,
    /// Changelist columns: field names or names of methods `fn(&self) ->
    /// impl Display`. Empty: one column with the object's `Display`.
    pub list_display: &'static [&'static str],
    /// Columns linking to the change form. Empty: the first column.
    pub list_display_links: &'static [&'static str],
    /// Fields offered in the filter sidebar (booleans, choices, foreign
    /// keys, dates).
    pub list_filter: &'static [&'static str],
    /// Fields the search box matches, case-insensitively; every word must
    /// match one of them.
    pub search_fields: &'static [&'static str],
    /// The changelist's default ordering (`-` for descending). Empty: the
    /// model's `ordering`, then the primary key descending.
    pub ordering: &'static [&'static str],
    /// Rows per changelist page.
    pub list_per_page: i64,
    /// From how many rows the changelist shows the count the database's
    /// statistics estimate instead of counting every row, as `COUNT(*)`
    /// does: for the whole table, the table's size (PostgreSQL's
    /// `pg_class`, MySQL's `information_schema.TABLES`, SQLite's
    /// `sqlite_stat1` after `ANALYZE`); filtered by the sidebar, the query
    /// planner's expectation (`EXPLAIN`; PostgreSQL, MariaDB and MySQL).
    /// Below it, for a search, and where the database has no statistics,
    /// rows are counted. Default 10,000 (about where PostgreSQL's
    /// `COUNT(*)` takes as long as the rest of the page).
    pub estimate_count_above: i64,
    /// Fields shown but not editable in the change form.
    pub readonly_fields: &'static [&'static str],
    /// The form's fields, in order. Empty: every editable field.
    pub fields: &'static [&'static str],
    /// Fields left out of the form.
    pub exclude: &'static [&'static str],
    /// Foreign keys edited as a raw id input (for large tables).
    pub raw_id_fields: &'static [&'static str],
    /// Foreign keys edited with a search-as-you-type input.
    pub autocomplete_fields: &'static [&'static str],
    /// A date field to drill down by year, month and day.
    pub date_hierarchy: Option<&'static str>,
    /// Fields filled from others while typing: `(slug, ["title"])`.
    pub prepopulated_fields: &'static [(&'static str, &'static [&'static str])],
    /// `fieldsets`: the change form in sections (empty: one section of
    /// every field).
    pub fieldsets: &'static [Fieldset],
    /// `save_as`: the change form offers "Save as new", which adds a copy
    /// (Django's `save_as`).
    pub save_as: bool,
    /// `view_on_site`: the object's address on the site, fields in braces
    /// (`/articles/{slug}/`); the change form links to it.
    pub view_on_site: Option<&'static str>,
    /// Bulk actions offered on the changelist besides "Delete selected".
    pub actions: &'static [AdminAction],
}

impl AdminOptions {
    /// The options of a model without `#[admin(...)]`.
    pub const DEFAULT: AdminOptions = AdminOptions {
        registered: false,
        list_display: &[],
        list_display_links: &[],
        list_filter: &[],
        search_fields: &[],
        ordering: &[],
        list_per_page: 100,
        estimate_count_above: 10_000,
        readonly_fields: &[],
        fields: &[],
        exclude: &[],
        raw_id_fields: &[],
        autocomplete_fields: &[],
        date_hierarchy: None,
        prepopulated_fields: &[],
        fieldsets: &[],
        save_as: false,
        view_on_site: None,
        actions: &[],
    };
}

impl Default for AdminOptions {
    fn default() -> Self {
        AdminOptions::DEFAULT
    }
}

/// A bulk action: a function over the selected rows.
///
/// Written by the user as `fn publish(conn: &mut AnyConnection, rows:
/// QuerySet<Article>) -> orm_core::Result<usize>` (returning how many rows it
/// changed) and named in `actions = [publish]`.
#[derive(Clone, Copy)]
pub struct AdminAction {
    /// The function's name, sent by the changelist form.
    pub name: &'static str,
    /// What the action menu shows, e.g. `Publish selected articles`.
    pub description: &'static str,
    /// Runs the action on the rows of a query.
    pub run: fn(&mut AnyConnection, &QuerySpec) -> Result<usize>,
}

impl std::fmt::Debug for AdminAction {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "AdminAction({})", self.name)
    }
}

/// One object as the admin lists it: its values, its `Display`, the
/// `Display` of the foreign-key targets loaded with it and the text of the
/// requested method columns.
#[derive(Debug, Clone, PartialEq)]
pub struct ObjectRow {
    /// Every field's value, in schema order.
    pub values: Vec<Value>,
    /// The object's `Display` (Django's `__str__`), or `Name object (pk)`.
    pub repr: String,
    /// For each field (schema order): the `Display` of the foreign-key
    /// target when it was loaded with `select_related`.
    pub related: Vec<Option<String>>,
    /// The text of each requested method column, in request order.
    pub methods: Vec<String>,
}

/// What the admin lists a model's objects with. Implemented by
/// `#[derive(Model)]` for every model: `#[admin(...)]` fills in the options
/// and the `list_display` method columns; without it the defaults apply.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a model",
    label = "not a model",
    note = "add `#[derive(Model)]` to `{Self}`"
)]
pub trait AdminModel: Model {
    /// The options of `#[admin(...)]` (the defaults without it).
    fn admin_options() -> &'static AdminOptions {
        &AdminOptions::DEFAULT
    }

    /// The text of a `list_display` method column, `None` for other names.
    #[doc(hidden)]
    fn __admin_method(&self, _name: &str) -> Option<String> {
        None
    }

    /// The `to_repr` of the foreign-key target of field `field`, when it was
    /// loaded with the object.
    #[doc(hidden)]
    fn __related_repr(&self, _field: usize) -> Option<String> {
        None
    }

    /// The rows of `spec`, each with the `to_repr` of the target of the
    /// first `select_related` field (read through a join of only the
    /// columns that text needs, when the derive can).
    #[doc(hidden)]
    fn __load_with_reprs(
        conn: &mut AnyConnection,
        spec: &QuerySpec,
    ) -> Result<Vec<(Self, Option<String>)>> {
        load_with_loaded_reprs(conn, spec)
    }

    /// Each row's key and `to_repr`, for a choice of rows (a foreign key's
    /// select, autocomplete): read through only the columns `to_repr`
    /// needs, when the derive can.
    #[doc(hidden)]
    fn __choices(conn: &mut AnyConnection, spec: &QuerySpec) -> Result<Vec<(Value, String)>> {
        Ok(Self::__load(conn, spec)?
            .into_iter()
            .map(|row| (crate::value::FieldType::to_value(row.pk()), row.to_repr()))
            .collect())
    }
}

/// Loads rows for display: [`AdminOps::rows`].
pub type RowsFn = fn(&mut AnyConnection, &QuerySpec, &[&str]) -> Result<Vec<ObjectRow>>;

/// Loads keys and texts for a choice: [`AdminOps::choices`].
pub type ChoicesFn = fn(&mut AnyConnection, &QuerySpec) -> Result<Vec<(Value, String)>>;

/// A model's operations as the admin uses them, without its type.
#[derive(Clone, Copy)]
pub struct AdminOps {
    /// The model's own operations.
    pub model: ModelOps,
    /// The `#[admin(...)]` options.
    pub options: fn() -> &'static AdminOptions,
    /// The matching rows as the admin shows them, with the text of the named
    /// method columns.
    pub rows: RowsFn,
    /// The matching rows' keys and texts, for a choice among them.
    pub choices: ChoicesFn,
    /// How many matching rows hold each value of a field (by name, across
    /// keys too): a filter's counts.
    pub facets: FacetsFn,
}

/// A section of the change form (Django's `fieldsets` entry).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Fieldset {
    /// Its heading; empty for none.
    pub name: &'static str,
    /// Its fields, in order.
    pub fields: &'static [&'static str],
    /// Shown folded, to be opened (Django's `collapse` class).
    pub collapse: bool,
}

/// The matching rows counted by the values of one field: `(value, rows)`.
pub type FacetsFn = fn(&mut AnyConnection, &QuerySpec, &str) -> Result<Vec<(Value, i64)>>;

/// [`FacetsFn`] of model `M`: one grouped count, in no particular order.
fn facets_of<M: Model>(
    conn: &mut AnyConnection,
    spec: &QuerySpec,
    name: &str,
) -> Result<Vec<(Value, i64)>> {
    let spec = QuerySpec {
        order: Vec::new(),
        limit: None,
        offset: None,
        ..spec.clone()
    };
    let rows = crate::query::QuerySet::<M>::from_spec(spec)
        .values(&[name])?
        .annotate("n", crate::query::Agg::count_rows())?
        .all(conn)?;
    Ok(rows
        .into_iter()
        .map(|row| {
            let mut values = row.into_values().into_iter();
            let value = values.next().unwrap_or(Value::Null);
            let count = values.next().and_then(|n| n.as_i64()).unwrap_or(0);
            (value, count)
        })
        .collect())
}

impl std::fmt::Debug for AdminOps {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "AdminOps({})", (self.model.schema)().label())
    }
}

impl AdminOps {
    /// The admin operations of model `M`.
    pub const fn of<M: AdminModel>() -> AdminOps {
        AdminOps {
            model: ModelOps::of::<M>(),
            options: M::admin_options,
            rows: rows_of::<M>,
            choices: M::__choices,
            facets: facets_of::<M>,
        }
    }

    /// The schema IR.
    pub fn schema(&self) -> &'static crate::schema::ModelSchema {
        (self.model.schema)()
    }

    /// `(key, text)` of the model's first `limit` rows in its default
    /// order, reading only the key and the columns of its text where it
    /// can: the choices of a `<select>`.
    pub fn choice_rows(
        &self,
        conn: &mut AnyConnection,
        limit: i64,
    ) -> Result<Vec<(String, String)>> {
        let spec = QuerySpec {
            order: QuerySpec::default_order(self.schema()),
            limit: Some(limit),
            ..QuerySpec::default()
        };
        Ok((self.choices)(conn, &spec)?
            .into_iter()
            .map(|(key, text)| (key.to_string(), text))
            .collect())
    }
}

/// The admin operations of a foreign key's target, by the field's schema.
pub fn key_target(field: &crate::schema::FieldSchema) -> Option<AdminOps> {
    let (app, model) = field.foreign_key.as_ref()?.to.split_once('.')?;
    find_admin(app, model)
}

/// The message beside a foreign key that names no row (Django's).
pub const INVALID_CHOICE: &str =
    "Select a valid choice. That choice is not one of the available choices.";

/// Whether `value` of foreign key `field` names a row of its target (also
/// when it is NULL, or the target is not known).
pub fn names_a_row(
    conn: &mut AnyConnection,
    field: &crate::schema::FieldSchema,
    value: &Value,
) -> Result<bool> {
    let Some(target) = key_target(field).filter(|_| !value.is_null()) else {
        return Ok(true);
    };
    let spec = QuerySpec::for_pk(target.schema(), value.clone());
    Ok((target.model.count)(conn, &spec)? > 0)
}

/// One model's admin operations; the derive submits one per model.
#[derive(Debug)]
pub struct RegisteredAdmin {
    /// The model's admin operations.
    pub ops: AdminOps,
}

inventory::collect!(RegisteredAdmin);

/// Every model linked into the program with its admin operations, in a
/// stable order (by label).
pub fn registered_admins() -> Vec<AdminOps> {
    admins_by_label().to_vec()
}

fn admins_by_label() -> &'static [AdminOps] {
    static ADMINS: std::sync::OnceLock<Vec<AdminOps>> = std::sync::OnceLock::new();
    ADMINS.get_or_init(|| {
        sorted_by_label(
            inventory::iter::<RegisteredAdmin>
                .into_iter()
                .map(|m| m.ops),
            AdminOps::schema,
        )
    })
}

/// The admin operations of the model with label `app_label.Name`
/// (case-insensitive on the name, as in URLs: `blog.article`).
pub fn find_admin(app_label: &str, model_name: &str) -> Option<AdminOps> {
    find_by_label(admins_by_label(), AdminOps::schema, app_label, model_name)
}

/// `AdminModel::__load_with_reprs` through whole targets: the rows with
/// their targets loaded, and the first target's `to_repr`.
#[doc(hidden)]
pub fn load_with_loaded_reprs<M: AdminModel>(
    conn: &mut AnyConnection,
    spec: &QuerySpec,
) -> Result<Vec<(M, Option<String>)>> {
    let first = spec.select_related.first().copied();
    Ok(M::__load(conn, spec)?
        .into_iter()
        .map(|row| {
            let text = first.and_then(|field| row.__related_repr(field));
            (row, text)
        })
        .collect())
}

fn rows_of<M: AdminModel>(
    conn: &mut AnyConnection,
    spec: &QuerySpec,
    methods: &[&str],
) -> Result<Vec<ObjectRow>> {
    let fields = M::schema().fields.len();
    let first = spec.select_related.first().copied();
    Ok(M::__load_with_reprs(conn, spec)?
        .into_iter()
        .map(|(object, text)| {
            // The first target's text moves in; the others come from the
            // targets loaded with the object.
            let mut text = Some(text);
            let related = (0..fields)
                .map(|i| match first {
                    Some(first) if first == i => text.take().flatten(),
                    _ => object.__related_repr(i),
                })
                .collect();
            ObjectRow {
                values: object.values(),
                repr: object.to_repr(),
                related,
                methods: methods
                    .iter()
                    .map(|name| object.__admin_method(name).unwrap_or_default())
                    .collect(),
            }
        })
        .collect())
}
