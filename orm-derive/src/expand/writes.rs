//! Inserts, saves and updates.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::*;

impl<'a> Model<'a> {
    pub(super) fn insert_body(&self) -> TokenStream {
        let pk_field = &self.cont.fields[self.pk];
        let pk_ident = pk_field.ident;
        let pk_ty = pk_field.ty;
        let values = |with_pk: bool, object: TokenStream| {
            let fields = self.fields().filter(move |(i, _)| with_pk || *i != self.pk);
            let eqs = fields.map(|(_, f)| {
                let field = f.ident;
                let value = bound_value(f, &object);
                quote!(__orm_table::#field.eq(#value))
            });
            quote!((#(#eqs,)*))
        };
        let all = values(true, quote!(self));
        let has_other_fields = self.non_pk_fields().next().is_some();
        let key = quote!(<#pk_ty as __orm::FieldType>::Db);
        let generated_key = match (self.auto_pk, has_other_fields) {
            (true, true) => {
                let without_pk = values(false, quote!(self));
                quote! {
                    if !with_pk {
                        let keys = __orm::__insert_keys!(conn, __orm_table::table, __orm_table::#pk_ident, #key, #without_pk, 1)?;
                        return __orm::set_keys(::core::slice::from_mut(self), keys);
                    }
                }
            }
            (true, false) => quote! {
                if !with_pk {
                    __orm::diesel::insert_into(__orm_table::table).default_values().execute(conn)?;
                    let id = conn.last_insert_id()?;
                    self.#pk_ident = <#pk_ty as ::core::convert::TryFrom<i64>>::try_from(id)
                        .map_err(|e| __orm::Error::Internal(format!("generated key {id} does not fit: {e}")))?;
                    return Ok(());
                }
            },
            (false, _) => quote!(let _ = with_pk;),
        };
        let insert_new = if self.auto_pk && has_other_fields {
            let columns = self.non_pk_fields().count();
            let row = values(false, quote!(object));
            quote! {
                fn __insert_new(conn: &mut __orm::AnyConnection, objects: &mut [Self]) -> __orm::Result<bool> {
                    use __orm::diesel::prelude::*;
                    let _written = __orm::WriteGuard;
                    for chunk in objects.chunks_mut(__orm::rows_per_insert(conn.backend(), #columns)) {
                        let rows: Vec<_> = chunk.iter().map(|object| #row).collect();
                        let keys = __orm::__insert_keys!(conn, __orm_table::table, __orm_table::#pk_ident, #key, rows, chunk.len())?;
                        __orm::set_keys(chunk, keys)?;
                    }
                    Ok(true)
                }
            }
        } else {
            quote!()
        };
        quote! {
            fn __insert(&mut self, conn: &mut __orm::AnyConnection, with_pk: bool) -> __orm::Result<()> {
                use __orm::diesel::prelude::*;
                let _written = __orm::WriteGuard;
                #generated_key
                __orm::diesel::insert_into(__orm_table::table).values(#all).execute(conn)?;
                Ok(())
            }
            #insert_new
        }
    }

    pub(super) fn save_body(&self) -> TokenStream {
        let pk_field = &self.cont.fields[self.pk];
        let pk_ident = pk_field.ident;
        let eqs: Vec<TokenStream> = self
            .non_pk_fields()
            .map(|(_, f)| {
                let field = f.ident;
                let value = bound_value(f, &quote!(self));
                quote!(__orm_table::#field.eq(#value))
            })
            .collect();
        let by_pk = quote!(__orm_table::table.filter(__orm_table::#pk_ident.eq(__orm::FieldType::to_db(&self.#pk_ident))));
        let body = if eqs.is_empty() {
            quote!(Ok(#by_pk.count().get_result::<i64>(conn)? as usize))
        } else {
            quote! {
                let statement = __orm::diesel::update(#by_pk).set((#(#eqs,)*));
                Ok(__orm::__on_own_connection!(conn, c => statement.execute(c))?)
            }
        };
        quote! {
            fn __save(&self, conn: &mut __orm::AnyConnection) -> __orm::Result<usize> {
                use __orm::diesel::prelude::*;
                let _written = __orm::WriteGuard;
                #body
            }
        }
    }

    pub(super) fn update_body(&self) -> TokenStream {
        let fields: Vec<(usize, &Field)> = self.non_pk_fields().collect();
        if fields.is_empty() {
            return quote! {
                fn __update(_: &mut __orm::AnyConnection, _: &__orm::QuerySpec, values: &[(usize, __orm::Value)]) -> __orm::Result<usize> {
                    match values.first() {
                        Some((other, _)) => Err(__orm::unknown_field::<Self>(*other)),
                        None => Ok(0),
                    }
                }
            };
        }
        let slots: Vec<syn::Ident> = fields
            .iter()
            .map(|(i, _)| format_ident!("__set_{}", i))
            .collect();
        let arms = fields.iter().zip(&slots).map(|((i, f), slot)| {
            let column = f.ident;
            let ty = f.ty;
            quote! {
                #i => {
                    let value = __orm::db_value::<#ty>(value.clone())
                        .map_err(|e| __orm::bad_value::<Self>(#i, e))?;
                    #slot = Some(__orm_table::#column.eq(value));
                }
            }
        });
        quote! {
            fn __update(conn: &mut __orm::AnyConnection, spec: &__orm::QuerySpec, values: &[(usize, __orm::Value)]) -> __orm::Result<usize> {
                use __orm::diesel::prelude::*;
                let _written = __orm::WriteGuard;
                #(let mut #slots = None;)*
                for (index, value) in values {
                    match *index {
                        #(#arms)*
                        other => return Err(__orm::unknown_field::<Self>(other)),
                    }
                }
                if values.is_empty() {
                    return Ok(0);
                }
                let changes = (#(#slots,)*);
                Ok(match __orm::write_filter::<Self>(conn, spec)? {
                    Some(q) => {
                        let condition = __orm::condition_tree::<Self>(&q)?;
                        __orm::diesel::update(__orm_table::table.filter(condition)).set(changes).execute(conn)?
                    }
                    None => __orm::diesel::update(__orm_table::table).set(changes).execute(conn)?,
                })
            }
        }
    }
}

/// A field of `object` bound into an `INSERT` or `UPDATE`: strings by
/// reference (diesel binds `&String` and `Option<&str>` as text, with no
/// copy of the text), everything else through `FieldType::to_db`.
pub(super) fn bound_value(f: &Field, object: &TokenStream) -> TokenStream {
    let field = f.ident;
    match (f.class, f.nullable) {
        (TypeClass::String, false) => quote!(&#object.#field),
        (TypeClass::String, true) => quote!(#object.#field.as_deref()),
        _ => quote!(__orm::FieldType::to_db(&#object.#field)),
    }
}
