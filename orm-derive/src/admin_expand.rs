//! Code generation for the admin: the static `AdminOptions` of
//! `#[admin(...)]`, `Model::to_repr`, and the `AdminModel` impl the admin
//! lists objects with (`admin_options`, `__admin_method`, `__related_repr`,
//! `__load_with_reprs`, `__choices`).
//!
//! Everything lands in the model's `const _: () = { ... };` block, where
//! `__orm` is `orm_core::__private`.

use proc_macro2::{Span, TokenStream};
use quote::{format_ident, quote, quote_spanned};
use syn::spanned::Spanned as _;

use crate::ast::{Container, TypeClass};
use crate::case;

/// Items of the const block: the options static (with `#[admin]`) and the
/// helpers of `to_repr`.
pub(crate) fn items(cont: &Container, orm: &TokenStream) -> TokenStream {
    let options = options_static(cont, orm);
    let paths = relation_path_checks(cont);
    quote! {
        #options
        #paths

        /// `to_repr`: the `Display` of `T` when it has one (this impl is
        /// picked first), else `Name object (pk)` (through one more `&`).
        struct __Repr<'a, T>(&'a T);
        trait __ReprDisplay {
            fn __repr(&self) -> String;
        }
        impl<T: ::core::fmt::Display> __ReprDisplay for __Repr<'_, T> {
            fn __repr(&self) -> String {
                ::std::string::ToString::to_string(self.0)
            }
        }
        trait __ReprDefault {
            fn __repr(&self) -> String;
        }
        impl<T: __orm::Model> __ReprDefault for &__Repr<'_, T> {
            fn __repr(&self) -> String {
                format!("{} object ({})", T::schema().name, __orm::FieldType::to_value(self.0.pk()))
            }
        }
    }
}

/// For each path across a foreign key (`author__username`) in
/// `search_fields`, `list_display`, `ordering` and `list_filter`, a use of the target's
/// field handle (`User::USERNAME`), so that a misspelt name fails to
/// compile at the attribute. Paths of more than one hop are checked at
/// their first step here and in full when the admin starts.
fn relation_path_checks(cont: &Container) -> TokenStream {
    let admin = &cont.admin;
    let items = [
        &admin.search_fields,
        &admin.list_display,
        &admin.ordering,
        &admin.list_filter,
    ]
    .into_iter()
    .filter_map(|attr| attr.get())
    .flat_map(|list| list.value.iter());
    let uses = items.filter_map(|item| {
        let path = item.value.trim_start_matches('-');
        let mut parts = path.split("__");
        let (first, second) = (parts.next()?, parts.next()?);
        let field = cont.fields.iter().find(|f| f.name() == first)?;
        let TypeClass::ForeignKey(target) = field.class else {
            return None;
        };
        let upper = second.to_uppercase();
        syn::parse_str::<syn::Ident>(&upper).ok()?;
        let handle = format_ident!("{}", upper, span = item.value_span);
        Some(quote_spanned!(item.value_span => let _ = <#target>::#handle;))
    });
    let uses: Vec<TokenStream> = uses.collect();
    if uses.is_empty() {
        return TokenStream::new();
    }
    quote! {
        #[allow(dead_code)]
        fn __relation_paths() {
            #(#uses)*
        }
    }
}

/// `Model::to_repr`, through the helpers of [`items`].
pub(crate) fn to_repr() -> TokenStream {
    quote! {
        fn to_repr(&self) -> String {
            (&__Repr(self)).__repr()
        }
    }
}

/// `impl AdminModel`; methods with nothing to say keep their default.
/// `load_with_reprs` is the join loader of the first `select_related`
/// target, when the model has one; `choices` reads keys and texts.
pub(crate) fn admin_model_impl(
    cont: &Container,
    orm: &TokenStream,
    load_with_reprs: TokenStream,
    choices: TokenStream,
) -> TokenStream {
    let ident = cont.ident;
    let admin_options = cont.admin.present.then(|| {
        quote! {
            fn admin_options() -> &'static #orm::model_admin::AdminOptions {
                &__ADMIN
            }
        }
    });
    let admin_method = admin_method(cont);
    let related_repr = related_repr(cont);
    quote! {
        #[automatically_derived]
        impl __orm::AdminModel for #ident {
            #admin_options
            #admin_method
            #related_repr
            #load_with_reprs
            #choices
        }
    }
}

