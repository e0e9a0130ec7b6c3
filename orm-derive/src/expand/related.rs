//! The reverse accessor of each foreign key declared with `related_name`:
//! a one-method trait implemented for the target, which calls the
//! generic `Model::related` (`author.articles()`); for a `OneToOne`, the
//! one row or none (`user.profile(conn)`).

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::many_to_many::type_name;
use super::*;
use crate::case::snake_to_pascal;

impl<'a> Model<'a> {
    /// `trait {Model}{Field}Related { fn {related_name}(&self) -> QuerySet<Model>; }`
    /// for every foreign key with an explicit `related_name`.
    pub(super) fn related_accessors(&self) -> TokenStream {
        let orm = &self.orm;
        let ident = self.cont.ident;
        let vis = self.cont.vis;
        let accessors = self.cont.fields.iter().filter_map(|f| {
            let TypeClass::ForeignKey(target) = f.class else {
                return None;
            };
            let name = f.attrs.related_name.value()?;
            let method = format_ident!("{}", name, span = f.ident.span());
            let field = format_ident!("{}", f.name().to_uppercase());
            let trait_name = format_ident!("{}{}Related", ident, snake_to_pascal(&f.name()));
            if f.one_to_one {
                let doc = format!(
                    "`{name}(conn)` on a `{}`: the one `{ident}` row whose `{}` points at it, if any.",
                    type_name(target),
                    f.name()
                );
                return Some(quote! {
                    #[doc = #doc]
                    #vis trait #trait_name {
                        #[doc = #doc]
                        fn #method(
                            &self,
                            conn: &mut #orm::AnyConnection,
                        ) -> #orm::Result<::core::option::Option<#ident>>;
                    }

                    #[automatically_derived]
                    impl #trait_name for #target {
                        fn #method(
                            &self,
                            conn: &mut #orm::AnyConnection,
                        ) -> #orm::Result<::core::option::Option<#ident>> {
                            #orm::Model::related(self, #ident::#field).first(conn)
                        }
                    }
                });
            }
            let doc = format!(
                "`{name}()` on a `{}`: the `{ident}` rows whose `{}` points at it.",
                type_name(target),
                f.name()
            );
            Some(quote! {
                #[doc = #doc]
                #vis trait #trait_name {
                    #[doc = #doc]
                    fn #method(&self) -> #orm::query::QuerySet<#ident>;
                }

                #[automatically_derived]
                impl #trait_name for #target {
                    fn #method(&self) -> #orm::query::QuerySet<#ident> {
                        #orm::Model::related(self, #ident::#field)
                    }
                }
            })
        });
        quote!(#(#accessors)*)
    }
}
