//! The diesel table (through diesel's own `table!`) and the row conversion.

use proc_macro2::TokenStream;
use quote::quote;

use super::*;

impl<'a> Model<'a> {
    /// The diesel table, declared with diesel's own `table!`.
    pub(super) fn table_module(&self) -> TokenStream {
        let columns = self.cont.fields.iter().map(|f| {
            let ident = f.ident;
            let column = f.column();
            let sql = sql_type(f, &quote!(diesel::sql_types), &self.orm);
            quote!(#[sql_name = #column] #ident -> #sql,)
        });
        let pk = self.cont.fields[self.pk].ident;
        let table = &self.table;
        quote! {
            diesel::table! {
                #[sql_name = #table]
                __orm_table (#pk) { #(#columns)* }
            }
        }
    }

    pub(super) fn queryable(&self) -> TokenStream {
        let ident = self.cont.ident;
        let sql_types = self
            .cont
            .fields
            .iter()
            .map(|f| sql_type(f, &quote!(__orm::diesel::sql_types), &self.orm));
        let db_types = self.cont.fields.iter().map(|f| {
            let ty = f.ty;
            quote!(<#ty as __orm::FieldType>::Db)
        });
        let builds = self.fields().map(|(i, f)| {
            let field = f.ident;
            let ty = f.ty;
            let index = syn::Index::from(i);
            quote!(#field: <#ty as __orm::FieldType>::from_db(row.#index)?)
        });
        let m2m_builds = self.cont.many_to_many.iter().map(|f| f.ident);
        let row = quote!((#(#db_types,)*));
        let st = quote!((#(#sql_types,)*));
        // For every backend the row's types can be read from: the
        // connection-wide `MultiBackend`, and each concrete one (the fast
        // path of a lookup by primary key).
        quote! {
            #[automatically_derived]
            impl<__DB> __orm::diesel::deserialize::Queryable<#st, __DB> for #ident
            where
                __DB: __orm::diesel::backend::Backend,
                #row: __orm::diesel::deserialize::FromStaticSqlRow<#st, __DB>,
            {
                type Row = #row;
                fn build(row: Self::Row) -> __orm::diesel::deserialize::Result<Self> {
                    Ok(#ident { #(#builds,)* #(#m2m_builds: __orm::ManyToMany::new(),)* })
                }
            }
        }
    }
    /// Reading by column name, for a statement written by hand
    /// (`diesel::sql_query`): each field from its column, many-to-many
    /// fields empty. The columns may come in any order and beside others.
    pub(super) fn queryable_by_name(&self) -> TokenStream {
        let ident = self.cont.ident;
        let bounds = self.cont.fields.iter().map(|f| {
            let ty = f.ty;
            let st = sql_type(f, &quote!(__orm::diesel::sql_types), &self.orm);
            quote!(<#ty as __orm::FieldType>::Db: __orm::diesel::deserialize::FromSql<#st, __DB>)
        });
        let builds = self.cont.fields.iter().map(|f| {
            let field = f.ident;
            let ty = f.ty;
            let column = f.column();
            let st = sql_type(f, &quote!(__orm::diesel::sql_types), &self.orm);
            quote! {
                #field: <#ty as __orm::FieldType>::from_db(
                    __orm::diesel::row::NamedRow::get::<#st, <#ty as __orm::FieldType>::Db>(row, #column)?
                )?
            }
        });
        let m2m_builds = self.cont.many_to_many.iter().map(|f| f.ident);
        quote! {
            #[automatically_derived]
            impl<__DB> __orm::diesel::deserialize::QueryableByName<__DB> for #ident
            where
                __DB: __orm::diesel::backend::Backend,
                #(#bounds,)*
            {
                fn build<'__a>(
                    row: &impl __orm::diesel::row::NamedRow<'__a, __DB>,
                ) -> __orm::diesel::deserialize::Result<Self> {
                    Ok(#ident { #(#builds,)* #(#m2m_builds: __orm::ManyToMany::new(),)* })
                }
            }
        }
    }
}

/// The diesel SQL type of a field's column.
pub(super) fn sql_type(f: &Field, sql: &TokenStream, orm: &TokenStream) -> TokenStream {
    let base = match f.class {
        TypeClass::Bool => quote!(#sql::Bool),
        TypeClass::I16 => quote!(#sql::SmallInt),
        TypeClass::I32 => quote!(#sql::Integer),
        TypeClass::I64 | TypeClass::ForeignKey(_) => quote!(#sql::BigInt),
        TypeClass::F32 => quote!(#sql::Float),
        TypeClass::F64 => quote!(#sql::Double),
        TypeClass::String
        | TypeClass::Custom
        | TypeClass::Unsupported
        | TypeClass::ManyToMany(_) => quote!(#sql::Text),
        TypeClass::Decimal => quote!(#sql::Numeric),
        TypeClass::DateTime => quote!(#orm::sql_types::DateTimeUtc),
        TypeClass::Date => quote!(#sql::Date),
        TypeClass::Time => quote!(#sql::Time),
        TypeClass::Uuid => quote!(#orm::sql_types::UuidText),
        TypeClass::Json => quote!(#orm::sql_types::JsonText),
        TypeClass::Binary => quote!(#sql::Binary),
    };
    if f.nullable {
        quote!(#sql::Nullable<#base>)
    } else {
        base
    }
}
