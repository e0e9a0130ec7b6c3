//! What lets other models join this one, and the loaders of this model's foreign keys.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::*;

impl<'a> Model<'a> {
    /// What lets other models join this one's table.
    pub(super) fn join_target(&self) -> TokenStream {
        let ident = self.cont.ident;
        let columns = self.column_paths();
        let pk = self.cont.fields[self.pk].ident;
        let repr = display::join_target_repr(self.cont, self.pk);
        quote! {
            #[automatically_derived]
            impl __orm::JoinTarget for #ident {
                type Table = __orm_table::table;
                type Columns = (#(#columns,)*);
                type PkColumn = __orm_table::#pk;
                const COLUMNS: Self::Columns = (#(#columns,)*);
                const PK: Self::PkColumn = __orm_table::#pk;
                #repr
            }
        }
    }

    /// For each foreign key to another model: a loader that left-joins its
    /// target's table.
    pub(super) fn joins(&self) -> TokenStream {
        let ident = self.cont.ident;
        let mut seen_targets: Vec<String> = Vec::new();
        let mut out = TokenStream::new();
        let columns = self.column_paths();
        for (i, f) in self.fields() {
            let Some(target) = self.join_target_of(f) else {
                continue;
            };
            let key = quote!(#target).to_string();
            let assert_model = quote::quote_spanned! {syn::spanned::Spanned::span(target)=>
                const _: fn() = __orm::assert_model::<#target>;
            };
            out.extend(assert_model);
            let target_table = quote!(<#target as __orm::JoinTarget>::Table);
            if !seen_targets.contains(&key) {
                seen_targets.push(key);
                out.extend(quote! {
                    #[automatically_derived]
                    impl __orm::diesel::query_source::AppearsInFromClause<__orm::Joined<#target_table>> for __orm_table::table {
                        type Count = __orm::diesel::query_source::Never;
                    }
                });
            }
            let loader = format_ident!("__load_joined_{}", i);
            let repr_loader = format_ident!("__load_joined_repr_{}", i);
            let field = f.ident;
            let on_target = if f.nullable {
                quote!(__orm::NullableOnJoined::<_, #target_table>::new(<#target as __orm::JoinTarget>::PK))
            } else {
                quote!(__orm::OnJoined::<_, #target_table>::new(<#target as __orm::JoinTarget>::PK))
            };
            // A LEFT JOIN also for keys every row has: the query then stays
            // driven by this model's table, so an index on the ordering
            // serves `ORDER BY ... LIMIT` on every backend (MariaDB reorders
            // an inner join to start from the smaller table and sorts all
            // the rows).
            let joined_query = |selection: TokenStream| {
                quote! {
                    use __orm::diesel::prelude::*;
                    let target = __orm::Joined(<#target_table as ::core::default::Default>::default());
                    let query = __orm_table::table
                        .left_join(target.on(__orm_table::#field.eq(#on_target)))
                        .select(((#(#columns,)*), __orm::NullableOnJoined::<_, #target_table>::new(#selection)))
                        .into_boxed::<__orm::MultiBackend>();
                    let query = __orm::apply_spec::<Self, _>(conn, query, spec)?;
                }
            };
            let whole_query = joined_query(quote!(<#target as __orm::JoinTarget>::COLUMNS));
            let repr_query = joined_query(quote!(<#target as __orm::JoinTarget>::REPR_COLUMNS));
            let key = if f.nullable {
                quote!(row.#field.as_mut())
            } else {
                quote!(Some(&mut row.#field))
            };
            out.extend(quote! {
                impl #ident {
                    fn #loader(conn: &mut __orm::AnyConnection, spec: &__orm::QuerySpec) -> __orm::Result<Vec<Self>> {
                        #whole_query
                        let rows: Vec<(Self, Option<#target>)> = query.load(conn)?;
                        Ok(rows
                            .into_iter()
                            .map(|(mut row, target)| {
                                if let (Some(fk), Some(target)) = (#key, target) {
                                    fk.set_loaded(::std::sync::Arc::new(target));
                                }
                                row
                            })
                            .collect())
                    }

                    /// Like the loader above, with only the columns of the
                    /// target's `to_repr`, and its text instead of it.
                    fn #repr_loader(conn: &mut __orm::AnyConnection, spec: &__orm::QuerySpec) -> __orm::Result<Vec<(Self, Option<String>)>> {
                        #repr_query
                        let rows: Vec<(Self, Option<<#target as __orm::JoinTarget>::ReprRow>)> = query.load(conn)?;
                        Ok(rows
                            .into_iter()
                            .map(|(row, target)| (row, target.map(<#target as __orm::JoinTarget>::repr_of)))
                            .collect())
                    }
                }
            });
        }
        out
    }

    /// The target type of a foreign key that can be joined (not to itself).
    pub(super) fn join_target_of(&self, f: &Field<'a>) -> Option<&'a syn::Type> {
        let TypeClass::ForeignKey(target) = f.class else {
            return None;
        };
        let is_self = matches!(target, syn::Type::Path(p) if p.path.is_ident(self.cont.ident) || p.path.is_ident("Self"));
        (!is_self).then_some(target)
    }

    /// `__choices`: each row's key and `to_repr`, reading only the key and
    /// the columns `to_repr` needs (all of them without `display`).
    pub(super) fn choices(&self) -> TokenStream {
        let pk = &self.cont.fields[self.pk];
        let (pk_column, pk_ty) = (pk.ident, pk.ty);
        quote! {
            fn __choices(conn: &mut __orm::AnyConnection, spec: &__orm::QuerySpec) -> __orm::Result<Vec<(__orm::Value, String)>> {
                use __orm::diesel::prelude::*;
                let query = __orm_table::table
                    .select((__orm_table::#pk_column, <Self as __orm::JoinTarget>::REPR_COLUMNS))
                    .into_boxed::<__orm::MultiBackend>();
                let query = __orm::apply_spec::<Self, _>(conn, query, spec)?;
                let rows: Vec<(<#pk_ty as __orm::FieldType>::Db, <Self as __orm::JoinTarget>::ReprRow)> = query.load(conn)?;
                rows.into_iter()
                    .map(|(pk, row)| {
                        let pk = <#pk_ty as __orm::FieldType>::from_db(pk).map_err(__orm::bad_row)?;
                        Ok((__orm::FieldType::to_value(&pk), <Self as __orm::JoinTarget>::repr_of(row)))
                    })
                    .collect()
            }
        }
    }

    /// `__load_with_reprs`: the rows with the text of the first
    /// `select_related` target read through a join of only the columns its
    /// `to_repr` needs (the default, loading whole targets, for models
    /// without foreign keys to join).
    pub(super) fn load_with_reprs(&self) -> TokenStream {
        let arms: Vec<TokenStream> = self
            .fields()
            .filter_map(|(i, f)| {
                self.join_target_of(f)?;
                let loader = format_ident!("__load_joined_repr_{}", i);
                Some(quote!(Some(&#i) => Self::#loader(conn, spec)?,))
            })
            .collect();
        if arms.is_empty() {
            return TokenStream::new();
        }
        quote! {
            fn __load_with_reprs(conn: &mut __orm::AnyConnection, spec: &__orm::QuerySpec) -> __orm::Result<Vec<(Self, Option<String>)>> {
                if let Some(rows) = Self::__deep_page(conn, spec, Self::__load_with_reprs, |(row, _)| row)? {
                    return Ok(rows);
                }
                let joined = match spec.select_related.first() {
                    #(#arms)*
                    _ => return __orm::load_with_loaded_reprs(conn, spec),
                };
                let (mut rows, texts): (Vec<Self>, Vec<Option<String>>) = joined.into_iter().unzip();
                for &field in &spec.select_related[1..] {
                    Self::__select_related(conn, &mut rows, field)?;
                }
                Ok(rows.into_iter().zip(texts).collect())
            }
        }
    }

    pub(super) fn select_related_body(&self) -> TokenStream {
        let arms = self.fields().filter_map(|(i, f)| {
            let TypeClass::ForeignKey(_) = f.class else {
                return None;
            };
            let field = f.ident;
            Some(if f.nullable {
                quote!(#i => __orm::fill_related(conn, rows, |row: &mut Self| row.#field.as_mut()),)
            } else {
                quote!(#i => __orm::fill_related(conn, rows, |row: &mut Self| Some(&mut row.#field)),)
            })
        });
        let set_arms = self.fields().filter_map(|(i, f)| {
            let TypeClass::ForeignKey(_) = f.class else {
                return None;
            };
            let field = f.ident;
            Some(if f.nullable {
                quote!(#i => self.#field.as_mut().is_some_and(|fk| fk.set_loaded_erased(target)),)
            } else {
                quote!(#i => self.#field.set_loaded_erased(target),)
            })
        });
        quote! {
            fn __select_related(conn: &mut __orm::AnyConnection, rows: &mut [Self], field: usize) -> __orm::Result<()> {
                match field {
                    #(#arms)*
                    other => Err(__orm::unknown_field::<Self>(other)),
                }
            }
            fn __set_related(&mut self, field: usize, target: ::std::sync::Arc<dyn ::core::any::Any + ::core::marker::Send + ::core::marker::Sync>) -> bool {
                match field {
                    #(#set_arms)*
                    _ => false,
                }
            }
        }
    }
}
