//! The `Model` impl: loads, counts, deletes and deep pages.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::*;

impl<'a> Model<'a> {
    pub(super) fn model_impl(&self) -> TokenStream {
        let ident = self.cont.ident;
        let name = ident.to_string();
        let label = format!("{}.{}", self.app_label, name);
        let table = &self.table;
        let pk_field = &self.cont.fields[self.pk];
        let pk_ident = pk_field.ident;
        let pk_ty = pk_field.ty;
        let pk_column = pk_field.column();
        let pk_index = self.pk;
        let all_columns = self.column_paths();
        let field_values = self.fields().map(|(i, f)| {
            let field = f.ident;
            quote!(#i => __orm::FieldType::to_value(&self.#field),)
        });
        let set_values = self.fields().map(|(i, f)| {
            let field = f.ident;
            let ty = f.ty;
            quote! {
                #i => {
                    self.#field = <#ty as __orm::FieldType>::from_value(value)
                        .map_err(|e| __orm::bad_value::<Self>(#i, e))?;
                }
            }
        });
        let joined_arms = self.fields().filter_map(|(i, f)| {
            self.join_target_of(f)?;
            let loader = format_ident!("__load_joined_{}", i);
            Some(quote!(Some(&#i) => (Self::#loader(conn, spec)?, Some(#i)),))
        });
        let from_values = self.fields().map(|(i, f)| {
            let field = f.ident;
            let ty = f.ty;
            quote! {
                #field: <#ty as __orm::FieldType>::from_value(values.next().unwrap_or(__orm::Value::Null))
                    .map_err(|e| __orm::bad_value::<Self>(#i, e))?,
            }
        });
        let m2m_fields = self.cont.many_to_many.iter().map(|f| f.ident);
        let insert = self.insert_body();
        let save = self.save_body();
        let update = self.update_body();
        let aggregate = self.aggregate_body();
        let related = self.select_related_body();
        let clean = self.clean_body();
        let to_repr = admin_expand::to_repr();
        quote! {
            #[automatically_derived]
            impl __orm::Model for #ident {
                type Pk = #pk_ty;
                const LABEL: &'static str = #label;
                const TABLE: &'static str = #table;
                const PK_COLUMN: &'static str = #pk_column;

                fn schema() -> &'static __orm::ModelSchema {
                    &__SCHEMA
                }
                fn pk(&self) -> &#pk_ty {
                    &self.#pk_ident
                }
                fn set_pk(&mut self, pk: #pk_ty) {
                    self.#pk_ident = pk;
                }
                fn field_value(&self, index: usize) -> __orm::Value {
                    match index {
                        #(#field_values)*
                        _ => __orm::Value::Null,
                    }
                }
                fn set_field_value(&mut self, index: usize, value: __orm::Value) -> __orm::Result<()> {
                    match index {
                        #(#set_values)*
                        other => return Err(__orm::unknown_field::<Self>(other)),
                    }
                    Ok(())
                }
                fn __from_values(values: Vec<__orm::Value>) -> __orm::Result<Self> {
                    let mut values = values.into_iter();
                    Ok(#ident {
                        #(#from_values)*
                        #(#m2m_fields: __orm::ManyToMany::new(),)*
                    })
                }
                fn __load(conn: &mut __orm::AnyConnection, spec: &__orm::QuerySpec) -> __orm::Result<Vec<Self>> {
                    use __orm::diesel::prelude::*;
                    let spec = &*__orm::lock_rows::<Self>(conn, spec)?;
                    if let Some(rows) = __orm::load_through_joins::<Self>(conn, spec)? {
                        return Ok(rows);
                    }
                    if let Some(pk) = spec.pk_lookup(&__SCHEMA) {
                        // One row by its key: a typed statement, cached by type.
                        let pk = __orm::db_value::<#pk_ty>(pk.clone())
                            .map_err(|e| __orm::bad_value::<Self>(#pk_index, e))?;
                        let query = __orm_table::table
                            .select((#(#all_columns,)*))
                            .filter(__orm_table::#pk_ident.eq(pk))
                            .limit(spec.limit.unwrap_or(1));
                        return Ok(__orm::__on_own_connection!(conn, c => query.load::<Self>(c))?);
                    }
                    if let Some(rows) = Self::__deep_page(conn, spec, Self::__load, |row| row)? {
                        return Ok(rows);
                    }
                    let (mut rows, joined) = match spec.select_related.first() {
                        #(#joined_arms)*
                        _ => {
                            let query = __orm_table::table
                                .select((#(#all_columns,)*))
                                .into_boxed::<__orm::MultiBackend>();
                            let query = __orm::apply_spec::<Self, _>(conn, query, spec)?;
                            (query.load::<Self>(conn)?, None)
                        }
                    };
                    for &field in &spec.select_related {
                        if Some(field) != joined {
                            Self::__select_related(conn, &mut rows, field)?;
                        }
                    }
                    Ok(rows)
                }
                fn __condition(q: &__orm::Q) -> __orm::Result<__orm::SqlCondition> {
                    __orm::condition_tree::<Self>(q)
                }
                fn __count(conn: &mut __orm::AnyConnection, spec: &__orm::QuerySpec) -> __orm::Result<i64> {
                    use __orm::diesel::prelude::*;
                    let query = __orm_table::table
                        .select(__orm::diesel::dsl::count_star())
                        .into_boxed::<__orm::MultiBackend>();
                    let query = __orm::apply_spec::<Self, _>(conn, query, &spec.count_spec())?;
                    Ok(query.get_result::<i64>(conn)?)
                }
                fn __count_up_to(conn: &mut __orm::AnyConnection, spec: &__orm::QuerySpec, most: i64) -> __orm::Result<i64> {
                    use __orm::diesel::prelude::*;
                    let keys = __orm_table::table
                        .select(__orm_table::#pk_ident)
                        .into_boxed::<__orm::MultiBackend>();
                    let keys = __orm::apply_spec::<Self, _>(conn, keys, &spec.count_spec().limited(most))?;
                    Ok(keys.load::<<#pk_ty as __orm::FieldType>::Db>(conn)?.len() as i64)
                }
                fn __planned_rows(conn: &mut __orm::AnyConnection, spec: &__orm::QuerySpec) -> __orm::Result<Option<i64>> {
                    use __orm::diesel::prelude::*;
                    let query = __orm_table::table
                        .select(__orm_table::#pk_ident)
                        .into_boxed::<__orm::MultiBackend>();
                    let query = __orm::apply_spec::<Self, _>(conn, query, &spec.count_spec())?;
                    Ok(__orm::planned_rows(conn, query)?)
                }
                fn __delete(conn: &mut __orm::AnyConnection, spec: &__orm::QuerySpec) -> __orm::Result<usize> {
                    use __orm::diesel::prelude::*;
                    let _written = __orm::WriteGuard;
                    Ok(match __orm::write_filter::<Self>(conn, spec)? {
                        Some(q) => {
                            let condition = __orm::condition_tree::<Self>(&q)?;
                            __orm::diesel::delete(__orm_table::table.filter(condition)).execute(conn)?
                        }
                        None => __orm::diesel::delete(__orm_table::table).execute(conn)?,
                    })
                }
                #update
                #aggregate
                #insert
                #save
                #related
                #clean
                #to_repr
            }

            impl #ident {
                /// A deep page (see `QuerySpec::deferred_keys`): its keys
                /// first, through an index of the ordering, then its rows
                /// by key with `load`, in the keys' order (`object` finds
                /// the object in a loaded row). `None` for other queries.
                fn __deep_page<R>(
                    conn: &mut __orm::AnyConnection,
                    spec: &__orm::QuerySpec,
                    load: fn(&mut __orm::AnyConnection, &__orm::QuerySpec) -> __orm::Result<Vec<R>>,
                    object: fn(&R) -> &Self,
                ) -> __orm::Result<Option<Vec<R>>> {
                    use __orm::diesel::prelude::*;
                    let Some(keys_spec) = spec.deferred_keys() else {
                        return Ok(None);
                    };
                    let query = __orm_table::table
                        .select(__orm_table::#pk_ident)
                        .into_boxed::<__orm::MultiBackend>();
                    let query = __orm::apply_spec::<Self, _>(conn, query, &keys_spec)?;
                    let keys = query
                        .load::<<#pk_ty as __orm::FieldType>::Db>(conn)?
                        .into_iter()
                        .map(|key| <#pk_ty as __orm::FieldType>::from_db(key).map(|key| __orm::FieldType::to_value(&key)))
                        .collect::<::core::result::Result<Vec<__orm::Value>, _>>()
                        .map_err(__orm::diesel::result::Error::DeserializationError)?;
                    if keys.is_empty() {
                        return Ok(Some(Vec::new()));
                    }
                    let mut rows = load(conn, &spec.page_of_keys(&__SCHEMA, keys.clone()))?;
                    rows.sort_by_key(|row| {
                        let key = __orm::FieldType::to_value(&object(row).#pk_ident);
                        keys.iter().position(|k| *k == key)
                    });
                    Ok(Some(rows))
                }
            }
        }
    }

    pub(super) fn aggregate_body(&self) -> TokenStream {
        quote! {
            fn __aggregate(conn: &mut __orm::AnyConnection, spec: &__orm::QuerySpec, field: usize, aggregate: __orm::Aggregate) -> __orm::Result<__orm::Value> {
                __orm::aggregate::<Self>(conn, spec, field, aggregate)
            }
        }
    }
}