/// `static __ADMIN`: the given options over `AdminOptions::DEFAULT`.
fn options_static(cont: &Container, orm: &TokenStream) -> Option<TokenStream> {
    let admin = &cont.admin;
    if !admin.present {
        return None;
    }
    let options = quote!(#orm::model_admin::AdminOptions);
    let lists = admin.name_lists().into_iter().filter_map(|(name, list)| {
        let names = list.get()?.value.iter().map(|n| &n.value);
        let field = format_ident!("{}", name);
        Some(quote!(#field: &[#(#names),*],))
    });
    let list_per_page = admin
        .list_per_page
        .value()
        .map(|n| quote!(list_per_page: #n,));
    let estimate_count_above = admin
        .estimate_count_above
        .value()
        .map(|n| quote!(estimate_count_above: #n,));
    let date_hierarchy = admin
        .date_hierarchy
        .value()
        .map(|d| quote!(date_hierarchy: Some(#d),));
    let prepopulated = admin.prepopulated_fields.get().map(|pairs| {
        let pairs = pairs.value.iter().map(|(key, sources)| {
            let key = &key.value;
            let sources = sources.iter().map(|s| &s.value);
            quote!((#key, &[#(#sources),*]))
        });
        quote!(prepopulated_fields: &[#(#pairs),*],)
    });
    let fieldsets = admin.fieldsets.get().map(|sets| {
        let sets = sets.value.iter().map(|set| {
            let name = &set.name;
            let fields = set.fields.iter().map(|f| &f.value);
            let collapse = set.collapse;
            quote!(#orm::model_admin::Fieldset { name: #name, fields: &[#(#fields),*], collapse: #collapse })
        });
        quote!(fieldsets: &[#(#sets),*],)
    });
    let save_as = admin.save_as.is_set().then(|| quote!(save_as: true,));
    let view_on_site = admin
        .view_on_site
        .value()
        .map(|url| quote!(view_on_site: Some(#url),));
    let actions = admin.actions.get().map(|actions| {
        let actions = actions.value.iter().map(|path| action(cont, orm, path));
        quote!(actions: &[#(#actions),*],)
    });
    Some(quote! {
        static __ADMIN: #options = #options {
            registered: true,
            #(#lists)*
            #list_per_page
            #estimate_count_above
            #date_hierarchy
            #prepopulated
            #fieldsets
            #save_as
            #view_on_site
            #actions
            ..#options::DEFAULT
        };
    })
}

/// One `AdminAction`. The user's function is first bound to the expected
/// function type at its own path, so a wrong signature is reported there,
/// with the signature it should have.
fn action(cont: &Container, orm: &TokenStream, path: &syn::Path) -> TokenStream {
    let ident = cont.ident;
    let name = path
        .segments
        .last()
        .map(|s| s.ident.to_string())
        .unwrap_or_default();
    let description = case::snake_to_label(&name);
    let bind = quote_spanned! {path.span()=>
        let action: fn(&mut #orm::AnyConnection, #orm::QuerySet<#ident>) -> #orm::Result<usize> = #path;
    };
    quote! {
        #orm::model_admin::AdminAction {
            name: #name,
            description: #description,
            run: |conn, spec| {
                #bind
                action(conn, #orm::QuerySet::from_spec(::core::clone::Clone::clone(spec)))
            },
        }
    }
}

/// `__admin_method`: one arm per method column of `list_display`, calling
/// the method at the span of its name.
fn admin_method(cont: &Container) -> Option<TokenStream> {
    let arms: Vec<TokenStream> = method_columns(cont)
        .map(|(name, span)| {
            let method = syn::Ident::new(name, span);
            let call = quote_spanned! {span=>
                ::std::string::ToString::to_string(&self.#method())
            };
            quote!(#name => Some(#call),)
        })
        .collect();
    if arms.is_empty() {
        return None;
    }
    Some(quote! {
        fn __admin_method(&self, name: &str) -> Option<String> {
            match name {
                #(#arms)*
                _ => None,
            }
        }
    })
}

/// The `list_display` names that are neither fields nor paths across
/// relations: methods.
fn method_columns<'a>(cont: &'a Container) -> impl Iterator<Item = (&'a str, Span)> {
    let is_field = |name: &str| {
        cont.fields
            .iter()
            .chain(&cont.many_to_many)
            .any(|f| f.name() == name)
    };
    cont.admin
        .list_display
        .get()
        .into_iter()
        .flat_map(|list| &list.value)
        .filter(move |item| !is_field(&item.value) && !item.value.contains("__"))
        .map(|item| (item.value.as_str(), item.span))
}

/// `__related_repr`: one arm per foreign key.
fn related_repr(cont: &Container) -> Option<TokenStream> {
    let arms: Vec<TokenStream> = cont
        .fields
        .iter()
        .enumerate()
        .filter(|(_, f)| matches!(f.class, TypeClass::ForeignKey(_)))
        .map(|(i, f)| {
            let field = f.ident;
            let target = if f.nullable {
                quote!(self.#field.as_ref().and_then(__orm::ForeignKey::get))
            } else {
                quote!(self.#field.get())
            };
            quote!(#i => #target.map(__orm::Model::to_repr),)
        })
        .collect();
    if arms.is_empty() {
        return None;
    }
    Some(quote! {
        fn __related_repr(&self, field: usize) -> Option<String> {
            match field {
                #(#arms)*
                _ => None,
            }
        }
    })
}
