//! What `#[derive(Model)]` writes for the blog's `Article`, formatted and
//! kept as a snapshot (`snapshots/`), and held to a line budget: the
//! generated code is data (the table, the schema, one match from field to
//! column, the row conversions); logic belongs in orm-core.

/// Most lines the formatted expansion of the 8-field `Article` may have:
/// 40 % of the 3,429 lines it had while the derive carried its own copy of
/// diesel's table expansion and per-field query code.
const LINE_BUDGET: usize = 1_371;
/// What each field past those 8 may add: a field costs 30 to 75 formatted
/// lines (its handle, its column, its schema entry, its row conversions,
/// its writes), as the blog's `comment_count` and `cover` did.
const LINES_PER_FIELD: usize = 75;

const ARTICLE: &str = include_str!("../../examples/blog/src/models.rs");

fn article() -> syn::DeriveInput {
    let file = syn::parse_file(ARTICLE).unwrap();
    let item = file
        .items
        .into_iter()
        .find_map(|item| match item {
            syn::Item::Struct(s) if s.ident == "Article" => Some(s),
            _ => None,
        })
        .unwrap();
    item.into()
}

fn expansion() -> String {
    let tokens = crate::expand::derive_model(&article()).unwrap();
    prettyplease::unparse(&syn::parse2::<syn::File>(tokens).unwrap())
}

#[test]
fn article_expansion_matches_its_snapshot() {
    insta::assert_snapshot!("article", expansion());
}

#[test]
fn article_expansion_stays_within_its_line_budget() {
    let lines = expansion().lines().count();
    let fields = match &article().data {
        syn::Data::Struct(s) => s.fields.len(),
        _ => 0,
    };
    let budget = LINE_BUDGET + fields.saturating_sub(8) * LINES_PER_FIELD;
    assert!(
        lines <= budget,
        "the expansion of Article ({fields} fields) has {lines} lines, over the budget of {budget}"
    );
}
