//! The join model of each many-to-many field.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::*;

impl<'a> Model<'a> {
    /// For each `ManyToMany<T>` field: the join model (derived like any
    /// model), its `Through` impl, and the owner's `field()` manager and
    /// `prefetch_field()` loader.
    pub(super) fn join_models(&self) -> TokenStream {
        let orm = &self.orm;
        let owner = self.cont.ident;
        let pk = self.cont.fields[self.pk].ident;
        let mut out = TokenStream::new();
        for f in &self.cont.many_to_many {
            let TypeClass::ManyToMany(target) = f.class else {
                continue;
            };
            let field = f.ident;
            let manager_doc = format!(
                "The related objects of `{}`: add, remove, set, clear, all.",
                f.name()
            );
            let prefetch = format_ident!("prefetch_{}", f.name());
            let prefetch_doc = format!("Loads `{}` of many objects in two queries.", f.name());
            let (through, join_model) = match f.attrs.through.get() {
                Some(custom) => {
                    let ty = &custom.value;
                    (
                        quote!(#orm::fields::CustomThrough<#ty, #owner, #target>),
                        TokenStream::new(),
                    )
                }
                None => {
                    let through = format_ident!("{}", through_name(owner, f));
                    (quote!(#through), self.join_model(f, target))
                }
            };
            out.extend(join_model);
            out.extend(quote! {
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

    /// The join model the derive creates for a many-to-many field without
    /// `through`, and its `Through` impl.
    fn join_model(&self, f: &Field<'a>, target: &syn::Type) -> TokenStream {
        let orm = &self.orm;
        let owner = self.cont.ident;
        let vis = self.cont.vis;
        let through = format_ident!("{}", through_name(owner, f));
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
        quote! {
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

            #[automatically_derived]
            impl #orm::fields::Through for #through {
                type Join = Self;
                type Source = #owner;
                type Target = #target;
                fn keys() -> #orm::Result<(usize, usize)> {
                    Ok((1, 2))
                }
                fn link(source: i64, target: i64) -> #orm::Result<Self> {
                    Ok(#through {
                        id: 0,
                        #source_field: #orm::ForeignKey::new(source),
                        #target_field: #orm::ForeignKey::new(target),
                    })
                }
            }
        }
    }
}

/// The join model's name: `UserGroups` for `User::groups`.
pub(super) fn through_name(owner: &syn::Ident, f: &Field) -> String {
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
pub(super) fn type_name(ty: &syn::Type) -> String {
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
