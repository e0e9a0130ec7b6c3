//! `#[model(display = "{first_name} {last_name}")]`: the model's `Display`
//! (Django's `__str__`) declared as a format string over its fields.
//!
//! Declared this way, the derive knows which columns the text reads, so a
//! list that shows a foreign key's target (the admin's changelist) loads
//! only those columns of the target's table.

use proc_macro2::TokenStream;
use quote::{format_ident, quote, quote_spanned};

use crate::ast::{Container, Field, TypeClass};
use crate::ctxt::Ctxt;

/// The field names a format string reads, in order of first use:
/// `{name}` and `{name:spec}`; `{{` and `}}` are literal braces.
pub(crate) fn placeholders(format: &str) -> Result<Vec<String>, String> {
    let mut names: Vec<String> = Vec::new();
    let mut chars = format.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '{' if chars.peek() == Some(&'{') => {
                chars.next();
            }
            '{' => {
                let mut inside = String::new();
                loop {
                    match chars.next() {
                        Some('}') => break,
                        Some(c) => inside.push(c),
                        None => {
                            return Err("a `{` is not closed\nhelp: write `{{` for a brace".into())
                        }
                    }
                }
                let name = inside.split(':').next().unwrap_or_default().trim();
                if name.is_empty() || name.starts_with(|c: char| c.is_ascii_digit()) {
                    return Err(format!(
                        "`{{{inside}}}` does not name a field\nhelp: name the field in the braces, as in `{{title}}`"
                    ));
                }
                if !names.iter().any(|n| n == name) {
                    names.push(name.to_owned());
                }
            }
            '}' if chars.peek() == Some(&'}') => {
                chars.next();
            }
            '}' => return Err("a `}` is not opened\nhelp: write `}}` for a brace".into()),
            _ => {}
        }
    }
    Ok(names)
}

/// Reports a `display` that does not parse or names what is not a column
/// of the model (an unknown field, a foreign key, a many-to-many field).
pub(crate) fn check(cx: &Ctxt, cont: &Container) {
    let Some(display) = cont.attrs.display.get() else {
        return;
    };
    let names = match placeholders(&display.value) {
        Ok(names) => names,
        Err(message) => {
            cx.error_at(display.value_span, format!("`display`: {message}"));
            return;
        }
    };
    for name in names {
        match cont.fields.iter().find(|f| f.name() == name) {
            Some(f) if matches!(f.class, TypeClass::ForeignKey(_)) => cx.error_at(
                display.value_span,
                format!(
                    "`display` names `{name}`, a foreign key: its text needs another table's row\nhelp: name fields of this model only"
                ),
            ),
            Some(_) => {}
            None => {
                let known: Vec<String> = cont.fields.iter().map(Field::name).collect();
                let what = if cont.many_to_many.iter().any(|f| f.name() == name) {
                    format!("`display` names `{name}`, a many-to-many field, which is not a column")
                } else {
                    format!("`display` names unknown field `{name}`")
                };
                cx.error_at(
                    display.value_span,
                    format!("{what}\nhelp: the fields are: {}", known.join(", ")),
                );
            }
        }
    }
}

/// The declared display's fields (schema indices), `None` when the model
/// has no `display` attribute.
fn fields<'c, 'a>(cont: &'c Container<'a>) -> Option<Vec<(usize, &'c Field<'a>)>> {
    let display = cont.attrs.display.get()?;
    let names = placeholders(&display.value).ok()?;
    Some(
        names
            .iter()
            .filter_map(|name| {
                cont.fields
                    .iter()
                    .enumerate()
                    .find(|(_, f)| f.name() == *name)
            })
            .collect(),
    )
}

