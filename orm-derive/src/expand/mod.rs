//! Code generation from the checked IR, one file per generated part.

mod clean;
mod columns;
mod form;

pub(crate) use form::derive_form;

use columns::field_consts;
mod joins;
mod many_to_many;
mod model_impl;
mod related;
mod schema;
mod table;
mod writes;

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use crate::admin_expand;
use crate::ast::{Container, Field, TypeClass};
use crate::attr::DefaultLit;
use crate::case;
use crate::check;
use crate::ctxt::Ctxt;
use crate::display;

/// `#[derive(Model)]`.
pub(crate) fn derive_model(input: &syn::DeriveInput) -> syn::Result<TokenStream> {
    let cx = Ctxt::default();
    let cont = Container::from_ast(&cx, input);
    if let Some(cont) = &cont {
        check::check(&cx, cont);
    }
    cx.check()?;
    let Some(cont) = cont else {
        return Err(syn::Error::new_spanned(&input.ident, "cannot derive Model"));
    };
    Ok(Model::new(&cont)?.expand())
}

/// `#[derive(Model)]` as the compiler sees it: the expansion, or the errors
/// beside impls that make the struct a model to the type checker (as serde
/// does for a failed derive). Foreign keys to it and its field handles then
/// compile, so each mistake gives its own error and no follow-on ones.
pub(crate) fn derive_model_or_placeholder(input: &syn::DeriveInput) -> TokenStream {
    derive_model(input).unwrap_or_else(|errors| placeholder(input, &errors))
}

fn placeholder(input: &syn::DeriveInput, errors: &syn::Error) -> TokenStream {
    let errors = errors.to_compile_error();
    let is_struct = matches!(
        &input.data,
        syn::Data::Struct(syn::DataStruct {
            fields: syn::Fields::Named(_),
            ..
        })
    );
    if !input.generics.params.is_empty() || !is_struct {
        return errors;
    }
    let orm = orm_path();
    let ident = &input.ident;
    // The fields as far as they parse; their errors are already in `errors`.
    let cx = Ctxt::default();
    let cont = Container::from_ast(&cx, input);
    let _ = cx.check();
    let consts = cont.as_ref().map(|cont| field_consts(cont, &orm, true));
    quote! {
        #errors
        #orm::__private::__placeholder_model!(#ident);
        #consts
    }
}

/// The path of orm-core as the user's crate names it.
pub(crate) fn orm_path() -> TokenStream {
    use proc_macro_crate::{crate_name, FoundCrate};
    // The crate itself, or through the `orm` facade when a project
    // depends on that alone.
    match (crate_name("orm-core"), crate_name("orm")) {
        (Ok(FoundCrate::Name(name)), _) => {
            let ident = format_ident!("{}", name);
            quote!(::#ident)
        }
        (Err(_), Ok(FoundCrate::Name(facade))) => {
            let facade = format_ident!("{}", facade);
            quote!(::#facade::__reexports::orm_core)
        }
        _ => quote!(::orm_core),
    }
}

struct Model<'a> {
    cont: &'a Container<'a>,
    orm: TokenStream,
    app_label: String,
    table: String,
    pk: usize,
    auto_pk: bool,
}

impl<'a> Model<'a> {
    fn new(cont: &'a Container<'a>) -> syn::Result<Self> {
        let app_label = cont.attrs.app_label.value().unwrap_or_else(|| {
            std::env::var("CARGO_CRATE_NAME")
                .or_else(|_| std::env::var("CARGO_PKG_NAME"))
                .unwrap_or_else(|_| "app".to_owned())
                .replace('-', "_")
        });
        let table =
            cont.attrs.table.value().unwrap_or_else(|| {
                format!("{}_{}", app_label, cont.ident.to_string().to_lowercase())
            });
        let pk = cont
            .fields
            .iter()
            .position(|f| f.attrs.primary_key.is_set())
            .or_else(|| cont.fields.iter().position(|f| f.name() == "id"))
            .ok_or_else(|| syn::Error::new_spanned(cont.ident, "a model needs a primary key"))?;
        let pk_field = &cont.fields[pk];
        let auto_pk = pk_field.class.is_integer() && !pk_field.attrs.default.is_set();
        Ok(Model {
            cont,
            orm: orm_path(),
            app_label,
            table,
            pk,
            auto_pk,
        })
    }

    fn expand(&self) -> TokenStream {
        let orm = &self.orm;
        let ident = self.cont.ident;
        let table_module = self.table_module();
        let schema = self.schema();
        let model_impl = self.model_impl();
        let queryable = self.queryable();
        let queryable_by_name = self.queryable_by_name();
        let columns = self.columns();
        let join_target = self.join_target();
        let joins = self.joins();
        let field_consts = self.field_consts();
        let join_models = self.join_models();
        let related_accessors = self.related_accessors();
        let admin = admin_expand::items(self.cont, orm);
        let admin_model =
            admin_expand::admin_model_impl(self.cont, orm, self.load_with_reprs(), self.choices());
        let display = display::display_impl(self.cont);
        quote! {
            #field_consts
            #join_models
            #related_accessors

            #[allow(non_local_definitions, unused_qualifications, clippy::all)]
            const _: () = {
                use #orm::__private as __orm;
                #table_module
                #schema
                #queryable
                #queryable_by_name
                #columns
                #join_target
                #joins
                #model_impl
                #admin
                #admin_model
                #display
                __orm::inventory::submit! {
                    __orm::RegisteredModel { ops: __orm::ModelOps::of::<#ident>() }
                }
                __orm::inventory::submit! {
                    __orm::RegisteredAdmin { ops: __orm::AdminOps::of::<#ident>() }
                }
            };
        }
    }

    /// `__orm_table::<column>` for every column field, in schema order.
    fn column_paths(&self) -> Vec<TokenStream> {
        self.cont
            .fields
            .iter()
            .map(|f| {
                let c = f.ident;
                quote!(__orm_table::#c)
            })
            .collect()
    }

    fn fields(&self) -> impl Iterator<Item = (usize, &Field<'a>)> {
        self.cont.fields.iter().enumerate()
    }

    /// Fields written on insert when the database assigns the key.
    fn non_pk_fields(&self) -> impl Iterator<Item = (usize, &Field<'a>)> {
        let pk = self.pk;
        self.fields().filter(move |(i, _)| *i != pk)
    }
}
