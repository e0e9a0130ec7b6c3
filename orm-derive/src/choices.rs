//! `#[derive(Choices)]`: a field-less enum stored as text.

use proc_macro2::TokenStream;
use quote::quote;

use crate::ctxt::Ctxt;
use crate::expand::orm_path;
use crate::{attr, case, check};

pub(crate) fn derive_choices(input: &syn::DeriveInput) -> syn::Result<TokenStream> {
    let cx = Ctxt::default();
    let syn::Data::Enum(data) = &input.data else {
        return Err(syn::Error::new_spanned(
            &input.ident,
            "#[derive(Choices)] needs an enum with unit variants",
        ));
    };
    let mut variants = Vec::new();
    let mut values = Vec::new();
    for variant in &data.variants {
        let attrs = attr::Variant::from_ast(&cx, variant);
        let value = attrs
            .value
            .value()
            .unwrap_or_else(|| case::camel_to_snake(&variant.ident.to_string()));
        let label = attrs
            .label
            .value()
            .unwrap_or_else(|| case::camel_to_label(&variant.ident.to_string()));
        let span = attrs
            .value
            .value_span()
            .unwrap_or_else(|| variant.ident.span());
        values.push((value.clone(), span));
        variants.push((&variant.ident, value, label));
    }
    check::check_choices(&cx, input, data, &values);
    cx.check()?;
    let orm = orm_path();
    let ident = &input.ident;
    let choices = variants.iter().map(|(_, value, label)| {
        quote!(#orm::schema::Choice { value: ::std::borrow::Cow::Borrowed(#value), label: ::std::borrow::Cow::Borrowed(#label) })
    });
    let as_str = variants
        .iter()
        .map(|(v, value, _)| quote!(#ident::#v => #value,));
    let from_str = variants
        .iter()
        .map(|(v, value, _)| quote!(#value => Some(#ident::#v),));
    Ok(quote! {
        #[automatically_derived]
        impl #orm::Choices for #ident {
            const CHOICES: &'static [#orm::schema::Choice] = &[#(#choices),*];
            fn as_str(&self) -> &'static str {
                match self { #(#as_str)* }
            }
            fn from_str_value(value: &str) -> Option<Self> {
                match value {
                    #(#from_str)*
                    _ => None,
                }
            }
        }

        #[automatically_derived]
        impl #orm::FieldType for #ident {
            type Sql = #orm::__private::diesel::sql_types::Text;
            type Db = String;
            const KIND: #orm::schema::FieldKind = #orm::schema::FieldKind::Char;
            const CHOICES: &'static [#orm::schema::Choice] = <Self as #orm::Choices>::CHOICES;

            fn to_db(&self) -> String {
                #orm::Choices::as_str(self).to_owned()
            }
            fn from_db(db: String) -> #orm::__private::diesel::deserialize::Result<Self> {
                <Self as #orm::Choices>::from_str_value(&db)
                    .ok_or_else(|| format!("`{db}` is not a choice of {}", stringify!(#ident)).into())
            }
            fn to_value(&self) -> #orm::Value {
                #orm::Value::Text(#orm::Choices::as_str(self).to_owned())
            }
            fn from_value(value: #orm::Value) -> ::core::result::Result<Self, #orm::value::ValueTypeError> {
                match &value {
                    #orm::Value::Text(text) => <Self as #orm::Choices>::from_str_value(text)
                        .ok_or(#orm::value::ValueTypeError { expected: "a choice", got: "an unknown choice" }),
                    other => Err(#orm::value::ValueTypeError { expected: "a choice", got: other.type_name() }),
                }
            }
        }
    })
}
