//! The typed columns: one match from field index to column, and the typed field handles.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::*;

impl<'a> Model<'a> {
    /// The typed column of each field, by index, with its kind.
    pub(super) fn columns(&self) -> TokenStream {
        let ident = self.cont.ident;
        let arms = self.fields().map(|(i, f)| {
            let column = f.ident;
            let kind = column_kind(f);
            quote!(#i => visitor.visit::<_, __orm::#kind>(__orm_table::#column),)
        });
        quote! {
            #[automatically_derived]
            impl __orm::ModelColumns for #ident {
                type Table = __orm_table::table;
                fn visit_column<V: __orm::ColumnVisitor>(index: usize, visitor: V) -> Option<V::Output> {
                    Some(match index {
                        #(#arms)*
                        _ => return None,
                    })
                }
            }
        }
    }

    pub(super) fn field_consts(&self) -> TokenStream {
        field_consts(self.cont, &self.orm, false)
    }
}

/// A typed handle per field (`Article::TITLE`), for queries; with
/// `known_types_only`, only for fields of the built-in types (beside a
/// failed derive, where another type may be the mistake).
pub(super) fn field_consts(
    cont: &Container,
    orm: &TokenStream,
    known_types_only: bool,
) -> TokenStream {
    let ident = cont.ident;
    let mut seen = std::collections::HashSet::new();
    let fields = cont.fields.iter().enumerate().filter(|(_, f)| {
        !known_types_only
            || (!matches!(
                f.class,
                TypeClass::Custom | TypeClass::Unsupported | TypeClass::ManyToMany(_)
            ) && seen.insert(f.name().to_uppercase()))
    });
    let consts = fields.map(|(i, f)| {
        let name = f.name();
        let const_name = format_ident!("{}", name.to_uppercase(), span = f.ident.span());
        let ty = f.ty;
        let doc = format!("The `{name}` field, for typed queries.");
        quote! {
            #[doc = #doc]
            pub const #const_name: #orm::query::Field<#ident, #ty> = #orm::query::Field::new(#i, #name);
        }
    });
    quote! {
        #[allow(dead_code)]
        impl #ident {
            #(#consts)*
        }
    }
}

/// The `orm_core::query` kind of a field's column: which lookups and
/// aggregates it takes.
pub(super) fn column_kind(f: &Field) -> TokenStream {
    let ty = f.ty;
    let inner = f.inner;
    match f.class {
        TypeClass::String => quote!(Text<#ty, #inner>),
        TypeClass::I16 | TypeClass::I32 | TypeClass::I64 | TypeClass::F32 | TypeClass::F64 => {
            quote!(Number<#ty, #inner>)
        }
        TypeClass::Decimal => quote!(Decimal<#ty, #inner>),
        TypeClass::DateTime | TypeClass::Date | TypeClass::Time | TypeClass::ForeignKey(_) => {
            quote!(Ordered<#ty, #inner>)
        }
        _ => quote!(Plain<#ty>),
    }
}
