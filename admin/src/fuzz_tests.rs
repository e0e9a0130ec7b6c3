//! Property tests: whatever a browser or an attacker sends, the decoders of
//! forms, query strings and redirects never panic, keep what they are given
//! and let nothing unexpected through.

use std::collections::HashMap;

use orm_contrib::auth::User;
use orm_core::model_admin::AdminOps;
use proptest::prelude::*;

use crate::changelist::params::ListParams;
use crate::form::{self, FormData};
use crate::safe_next::safe_next;
use crate::site::AdminModel;

fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        "[a-z_]{0,12}(__[a-z]{2,7})?",
        Just("' OR 1=1 --".to_owned()),
        Just("<script>alert(1)</script>".to_owned()),
        Just("\0\u{202e}%00%ff".to_owned()),
        "[ \t]{0,3}[0-9-]{0,25}[ \t]{0,3}",
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn form_bodies_decode_without_panicking(body in proptest::collection::vec(any::<u8>(), 0..512)) {
        let form = FormData::parse(&body);
        let _ = form.one("title");
        let _ = form.all("_selected_action");
    }

    #[test]
    fn form_fields_round_trip(pairs in proptest::collection::vec((text(), text()), 0..8)) {
        let body: String = form_urlencoded::Serializer::new(String::new())
            .extend_pairs(pairs.iter())
            .finish();
        let form = FormData::parse(body.as_bytes());
        for (name, value) in &pairs {
            prop_assert!(form.all(name).contains(&value.as_str()));
        }
    }

    #[test]
    fn query_strings_keep_only_allowed_keys(query in text(), allowed in "[a-z]{1,3}") {
        let params = ListParams::parse(&query, |k| k == allowed);
        prop_assert!(params.pairs().iter().all(|(k, _)| *k == allowed));
        let again = ListParams::parse(params.query().trim_start_matches('?'), |k| k == allowed);
        prop_assert_eq!(again, params);
    }

    #[test]
    fn next_never_leaves_the_site(next in text()) {
        let target = safe_next(Some(&next), "/admin/");
        prop_assert!(target == "/admin/" || target == next);
        prop_assert!(target.starts_with('/'));
        prop_assert!(!target.starts_with("//") && !target.contains('\\'));
    }

    #[test]
    fn any_submitted_user_form_binds_without_panicking(values in proptest::collection::vec(text(), 12)) {
        let model = AdminModel::new(AdminOps::of::<User>());
        let specs = form::specs(&model, false);
        let names: Vec<&str> = specs.iter().map(|s| s.name).collect();
        let body: String = form_urlencoded::Serializer::new(String::new())
            .extend_pairs(names.iter().zip(values.iter()))
            .finish();
        let submitted = FormData::parse(body.as_bytes());
        let base = model.schema.initial_values();
        let bound = form::bind(&model, &specs, &base, &submitted, &HashMap::new());
        // Every value typed into a text input is kept for the re-rendered form.
        prop_assert_eq!(bound.values.len(), base.len());
    }
}
