//! `#[derive(Model)]` and `#[derive(Choices)]`: the compile-time half of
//! orm-core. Use them through `orm_core::prelude`.
//!
//! The derive parses the struct and its attributes into its own IR
//! (`ast`), checks them all at once (`check`), reporting every mistake at
//! its span, and only then generates code (`expand`). `#[admin(...)]` has
//! the same three steps in `admin_attr`, `admin_check` and
//! `admin_expand`.

#![cfg_attr(test, allow(clippy::unwrap_used))]

mod admin_attr;
mod admin_check;
mod admin_expand;
mod ast;
mod attr;
mod case;
mod check;
mod choices;
mod constraint_attr;
mod constraint_check;
mod ctxt;
mod display;
mod expand;
#[cfg(test)]
mod expansion_snapshot;
mod items;
mod symbol;
#[cfg(test)]
mod tests;

use proc_macro::TokenStream;

/// Makes a plain struct a database model: schema IR, diesel table, row
/// conversions, typed field handles and by-name operations; with
/// `#[admin(...)]`, also how the admin presents it
/// (`orm_core::model_admin::AdminOptions`).
///
/// The attributes, with the field types and examples, are described in the
/// `orm` crate's documentation, module `orm::attributes`:
///
/// - `#[model(...)]`: `table`, `app_label`, `verbose_name`,
///   `verbose_name_plural`, `display`, `ordering`, `indexes`,
///   `unique_together`.
/// - `#[field(...)]`: `primary_key`, `max_length`, `text`, `slug`, `email`,
///   `url`, `choices`, `unique`, `index`, `default`, `auto_now`,
///   `auto_now_add`, `max_digits`, `decimal_places`, `on_delete`,
///   `related_name`, `db_column`, `verbose_name`, `help_text`, `blank`,
///   `editable`.
/// - `#[admin(...)]`: `list_display`, `list_display_links`, `list_filter`,
///   `search_fields`, `ordering`, `list_per_page`, `estimate_count_above`,
///   `date_hierarchy`, `fields`, `exclude`, `readonly_fields`,
///   `raw_id_fields`, `autocomplete_fields`, `prepopulated_fields`,
///   `actions`.
#[proc_macro_derive(Model, attributes(model, field, admin))]
pub fn derive_model(input: TokenStream) -> TokenStream {
    let input = syn::parse_macro_input!(input as syn::DeriveInput);
    expand::derive_model_or_placeholder(&input).into()
}

/// Makes a struct a form of its own (`orm_core::forms::Form`): its fields
/// are read from a submitted form and checked as a model's are, with the
/// same field types and `#[field(...)]` checks (`max_length`, `email`,
/// `choices`, `validators`, `default`, `blank`, `verbose_name`,
/// `help_text`, ...); `#[form(clean)]` adds a check over the whole form
/// (`impl Clean for ...`).
#[proc_macro_derive(Form, attributes(form, field))]
pub fn derive_form(input: TokenStream) -> TokenStream {
    let input = syn::parse_macro_input!(input as syn::DeriveInput);
    expand::derive_form(&input)
        .unwrap_or_else(syn::Error::into_compile_error)
        .into()
}

/// Makes a field-less enum storable as text choices.
///
/// Each variant takes `#[choice(value = "...", label = "...")]`, both
/// optional; see module `orm::attributes` of the `orm` crate.
#[proc_macro_derive(Choices, attributes(choice))]
pub fn derive_choices(input: TokenStream) -> TokenStream {
    let input = syn::parse_macro_input!(input as syn::DeriveInput);
    choices::derive_choices(&input)
        .unwrap_or_else(syn::Error::into_compile_error)
        .into()
}
