//! `#[derive(Form)]`: a form of its own, described by the same field IR
//! as a model (a schema without a table), its values read and written
//! like a model's, and its validators and `clean` run the same way.

use proc_macro2::TokenStream;
use quote::quote;

use super::*;
use crate::admin_attr;
use crate::attr;
use crate::check::check_field;

/// Field attributes that describe the database, not a form.
const DATABASE_ONLY: &[&str] = &[
    "primary_key",
    "unique",
    "index",
    "db_column",
    "on_delete",
    "related_name",
    "auto_now",
    "auto_now_add",
    "editable",
];

/// `#[derive(Form)]`.
pub(crate) fn derive_form(input: &syn::DeriveInput) -> syn::Result<TokenStream> {
    let cx = Ctxt::default();
    let cont = form_container(&cx, input);
    if let Some(cont) = &cont {
        for field in &cont.fields {
            check_field(&cx, field);
            check_form_field(&cx, field);
        }
    }
    cx.check()?;
    let Some(cont) = cont else {
        return Err(syn::Error::new_spanned(&input.ident, "cannot derive Form"));
    };
    let form = Model {
        cont: &cont,
        orm: orm_path(),
        app_label: String::new(),
        table: String::new(),
        pk: usize::MAX,
        auto_pk: false,
    };
    Ok(form.form_expand())
}

fn form_container<'a>(cx: &Ctxt, input: &'a syn::DeriveInput) -> Option<Container<'a>> {
    if !input.generics.params.is_empty() {
        cx.error_spanned_by(
            &input.generics,
            "a form cannot be generic\nhelp: remove the parameters",
        );
    }
    let syn::Data::Struct(syn::DataStruct {
        fields: syn::Fields::Named(named),
        ..
    }) = &input.data
    else {
        cx.error_spanned_by(
            &input.ident,
            "#[derive(Form)] needs a struct with named fields\nhelp: name the fields, as in `struct Contact { pub subject: String, ... }`",
        );
        return None;
    };
    let fields: Vec<Field> = named
        .named
        .iter()
        .filter_map(|f| Field::from_ast(cx, f))
        .collect();
    Some(Container {
        ident: &input.ident,
        attrs: attr::Container::from_form_ast(cx, input),
        admin: admin_attr::Admin::from_ast(cx, input),
        fields,
        many_to_many: Vec::new(),
        vis: &input.vis,
    })
}

fn check_form_field(cx: &Ctxt, f: &Field) {
    if let TypeClass::ManyToMany(_) = f.class {
        cx.error_spanned_by(
            f.ty,
            "a form field cannot be ManyToMany\nhelp: use a ModelForm for the model's many-to-many fields",
        );
    }
    let a = &f.attrs;
    let slots = [
        a.primary_key.span(),
        a.unique.span(),
        a.index.span(),
        a.db_column.span(),
        a.on_delete.span(),
        a.related_name.span(),
        a.auto_now.span(),
        a.auto_now_add.span(),
        a.editable.span(),
    ];
    for (name, span) in DATABASE_ONLY.iter().zip(slots) {
        if let Some(span) = span {
            cx.error_at(
                span,
                format!("`{name}` describes a column, not a form field\nhelp: remove `{name}`"),
            );
        }
    }
}

impl Model<'_> {
    fn form_expand(&self) -> TokenStream {
        let orm = &self.orm;
        let ident = self.cont.ident;
        let schema = self.schema();
        let from_values = self.fields().map(|(_, f)| {
            let field = f.ident;
            let ty = f.ty;
            let name = f.name();
            quote! {
                #field: <#ty as __orm::FieldType>::from_value(values.next().unwrap_or(__orm::Value::Null))
                    .map_err(|e| __orm::Error::InvalidValue {
                        field: ::std::string::ToString::to_string(#name),
                        message: ::std::string::ToString::to_string(&e),
                    })?,
            }
        });
        let values = self.fields().map(|(_, f)| {
            let field = f.ident;
            let ty = f.ty;
            quote!(<#ty as __orm::FieldType>::to_value(&self.#field))
        });
        let clean = self.clean_body();
        quote! {
            #[allow(non_local_definitions, unused_qualifications, clippy::all)]
            const _: () = {
                use #orm::__private as __orm;
                #schema
                #[automatically_derived]
                impl __orm::Form for #ident {
                    fn schema() -> &'static __orm::ModelSchema {
                        &__SCHEMA
                    }
                    fn from_values(values: ::std::vec::Vec<__orm::Value>) -> __orm::Result<Self> {
                        let mut values = values.into_iter();
                        Ok(#ident {
                            #(#from_values)*
                        })
                    }
                    fn values(&self) -> ::std::vec::Vec<__orm::Value> {
                        ::std::vec![#(#values),*]
                    }
                    #clean
                }
            };
        }
    }
}
