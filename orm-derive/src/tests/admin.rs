//! `#[admin(...)]`: parsing, checks (all errors at once) and what is
//! generated, and not generated, for it.

use crate::ast::Container;
use crate::case;
use crate::check;
use crate::ctxt::Ctxt;
use crate::expand::derive_model;

fn input(tokens: proc_macro2::TokenStream) -> syn::DeriveInput {
    syn::parse2(tokens).unwrap()
}

/// The messages of every error the derive reports, in order.
fn errors(tokens: proc_macro2::TokenStream) -> Vec<String> {
    match derive_model(&input(tokens)) {
        Ok(_) => Vec::new(),
        Err(err) => err.into_iter().map(|e| e.to_string()).collect(),
    }
}

fn expand(tokens: proc_macro2::TokenStream) -> String {
    derive_model(&input(tokens)).unwrap().to_string()
}

#[test]
fn parses_every_option() {
    let input = input(quote::quote! {
        #[admin(
            list_display = ["title", "word_count"],
            list_display_links = ["title"],
            list_filter = ["is_published"],
            search_fields = ["title"],
            ordering = ["-title"],
            list_per_page = 50,
            estimate_count_above = 500_000,
            readonly_fields = ["title"],
            fields = ["title", "is_published"],
            raw_id_fields = ["author"],
            autocomplete_fields = [],
            date_hierarchy = "created",
            prepopulated_fields(slug = ["title", "subtitle"]),
            actions = [publish, crate::actions::unpublish],
        )]
        struct Post {
            id: i64,
        }
    });
    let cx = Ctxt::default();
    let cont = Container::from_ast(&cx, &input).unwrap();
    cx.check().unwrap();
    let admin = &cont.admin;
    let names = |list: &crate::attr::Attr<crate::admin_attr::Names>| -> Vec<String> {
        list.value().unwrap().into_iter().map(|n| n.value).collect()
    };
    assert!(admin.present);
    assert_eq!(names(&admin.list_display), ["title", "word_count"]);
    assert_eq!(names(&admin.ordering), ["-title"]);
    assert_eq!(names(&admin.autocomplete_fields), Vec::<String>::new());
    assert!(!admin.exclude.is_set());
    assert_eq!(admin.list_per_page.value(), Some(50));
    assert_eq!(admin.estimate_count_above.value(), Some(500_000));
    assert_eq!(admin.date_hierarchy.value().as_deref(), Some("created"));
    let prepopulated = admin.prepopulated_fields.value().unwrap();
    assert_eq!(prepopulated[0].0.value, "slug");
    let sources: Vec<&str> = prepopulated[0].1.iter().map(|n| n.value.as_str()).collect();
    assert_eq!(sources, ["title", "subtitle"]);
    let actions: Vec<String> = admin
        .actions
        .value()
        .unwrap()
        .iter()
        .map(|p| quote::quote!(#p).to_string().replace(' ', ""))
        .collect();
    assert_eq!(actions, ["publish", "crate::actions::unpublish"]);
}

#[test]
fn bare_admin_registers() {
    let input = input(quote::quote! {
        #[admin]
        struct Post {
            id: i64,
        }
    });
    let cx = Ctxt::default();
    let cont = Container::from_ast(&cx, &input).unwrap();
    check::check(&cx, &cont);
    cx.check().unwrap();
    assert!(cont.admin.present);
    assert!(!cont.admin.list_display.is_set());
}

#[test]
fn reports_every_mistake_at_once() {
    let errors = errors(quote::quote! {
        #[admin(
            list_display = ["tags", "not a name"],
            list_display_links = ["id"],
            list_filter = ["title"],
            search_fields = ["id"],
            ordering = ["-nope"],
            fields = ["title"],
            exclude = ["id"],
            raw_id_fields = ["title"],
            date_hierarchy = "title",
            prepopulated_fields(title = ["id"]),
            list_per_page = 0,
            colour = "red",
        )]
        struct Post {
            id: i64,
            #[field(max_length = 10)]
            title: String,
            tags: ManyToMany<Tag>,
        }
    });
    let expected = [
        "`list_per_page` must be at least 1",
        "unknown admin attribute `colour`",
        "`list_display` cannot show the many-to-many field `tags`",
        "`list_display` names `not a name`, which is neither a field nor a method name",
        "`list_display_links` names `id`, which is not in `list_display`",
        "`list_filter` cannot filter on `title`, a field of type String",
        "`search_fields` names `id`, a field of type i64: search matches text",
        "`ordering` names unknown field `nope`",
        "`fields` and `exclude` cannot both be given",
        "`raw_id_fields` names `title`, a field of type String",
        "`date_hierarchy` needs a DateTime<Utc> or NaiveDate field, and `title` is a field of type String",
        "`prepopulated_fields` copies from `id`, a field of type i64",
    ];
    assert_eq!(errors.len(), expected.len(), "{errors:#?}");
    for (error, expected) in errors.iter().zip(expected) {
        assert!(
            error.starts_with(expected),
            "{error:?} should start with {expected:?}"
        );
    }
}

#[test]
fn repeated_names() {
    let errors = errors(quote::quote! {
        #[admin(
            ordering = ["title", "-title"],
            raw_id_fields = ["author"],
            autocomplete_fields = ["author"],
            actions = [publish, other::publish],
        )]
        struct Post {
            id: i64,
            #[field(max_length = 10)]
            title: String,
            #[field(on_delete = Cascade)]
            author: ForeignKey<Author>,
        }
    });
    let expected = [
        "`ordering` names `title` twice",
        "`author` is in both `raw_id_fields` and `autocomplete_fields`",
        "duplicate action `publish`",
    ];
    assert_eq!(errors.len(), expected.len(), "{errors:#?}");
    for (error, expected) in errors.iter().zip(expected) {
        assert!(
            error.starts_with(expected),
            "{error:?} should start with {expected:?}"
        );
    }
}

#[test]
fn generates_only_what_is_needed() {
    let plain = expand(quote::quote! {
        struct Tag {
            id: i64,
        }
    });
    assert!(plain.contains("fn to_repr"));
    assert!(
        !plain.contains("__ADMIN"),
        "no #[admin]: the default options"
    );
    assert!(!plain.contains("fn __admin_method"));
    assert!(!plain.contains("fn __related_repr"), "no foreign key");

    let full = expand(quote::quote! {
        #[admin(list_display = ["title", "word_count"], actions = [make_draft])]
        struct Post {
            id: i64,
            #[field(max_length = 10)]
            title: String,
            #[field(on_delete = Cascade)]
            author: ForeignKey<Author>,
        }
    });
    assert!(full.contains("static __ADMIN"));
    assert!(full.contains("registered : true"));
    assert!(full.contains("fn admin_options"));
    assert!(full.contains("\"word_count\" => Some"));
    assert!(
        !full.contains("\"title\" => Some"),
        "fields are no method arms"
    );
    assert!(full.contains("2usize => self . author . get ()"));
    assert!(full.contains("description : \"Make draft\""));
}

#[test]
fn action_descriptions() {
    assert_eq!(case::snake_to_label("publish"), "Publish");
    assert_eq!(case::snake_to_label("make_published"), "Make published");
    assert_eq!(case::snake_to_label(""), "");
}