/// `impl Display` from the declared format, and a function that writes it
/// from the fields' values (shared by `Display` and the text of a target
/// loaded with only these columns). Nothing without `display`.
pub(crate) fn display_impl(cont: &Container) -> TokenStream {
    let (Some(display), Some(fields)) = (cont.attrs.display.get(), fields(cont)) else {
        return TokenStream::new();
    };
    let ident = cont.ident;
    let format = syn::LitStr::new(&display.value, display.value_span);
    let params = fields.iter().map(|(_, f)| {
        let name = f.ident;
        let ty = f.ty;
        quote!(#name: &#ty)
    });
    let args = fields.iter().map(|(_, f)| {
        let name = f.ident;
        if f.nullable {
            quote_spanned!(display.value_span=> #name = __orm::OptionText(#name))
        } else {
            quote_spanned!(display.value_span=> #name = #name)
        }
    });
    let own = fields.iter().map(|(_, f)| {
        let name = f.ident;
        quote!(&self.#name)
    });
    // At the attribute: a second, hand-written `Display` is reported there.
    let display_impl = quote_spanned! {display.value_span=>
        #[automatically_derived]
        impl ::core::fmt::Display for #ident {
            fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                Self::__write_display(f, #(#own,)*)
            }
        }
    };
    quote! {
        impl #ident {
            fn __write_display(
                f: &mut ::core::fmt::Formatter<'_>,
                #(#params,)*
            ) -> ::core::fmt::Result {
                ::core::write!(f, #format, #(#args,)*)
            }
        }

        #display_impl
    }
}

/// The `JoinTarget` items saying which columns `to_repr` reads and how the
/// text is made from them: the declared display's columns, or every column
/// (the whole object and its `to_repr`) when there is no `display`. `pk`
/// is the primary key's index among the fields.
pub(crate) fn join_target_repr(cont: &Container, pk: usize) -> TokenStream {
    let Some(fields) = fields(cont).filter(|fields| !fields.is_empty()) else {
        return quote! {
            type ReprColumns = Self::Columns;
            type ReprRow = Self;
            const REPR_COLUMNS: Self::ReprColumns = Self::COLUMNS;
            fn repr_of(row: Self) -> String {
                __orm::Model::to_repr(&row)
            }
        };
    };
    // The key first: a row of the left join whose columns are all NULL
    // is then a missing target, never a target whose shown fields are NULL.
    let pk = &cont.fields[pk];
    let pk_column = pk.ident;
    let pk_ty = pk.ty;
    let columns: Vec<TokenStream> = fields
        .iter()
        .map(|(_, f)| {
            let column = f.ident;
            quote!(__orm_table::#column)
        })
        .collect();
    let db_types = fields.iter().map(|(_, f)| {
        let ty = f.ty;
        quote!(<#ty as __orm::FieldType>::Db)
    });
    let values: Vec<syn::Ident> = (0..fields.len())
        .map(|i| format_ident!("__v{}", i))
        .collect();
    let reads = fields
        .iter()
        .zip(&values)
        .enumerate()
        .map(|(i, ((_, f), value))| {
            let ty = f.ty;
            let index = syn::Index::from(i + 1);
            quote! {
                let Ok(#value) = <#ty as __orm::FieldType>::from_db(row.#index) else {
                    return ::std::string::String::new();
                };
            }
        });
    quote! {
        type ReprColumns = (__orm_table::#pk_column, #(#columns,)*);
        type ReprRow = (<#pk_ty as __orm::FieldType>::Db, #(#db_types,)*);
        const REPR_COLUMNS: Self::ReprColumns = (__orm_table::#pk_column, #(#columns,)*);
        fn repr_of(row: Self::ReprRow) -> String {
            #(#reads)*
            ::std::string::ToString::to_string(&__orm::DisplayWith(|f: &mut ::core::fmt::Formatter<'_>| {
                Self::__write_display(f, #(&#values,)*)
            }))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::placeholders;

    #[test]
    fn names_in_order_of_first_use() {
        assert_eq!(
            placeholders("{last}, {first} ({last:>5}) {{x}}").unwrap(),
            vec!["last".to_owned(), "first".to_owned()]
        );
        assert_eq!(placeholders("plain").unwrap(), Vec::<String>::new());
    }

    #[test]
    fn refuses_what_names_no_field() {
        for bad in ["{}", "{0}", "{:>3}", "{title", "title}"] {
            assert!(placeholders(bad).is_err(), "{bad}");
        }
    }
}
