//! `__extra_checks`: the field validators and the model's own `clean`, which
//! validation runs after the schema's rules.

use proc_macro2::TokenStream;
use quote::{quote, quote_spanned};
use syn::spanned::Spanned as _;

use super::*;

impl<'a> Model<'a> {
    /// The validators of each field (on the value, skipped for `None`),
    /// then `Clean::clean` with `#[model(clean)]`; nothing without either.
    pub(super) fn clean_body(&self) -> TokenStream {
        let mut checks = TokenStream::new();
        for (_, f) in self.fields() {
            let Some(validators) = f.attrs.validators.get() else {
                continue;
            };
            let field = f.ident;
            let name = f.name();
            for validator in &validators.value {
                // The call carries the validator's span, so that a function
                // of the wrong type is reported where it is named.
                let call = quote_spanned! {validator.span()=> (#validator)(value)};
                let check = quote! {
                    if let ::core::result::Result::Err(message) = #call {
                        errors.add(#name, ::std::string::ToString::to_string(&message));
                    }
                };
                checks.extend(if f.nullable {
                    quote! {
                        if let ::core::option::Option::Some(value) = &self.#field {
                            #check
                        }
                    }
                } else {
                    quote! {
                        {
                            let value = &self.#field;
                            #check
                        }
                    }
                });
            }
        }
        if let Some(clean) = self.cont.attrs.clean.get() {
            let call = quote_spanned! {clean.span=> <Self as __orm::Clean>::clean(self)};
            checks.extend(quote! {
                if let ::core::result::Result::Err(found) = #call {
                    errors.extend(found);
                }
            });
        }
        if checks.is_empty() {
            return TokenStream::new();
        }
        quote! {
            fn __extra_checks(&self, errors: &mut __orm::ValidationErrors) {
                #checks
            }
        }
    }
}
