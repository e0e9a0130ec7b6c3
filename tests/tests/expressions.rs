//! `F()` in filters on every backend: a field compared with other fields
//! and arithmetic over them (Django's `filter(views__gt=F("likes") * 2)`),
//! combined with other conditions, negated, in updates' filters, and
//! `NULL` never comparing.

use orm_core::prelude::*;
use orm_core::query::F;
use tests::backends::each_backend;

#[derive(Model, Debug, Clone)]
#[model(app_label = "stats")]
struct Page {
    id: i64,
    #[field(max_length = 20)]
    name: String,
    views: i64,
    likes: i64,
    score: Option<i32>,
}

fn names(conn: &mut AnyConnection, filter: Filter<Page>) -> Vec<String> {
    let mut names: Vec<String> = Page::objects()
        .filter(filter)
        .all(conn)
        .unwrap()
        .into_iter()
        .map(|p| p.name)
        .collect();
    names.sort();
    names
}

#[test]
fn fields_compared_with_fields() {
    each_backend(&[Page::schema()], |kind, db| {
        let mut conn = db.conn().unwrap();
        let conn = &mut conn;
        for (name, views, likes, score) in [
            ("a", 10, 2, Some(1)),
            ("b", 10, 5, None),
            ("c", 4, 4, Some(-3)),
            ("d", 1, 9, Some(7)),
        ] {
            Page {
                id: 0,
                name: name.into(),
                views,
                likes,
                score,
            }
            .save(conn)
            .unwrap();
        }
        assert_eq!(
            names(conn, F(Page::VIEWS).gt(F(Page::LIKES) * 2)),
            ["a"],
            "{kind}"
        );
        assert_eq!(
            names(conn, F(Page::VIEWS).gte(F(Page::LIKES) * 2)),
            ["a", "b"],
            "{kind}"
        );
        assert_eq!(
            names(conn, F(Page::VIEWS).eq(F(Page::LIKES))),
            ["c"],
            "{kind}"
        );
        assert_eq!(
            names(conn, F(Page::VIEWS).ne(F(Page::LIKES))),
            ["a", "b", "d"],
            "{kind}"
        );
        assert_eq!(
            names(conn, F(Page::VIEWS).lt(F(Page::LIKES))),
            ["d"],
            "{kind}"
        );
        assert_eq!(
            names(conn, (F(Page::VIEWS) - F(Page::LIKES)).gte(5)),
            ["a", "b"],
            "{kind}"
        );
        assert_eq!(
            names(conn, F(Page::LIKES).lte(4)),
            ["a", "c"],
            "{kind}: a constant"
        );
        // NULL compares with nothing, either way.
        assert_eq!(names(conn, F(Page::SCORE).gt(0)), ["a", "d"], "{kind}");
        assert_eq!(names(conn, F(Page::SCORE).lte(0)), ["c"], "{kind}");
        // Combined, negated, excluded.
        let both = F(Page::VIEWS).gt(F(Page::LIKES)) & Page::NAME.ne("a");
        assert_eq!(names(conn, both), ["b"], "{kind}");
        assert_eq!(
            names(conn, !F(Page::VIEWS).gt(F(Page::LIKES))),
            ["c", "d"],
            "{kind}"
        );
        let rest = Page::objects()
            .exclude(F(Page::VIEWS).gt(F(Page::LIKES)))
            .count(conn)
            .unwrap();
        assert_eq!(rest, 2, "{kind}");
        // In an update's filter: catch the likes up with the views.
        let changed = Page::objects()
            .filter(F(Page::LIKES).lt(F(Page::VIEWS)))
            .update(conn, vec![Page::LIKES.set_to(F(Page::VIEWS))])
            .unwrap();
        assert_eq!(changed, 2, "{kind}");
        assert_eq!(
            names(conn, F(Page::VIEWS).eq(F(Page::LIKES))),
            ["a", "b", "c"],
            "{kind}"
        );
    });
}
