//! Attribute names, in one place.

pub(crate) const MODEL: &str = "model";
pub(crate) const FIELD: &str = "field";
pub(crate) const FORM: &str = "form";
pub(crate) const CHOICE: &str = "choice";
pub(crate) const ADMIN: &str = "admin";

/// Model attributes, for the "unknown attribute" help line.
pub(crate) const MODEL_ATTRS: &[&str] = &[
    "table",
    "display",
    "app_label",
    "ordering",
    "indexes",
    "full_text",
    "unique_together",
    "constraints",
    "verbose_name",
    "verbose_name_plural",
    "clean",
];

/// Field attributes, for the "unknown attribute" help line.
pub(crate) const FIELD_ATTRS: &[&str] = &[
    "primary_key",
    "max_length",
    "text",
    "slug",
    "email",
    "url",
    "file",
    "image",
    "unique",
    "index",
    "default",
    "auto_now",
    "auto_now_add",
    "on_delete",
    "related_name",
    "choices",
    "verbose_name",
    "help_text",
    "blank",
    "editable",
    "db_column",
    "max_digits",
    "decimal_places",
    "through",
    "validators",
];

/// Admin attributes, for the "unknown attribute" help line.
pub(crate) const ADMIN_ATTRS: &[&str] = &[
    "list_display",
    "list_display_links",
    "list_filter",
    "search_fields",
    "ordering",
    "list_per_page",
    "estimate_count_above",
    "readonly_fields",
    "fields",
    "exclude",
    "raw_id_fields",
    "autocomplete_fields",
    "date_hierarchy",
    "prepopulated_fields",
    "actions",
    "fieldsets",
    "save_as",
    "view_on_site",
];

/// Choice attributes, for the "unknown attribute" help line.
pub(crate) const CHOICE_ATTRS: &[&str] = &["value", "label"];

/// `on_delete` rules.
pub(crate) const ON_DELETE: &[&str] = &["Cascade", "Protect", "SetNull", "Restrict", "DoNothing"];
