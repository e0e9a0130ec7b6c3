//! How the admin presents a model: the options of `#[admin(...)]`, written
//! once on the model beside `#[model(...)]`, like Django's `ModelAdmin`.
//!
//! The derive checks every name at compile time (fields, methods, action
//! functions) and emits one static [`AdminOptions`] per model. The admin
//! crate reads it with the schema IR; nothing else describes the model.
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
use crate::query::QuerySpec;

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
    /// From how many rows the changelist of the whole table (no filter, no
    /// search) shows the count the database's statistics estimate
    /// (PostgreSQL's `pg_class`, MySQL's `information_schema.TABLES`,
    /// SQLite's `sqlite_stat1` after `ANALYZE`) instead of counting every
    /// row, as `COUNT(*)` does. Below it, and where the database has no
    /// statistics, rows are counted. Default 500,000 (about where
    /// PostgreSQL's `COUNT(*)` takes longer than the rest of the page).
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
        estimate_count_above: 500_000,
        readonly_fields: &[],
        fields: &[],
        exclude: &[],
        raw_id_fields: &[],
        autocomplete_fields: &[],
        date_hierarchy: None,
        prepopulated_fields: &[],
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
    pub values: Vec<crate::value::Value>,
    /// The object's `Display` (Django's `__str__`), or `Name object (pk)`.
    pub repr: String,
    /// For each field (schema order): the `Display` of the foreign-key
    /// target when it was loaded with `select_related`.
    pub related: Vec<Option<String>>,
    /// The text of each requested method column, in request order.
    pub methods: Vec<String>,
}
