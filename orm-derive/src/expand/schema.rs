//! The schema IR static: the single description of the model.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::many_to_many::through_name;
use super::*;
use crate::attr::Spanned;
use crate::constraint_attr::ConstraintKind;

impl<'a> Model<'a> {
    pub(super) fn schema(&self) -> TokenStream {
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
        let constraints = cont.attrs.constraints.value().unwrap_or_default();
        let indexes = cont
            .attrs
            .indexes
            .value()
            .unwrap_or_default()
            .into_iter()
            .map(|index| {
                let name = index.name.map(|n| n.value).unwrap_or_default();
                let condition = index.condition.map(|c| c.value).unwrap_or_default();
                index_schema(&name, index.fields, false, &condition)
            })
            .chain(cont.attrs.full_text.value().map(|fields| {
                let names = fields.into_iter().map(|n| n.value);
                quote! {
                    __orm::IndexSchema {
                        name: __orm::Cow::Borrowed(""),
                        fields: __orm::Cow::Borrowed(&[#(__orm::Cow::Borrowed(#names)),*]),
                        unique: false,
                        kind: __orm::IndexKind::FullText,
                        condition: __orm::Cow::Borrowed(""),
                    }
                }
            }))
            .chain(constraints.iter().filter_map(|decl| match &decl.kind {
                ConstraintKind::Unique { fields, condition } => {
                    let condition = condition
                        .as_ref()
                        .map(|c| c.value.clone())
                        .unwrap_or_default();
                    Some(index_schema(
                        &decl.name.value,
                        fields.clone(),
                        true,
                        &condition,
                    ))
                }
                ConstraintKind::Check(_) => None,
            }));
        let checks = constraints.iter().filter_map(|decl| match &decl.kind {
            ConstraintKind::Check(check) => {
                let (name, check) = (&decl.name.value, &check.value);
                Some(quote! {
                    __orm::CheckSchema {
                        name: __orm::Cow::Borrowed(#name),
                        check: __orm::Cow::Borrowed(#check),
                    }
                })
            }
            ConstraintKind::Unique { .. } => None,
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
            let through_label = match f.attrs.through.get() {
                Some(custom) => {
                    let ty = &custom.value;
                    quote!(<#ty as __orm::Model>::LABEL)
                }
                None => {
                    let label = format!("{}.{}", self.app_label, through_name(cont.ident, f));
                    quote!(#label)
                }
            };
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
                checks: __orm::Cow::Borrowed(&[#(#checks),*]),
                auto_created: #auto_created,
                many_to_many: __orm::Cow::Borrowed(&[#(#many_to_many),*]),
            };
        }
    }

    pub(super) fn field_schema(&self, index: usize, f: &Field) -> TokenStream {
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
            TypeClass::String if a.file.is_set() => quote!(__orm::FieldKind::File),
            TypeClass::String if a.image.is_set() => quote!(__orm::FieldKind::Image),
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
                } else if a.file.is_set() || a.image.is_set() {
                    Some(100)
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
        let unique = (a.unique.is_set() || f.one_to_one) && !primary_key;
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
}

/// An `IndexSchema` literal: a plain index over `fields`, unique or not,
/// with its condition (empty: none).
fn index_schema(
    name: &str,
    fields: Vec<Spanned<String>>,
    unique: bool,
    condition: &str,
) -> TokenStream {
    let names = fields.into_iter().map(|n| n.value);
    quote! {
        __orm::IndexSchema {
            name: __orm::Cow::Borrowed(#name),
            fields: __orm::Cow::Borrowed(&[#(__orm::Cow::Borrowed(#names)),*]),
            unique: #unique,
            kind: __orm::IndexKind::Plain,
            condition: __orm::Cow::Borrowed(#condition),
        }
    }
}
