//! Code generation from the checked IR.

use proc_macro2::{Span, TokenStream};
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

/// The path of orm-core as the user's crate names it.
pub(crate) fn orm_path() -> TokenStream {
    use proc_macro_crate::{crate_name, FoundCrate};
    match crate_name("orm-core") {
        Ok(FoundCrate::Name(name)) => {
            let ident = format_ident!("{}", name);
            quote!(::#ident)
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
        let columns = self.columns();
        let join_target = self.join_target();
        let joins = self.joins();
        let field_consts = self.field_consts();
        let join_models = self.join_models();
        let admin = admin_expand::items(self.cont, orm);
        let display = display::display_impl(self.cont);
        quote! {
            #field_consts
            #join_models

            #[allow(non_local_definitions, unused_qualifications, clippy::all)]
            const _: () = {
                use #orm::__private as __orm;
                #table_module
                #schema
                #queryable
                #columns
                #join_target
                #joins
                #model_impl
                #admin
                #display
                __orm::inventory::submit! {
                    __orm::RegisteredModel { ops: __orm::ModelOps::of::<#ident>() }
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

    /// The diesel table, declared with diesel's own `table!`.
    fn table_module(&self) -> TokenStream {
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

    fn schema(&self) -> TokenStream {
        let cont = self.cont;
        let name = cont.ident.to_string();
        let app_label = &self.app_label;
        let table = &self.table;
        let verbose_name = cont
            .attrs
            .verbose_name
            .value()
            .unwrap_or_else(|| case::camel_to_words(&name));
        let verbose_name_plural = cont
            .attrs
            .verbose_name_plural
            .value()
            .unwrap_or_else(|| format!("{verbose_name}s"));
        let fields = self.fields().map(|(i, f)| self.field_schema(i, f));
        let ordering = cont
            .attrs
            .ordering
            .value()
            .unwrap_or_default()
            .into_iter()
            .map(|o| {
                let o = o.value;
                quote!(__orm::Cow::Borrowed(#o))
            });
        let indexes = cont
            .attrs
            .indexes
            .value()
            .unwrap_or_default()
            .into_iter()
            .map(|index| {
                let name = index.name.map(|n| n.value).unwrap_or_default();
                let names = index.fields.into_iter().map(|n| n.value);
                quote! {
                    __orm::IndexSchema {
                        name: __orm::Cow::Borrowed(#name),
                        fields: __orm::Cow::Borrowed(&[#(__orm::Cow::Borrowed(#names)),*]),
                        unique: false,
                    }
                }
            });
        let unique_together = cont
            .attrs
            .unique_together
            .value()
            .unwrap_or_default()
            .into_iter()
            .map(|list| {
                let names = list.into_iter().map(|n| n.value);
                quote!(__orm::Cow::Borrowed(&[#(__orm::Cow::Borrowed(#names)),*]))
            });
        let auto_created = cont.attrs.auto_created.is_set();
        let many_to_many = cont.many_to_many.iter().map(|f| {
            let name = f.name();
            let TypeClass::ManyToMany(target) = f.class else {
                return quote!();
            };
            let through_label = format!("{}.{}", self.app_label, through_name(cont.ident, f));
            let verbose_name = f
                .attrs
                .verbose_name
                .value()
                .unwrap_or_else(|| case::snake_to_words(&name));
            let help_text = f.attrs.help_text.value().unwrap_or_default();
            let blank = f.attrs.blank.is_set();
            quote! {
                __orm::ManyToManySchema {
                    name: __orm::Cow::Borrowed(#name),
                    to: __orm::Cow::Borrowed(<#target as __orm::Model>::LABEL),
                    through: __orm::Cow::Borrowed(#through_label),
                    verbose_name: __orm::Cow::Borrowed(#verbose_name),
                    help_text: __orm::Cow::Borrowed(#help_text),
                    blank: #blank,
                }
            }
        });
        quote! {
            static __SCHEMA: __orm::ModelSchema = __orm::ModelSchema {
                name: __orm::Cow::Borrowed(#name),
                app_label: __orm::Cow::Borrowed(#app_label),
                table: __orm::Cow::Borrowed(#table),
                verbose_name: __orm::Cow::Borrowed(#verbose_name),
                verbose_name_plural: __orm::Cow::Borrowed(#verbose_name_plural),
                fields: __orm::Cow::Borrowed(&[#(#fields),*]),
                ordering: __orm::Cow::Borrowed(&[#(#ordering),*]),
                indexes: __orm::Cow::Borrowed(&[#(#indexes),*]),
                unique_together: __orm::Cow::Borrowed(&[#(#unique_together),*]),
                auto_created: #auto_created,
                many_to_many: __orm::Cow::Borrowed(&[#(#many_to_many),*]),
            };
        }
    }

    fn field_schema(&self, index: usize, f: &Field) -> TokenStream {
        let a = &f.attrs;
        let ty = f.ty;
        let name = f.name();
        let column = f.column();
        let nullable = f.nullable;
        let primary_key = index == self.pk;
        let auto_increment = primary_key && self.auto_pk;
        let kind = match f.class {
            TypeClass::String if a.text.is_set() => quote!(__orm::FieldKind::Text),
            TypeClass::String if a.slug.is_set() => quote!(__orm::FieldKind::Slug),
            TypeClass::String if a.email.is_set() => quote!(__orm::FieldKind::Email),
            TypeClass::String if a.url.is_set() => quote!(__orm::FieldKind::Url),
            TypeClass::String if a.max_length.is_set() || a.choices.is_set() => {
                quote!(__orm::FieldKind::Char)
            }
            TypeClass::String => quote!(__orm::FieldKind::Text),
            _ => quote!(<#ty as __orm::FieldType>::KIND),
        };
        let inline_choices = a.choices.value().unwrap_or_default();
        let longest_choice = inline_choices
            .iter()
            .map(|(v, _)| v.chars().count() as u32)
            .max();
        let max_length = match f.class {
            TypeClass::String => {
                let default_len = if a.slug.is_set() {
                    Some(50)
                } else if a.email.is_set() {
                    Some(254)
                } else if a.url.is_set() {
                    Some(200)
                } else {
                    longest_choice
                };
                match a.max_length.value().or(default_len) {
                    Some(n) => quote!(Some(#n)),
                    None => quote!(None),
                }
            }
            TypeClass::Custom => {
                quote!(__orm::choices_max_length(<#ty as __orm::FieldType>::CHOICES))
            }
            _ => quote!(None),
        };
        let option_u32 = |v: Option<u32>| match v {
            Some(v) => quote!(Some(#v)),
            None => quote!(None),
        };
        let (max_digits, decimal_places) = if f.class == TypeClass::Decimal {
            (
                option_u32(Some(a.max_digits.value().unwrap_or(19))),
                option_u32(Some(a.decimal_places.value().unwrap_or(4))),
            )
        } else {
            (quote!(None), quote!(None))
        };
        let default = match a.default.value() {
            Some(DefaultLit::Bool(b)) => quote!(Some(__orm::DefaultValue::Bool(#b))),
            Some(DefaultLit::Int(i)) => quote!(Some(__orm::DefaultValue::Int(#i))),
            Some(DefaultLit::Float(x)) => quote!(Some(__orm::DefaultValue::Float(#x))),
            Some(DefaultLit::Str(s)) => {
                quote!(Some(__orm::DefaultValue::Str(__orm::Cow::Borrowed(#s))))
            }
            None => quote!(None),
        };
        let foreign_key = match f.class {
            TypeClass::ForeignKey(target) => {
                let rule = format_ident!(
                    "{}",
                    a.on_delete.value().unwrap_or_else(|| "Cascade".into())
                );
                let related_name = a.related_name.value().unwrap_or_else(|| {
                    format!("{}_set", self.cont.ident.to_string().to_lowercase())
                });
                quote! {
                    Some(__orm::ForeignKeySchema {
                        to: __orm::Cow::Borrowed(<#target as __orm::Model>::LABEL),
                        to_table: __orm::Cow::Borrowed(<#target as __orm::Model>::TABLE),
                        to_column: __orm::Cow::Borrowed(<#target as __orm::Model>::PK_COLUMN),
                        on_delete: __orm::OnDelete::#rule,
                        related_name: __orm::Cow::Borrowed(#related_name),
                    })
                }
            }
            _ => quote!(None),
        };
        let choices = if inline_choices.is_empty() {
            quote!(__orm::Cow::Borrowed(<#ty as __orm::FieldType>::CHOICES))
        } else {
            let items = inline_choices.iter().map(|(value, label)| {
                quote!(__orm::Choice { value: __orm::Cow::Borrowed(#value), label: __orm::Cow::Borrowed(#label) })
            });
            quote!(__orm::Cow::Borrowed(&[#(#items),*]))
        };
        let verbose_name = a
            .verbose_name
            .value()
            .unwrap_or_else(|| case::snake_to_words(&name));
        let help_text = a.help_text.value().unwrap_or_default();
        let unique = a.unique.is_set() && !primary_key;
        let db_index = a.index.is_set();
        let auto_now = a.auto_now.is_set();
        let auto_now_add = a.auto_now_add.is_set();
        let blank = a.blank.is_set();
        let editable =
            a.editable.value().unwrap_or(true) && !auto_now && !auto_now_add && !auto_increment;
        quote! {
            __orm::FieldSchema {
                name: __orm::Cow::Borrowed(#name),
                column: __orm::Cow::Borrowed(#column),
                kind: #kind,
                nullable: #nullable,
                primary_key: #primary_key,
                auto_increment: #auto_increment,
                max_length: #max_length,
                max_digits: #max_digits,
                decimal_places: #decimal_places,
                unique: #unique,
                index: #db_index,
                default: #default,
                auto_now: #auto_now,
                auto_now_add: #auto_now_add,
                foreign_key: #foreign_key,
                choices: #choices,
                verbose_name: __orm::Cow::Borrowed(#verbose_name),
                help_text: __orm::Cow::Borrowed(#help_text),
                blank: #blank,
                editable: #editable,
            }
        }
    }

    /// For each `ManyToMany<T>` field: the join model (derived like any
    /// model), its `Through` impl, and the owner's `field()` manager and
    /// `prefetch_field()` loader.
    fn join_models(&self) -> TokenStream {
        let orm = &self.orm;
        let owner = self.cont.ident;
        let vis = self.cont.vis;
        let pk = self.cont.fields[self.pk].ident;
        let mut out = TokenStream::new();
        for f in &self.cont.many_to_many {
            let TypeClass::ManyToMany(target) = f.class else {
                continue;
            };
            let through = format_ident!("{}", through_name(owner, f));
            let field = f.ident;
            let owner_lower = owner.to_string().to_lowercase();
            let target_lower = type_name(target).to_lowercase();
            let (source_field, target_field) = if owner_lower == target_lower {
                (
                    format_ident!("from_{}", owner_lower),
                    format_ident!("to_{}", target_lower),
                )
            } else {
                (
                    format_ident!("{}", owner_lower),
                    format_ident!("{}", target_lower),
                )
            };
            let source_name = source_field.to_string();
            let target_name = target_field.to_string();
            let app_label = &self.app_label;
            let table = format!("{}_{}", self.table, f.name());
            // Django's names for an auto-created join model.
            let verbose_name = format!("{owner_lower}-{target_lower} relationship");
            let verbose_name_plural = format!("{verbose_name}s");
            let doc = format!("The join model of `{owner}::{}`.", f.name());
            let manager_doc = format!(
                "The related objects of `{}`: add, remove, set, clear, all.",
                f.name()
            );
            let prefetch = format_ident!("prefetch_{}", f.name());
            let prefetch_doc = format!("Loads `{}` of many objects in two queries.", f.name());
            out.extend(quote! {
                #[doc = #doc]
                #[derive(#orm::Model, Debug, Clone)]
                #[model(
                    app_label = #app_label,
                    table = #table,
                    unique_together([#source_name, #target_name]),
                    verbose_name = #verbose_name,
                    verbose_name_plural = #verbose_name_plural,
                    auto_created
                )]
                #vis struct #through {
                    /// Row id.
                    pub id: i64,
                    /// The object holding the field.
                    #[field(on_delete = Cascade)]
                    pub #source_field: #orm::ForeignKey<#owner>,
                    /// The related object.
                    #[field(on_delete = Cascade)]
                    pub #target_field: #orm::ForeignKey<#target>,
                }

                impl #orm::fields::Through for #through {
                    type Source = #owner;
                    type Target = #target;
                    const SOURCE: usize = 1;
                    const TARGET: usize = 2;
                    fn link(source: i64, target: i64) -> Self {
                        #through {
                            id: 0,
                            #source_field: #orm::ForeignKey::new(source),
                            #target_field: #orm::ForeignKey::new(target),
                        }
                    }
                }

                #[allow(dead_code)]
                impl #owner {
                    #[doc = #manager_doc]
                    pub fn #field(&self) -> #orm::fields::ManyToManyManager<#through> {
                        #orm::fields::ManyToManyManager::new(self.#pk)
                    }

                    #[doc = #prefetch_doc]
                    pub fn #prefetch(conn: &mut #orm::AnyConnection, objects: &mut [#owner]) -> #orm::Result<()> {
                        let ids: Vec<i64> = objects.iter().map(|o| o.#pk).collect();
                        let mut related = #orm::fields::prefetch::<#through>(conn, &ids)?;
                        for object in objects.iter_mut() {
                            object.#field.set_loaded(related.remove(&object.#pk).unwrap_or_default());
                        }
                        Ok(())
                    }
                }
            });
        }
        out
    }

    fn field_consts(&self) -> TokenStream {
        let ident = self.cont.ident;
        let orm = &self.orm;
        let consts = self.fields().map(|(i, f)| {
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

    fn queryable(&self) -> TokenStream {
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

    /// The typed column of each field, by index, with its kind.
    fn columns(&self) -> TokenStream {
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

    /// What lets other models join this one's table.
    fn join_target(&self) -> TokenStream {
        let ident = self.cont.ident;
        let columns = self.column_paths();
        let pk = self.cont.fields[self.pk].ident;
        let repr = display::join_target_repr(self.cont, self.pk);
        quote! {
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
    fn joins(&self) -> TokenStream {
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
                    let query = __orm::apply_spec::<Self, _>(query, spec)?;
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
    fn join_target_of(&self, f: &Field<'a>) -> Option<&'a syn::Type> {
        let TypeClass::ForeignKey(target) = f.class else {
            return None;
        };
        let is_self = matches!(target, syn::Type::Path(p) if p.path.is_ident(self.cont.ident) || p.path.is_ident("Self"));
        (!is_self).then_some(target)
    }

    fn model_impl(&self) -> TokenStream {
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
        let load_with_reprs = self.load_with_reprs();
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
        let admin = admin_expand::methods(self.cont, &self.orm);
        quote! {
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
                            let query = __orm::apply_spec::<Self, _>(query, spec)?;
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
                #load_with_reprs
                fn __count(conn: &mut __orm::AnyConnection, spec: &__orm::QuerySpec) -> __orm::Result<i64> {
                    use __orm::diesel::prelude::*;
                    let query = __orm_table::table
                        .select(__orm::diesel::dsl::count_star())
                        .into_boxed::<__orm::MultiBackend>();
                    let query = __orm::apply_spec::<Self, _>(query, &spec.count_spec())?;
                    Ok(query.get_result::<i64>(conn)?)
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
                #admin
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
                    let query = __orm::apply_spec::<Self, _>(query, &keys_spec)?;
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

    /// `__load_with_reprs`: the rows with the text of the first
    /// `select_related` target read through a join of only the columns its
    /// `to_repr` needs (the default, loading whole targets, for models
    /// without foreign keys to join).
    fn load_with_reprs(&self) -> TokenStream {
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

    fn insert_body(&self) -> TokenStream {
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

    fn save_body(&self) -> TokenStream {
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

    fn update_body(&self) -> TokenStream {
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

    fn aggregate_body(&self) -> TokenStream {
        quote! {
            fn __aggregate(conn: &mut __orm::AnyConnection, spec: &__orm::QuerySpec, field: usize, aggregate: __orm::Aggregate) -> __orm::Result<__orm::Value> {
                __orm::aggregate::<Self>(conn, spec, field, aggregate)
            }
        }
    }

    fn select_related_body(&self) -> TokenStream {
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
        quote! {
            fn __select_related(conn: &mut __orm::AnyConnection, rows: &mut [Self], field: usize) -> __orm::Result<()> {
                match field {
                    #(#arms)*
                    other => Err(__orm::unknown_field::<Self>(other)),
                }
            }
        }
    }
}

/// The `orm_core::query` kind of a field's column: which lookups and
/// aggregates it takes.
fn column_kind(f: &Field) -> TokenStream {
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

/// A field of `object` bound into an `INSERT` or `UPDATE`: strings by
/// reference (diesel binds `&String` and `Option<&str>` as text, with no
/// copy of the text), everything else through `FieldType::to_db`.
fn bound_value(f: &Field, object: &TokenStream) -> TokenStream {
    let field = f.ident;
    match (f.class, f.nullable) {
        (TypeClass::String, false) => quote!(&#object.#field),
        (TypeClass::String, true) => quote!(#object.#field.as_deref()),
        _ => quote!(__orm::FieldType::to_db(&#object.#field)),
    }
}

/// The diesel SQL type of a field's column.
fn sql_type(f: &Field, sql: &TokenStream, orm: &TokenStream) -> TokenStream {
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
        TypeClass::DateTime => quote!(#sql::Timestamp),
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

#[allow(dead_code)]
fn span_of(f: &Field) -> Span {
    f.ident.span()
}

/// The join model's name: `UserGroups` for `User::groups`.
fn through_name(owner: &syn::Ident, f: &Field) -> String {
    let pascal: String = f
        .name()
        .split('_')
        .map(|part| {
            let mut chars = part.chars();
            chars
                .next()
                .map(|c| c.to_uppercase().chain(chars).collect::<String>())
                .unwrap_or_default()
        })
        .collect();
    format!("{owner}{pascal}")
}

/// The last path segment of a type: `Group` for `crate::auth::Group`.
fn type_name(ty: &syn::Type) -> String {
    match ty {
        syn::Type::Path(path) => path
            .path
            .segments
            .last()
            .map(|s| s.ident.to_string())
            .unwrap_or_default(),
        other => quote!(#other).to_string(),
    }
}
