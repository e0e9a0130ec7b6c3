//! Forms: `#[derive(Form)]` against bad input (empty, too long, the wrong
//! type, NUL bytes, bytes that are not UTF-8, a field sent twice), with
//! validators and a form-level `clean`; `ModelForm` and the editing views
//! on every backend: saved when valid, nothing saved otherwise, a value
//! another row holds refused beside its field, a key that names no row
//! refused, the fields a form leaves out kept.

use orm::views::{CreateView, DeleteView, Deleted, Edited, FormView, Submitted, UpdateView};
use orm_core::forms::{Form, FormData, ModelForm};
use orm_core::prelude::*;
use tests::backends::each_backend;
use tests::models::{Article, Author};

fn no_links(text: &str) -> Result<(), String> {
    if text.contains("http") {
        Err("No links, please.".into())
    } else {
        Ok(())
    }
}

#[derive(Form, Debug)]
#[form(clean)]
pub struct Booking {
    #[field(max_length = 20, validators = [no_links])]
    pub name: String,
    #[field(email)]
    pub email: String,
    pub guests: i32,
    pub arrival: NaiveDate,
    pub departure: NaiveDate,
    #[field(choices = [("a", "Attic"), ("g", "Garden")])]
    pub room: String,
    #[field(blank, text)]
    pub note: String,
    pub breakfast: bool,
    pub budget: Option<BigDecimal>,
}

impl Clean for Booking {
    fn clean(&self) -> Result<(), ValidationErrors> {
        if self.departure <= self.arrival {
            return Err("The departure comes after the arrival.".into());
        }
        Ok(())
    }
}

const GOOD: &str = "name=Ada&email=ada%40example.com&guests=2&arrival=2026-12-24\
    &departure=2026-12-27&room=g&note=Late%0D%0Aarrival&breakfast=on";

fn with(field: &str, value: &str) -> Vec<u8> {
    let mut pairs: Vec<String> = GOOD
        .split('&')
        .filter(|pair| !pair.starts_with(&format!("{field}=")))
        .map(str::to_owned)
        .collect();
    pairs.push(format!("{field}={value}"));
    pairs.join("&").into_bytes()
}

#[test]
fn a_valid_form_gives_typed_values() {
    let booking = Booking::bind(&FormData::parse(GOOD.as_bytes()))
        .into_valid()
        .expect("valid");
    assert_eq!(booking.guests, 2);
    assert_eq!(booking.note, "Late\narrival", "line endings as \\n");
    assert!(booking.breakfast);
    assert_eq!(booking.budget, None);
    assert_eq!(booking.departure.to_string(), "2026-12-27");
}

#[test]
fn bad_input_is_refused_beside_its_field_and_kept() {
    let long = "x".repeat(21);
    let cases: &[(&str, &[u8], &str)] = &[
        ("name", b"", "This field is required."),
        (
            "name",
            long.as_bytes(),
            "Ensure this value has at most 20 characters (it has 21).",
        ),
        ("name", b"see+http%3A%2F%2Fspam", "No links, please."),
        ("name", b"A%00da", "Null characters are not allowed."),
        (
            "name",
            b"%FF%FE",
            "Enter valid text: what was sent is not UTF-8.",
        ),
        ("email", b"ada", "Enter a valid email address."),
        ("guests", b"two", "Enter a whole number."),
        (
            "guests",
            b"99999999999",
            "Ensure this value is less than or equal to 2147483647.",
        ),
        ("arrival", b"yesterday", "Enter a valid date."),
        (
            "room",
            b"cellar",
            "Select a valid choice. cellar is not one of the available choices.",
        ),
        ("budget", b"lots", "Enter a number."),
    ];
    for (field, value, message) in cases {
        let value = String::from_utf8_lossy(value);
        let body = with(field, &value);
        let form = Booking::bind(&FormData::parse(&body));
        assert!(!form.is_valid(), "{field}={value}");
        let errors = form.errors().get(field);
        assert_eq!(errors.len(), 1, "{field}={value}: {errors:?}");
        assert!(
            errors[0].starts_with(message.trim_end_matches('.')),
            "{field}={value}: {errors:?}"
        );
        assert_eq!(
            form.text("email"),
            if *field == "email" {
                "ada"
            } else {
                "ada@example.com"
            }
        );
        let shown = form.field(field).expect("shown");
        assert_eq!(shown.errors, errors, "beside the field when rendered");
    }
    let twice = format!("{GOOD}&guests=3");
    let form = Booking::bind(&FormData::parse(twice.as_bytes()));
    assert_eq!(form.errors().get("guests"), ["Enter a single value."]);
}

#[test]
fn the_forms_clean_runs_once_the_fields_are_valid() {
    let form = Booking::bind(&FormData::parse(&with("departure", "2026-12-20")));
    assert_eq!(
        form.non_field_errors(),
        ["The departure comes after the arrival."]
    );
    let html = orm::forms::as_html(&form);
    assert!(html.contains("The departure comes after the arrival."));
    assert!(html.contains(r#"value="2026-12-20""#), "kept: {html}");
    let empty = Booking::empty();
    assert!(!empty.is_bound() && empty.errors().is_empty());
    assert_eq!(
        empty.text("guests"),
        "",
        "a number nobody chose starts empty"
    );
    let submitted = Submitted(None);
    assert!(matches!(
        FormView::run::<Booking>(&submitted),
        Edited::Show(_)
    ));
    let submitted = Submitted(Some(FormData::parse(GOOD.as_bytes())));
    assert!(matches!(
        FormView::run::<Booking>(&submitted),
        Edited::Done(_)
    ));
}

fn author(conn: &mut AnyConnection, name: &str) -> Author {
    let mut author = Author {
        id: 0,
        username: name.into(),
        email: String::new(),
    };
    author.save(conn).unwrap();
    author
}

fn article_form() -> ModelForm<Article> {
    ModelForm::fields(&["title", "slug", "author", "content"]).unwrap()
}

#[test]
fn model_forms_save_valid_objects_only() {
    each_backend(&[Author::schema(), Article::schema()], |kind, db| {
        let mut conn = db.conn().unwrap();
        let ada = author(&mut conn, "ada");
        let form = article_form();
        let empty = form.empty(&mut conn).unwrap();
        let key = empty.field("author").unwrap();
        assert!(
            matches!(&key.widget, orm_core::forms::Widget::Select { options, .. }
                if options.iter().any(|o| o.value == ada.id.to_string())),
            "{kind}: the key's choices: {:?}",
            key.widget
        );
        let body = format!("title=First&slug=first&author={}&content=Hello", ada.id);
        let bound = form
            .bind(&mut conn, None, &FormData::parse(body.as_bytes()))
            .unwrap();
        let first = bound.save(&mut conn).unwrap().expect("saved");
        assert!(first.id > 0, "{kind}");
        assert!(
            !first.is_published,
            "{kind}: the default of a field left out"
        );

        let again = form
            .bind(&mut conn, None, &FormData::parse(body.as_bytes()))
            .unwrap();
        let refused = again
            .save(&mut conn)
            .unwrap()
            .expect_err("the slug is taken");
        assert_eq!(
            refused.errors().get("slug"),
            ["Article with this Slug already exists."],
            "{kind}"
        );
        assert_eq!(refused.text("title"), "First", "{kind}: kept");

        let body = "title=Second&slug=second&author=999999&content=x";
        let bound = form
            .bind(&mut conn, None, &FormData::parse(body.as_bytes()))
            .unwrap();
        assert_eq!(
            bound.errors().get("author").len(),
            1,
            "{kind}: no such author"
        );
        assert!(bound.save(&mut conn).unwrap().is_err(), "{kind}");
        assert_eq!(
            Article::objects().count(&mut conn).unwrap(),
            1,
            "{kind}: nothing more saved"
        );

        let mut published = first.clone();
        published.is_published = true;
        published.save(&mut conn).unwrap();
        let body = format!("title=Renamed&slug=first&author={}&content=Hello", ada.id);
        let bound = form
            .bind(
                &mut conn,
                Some(&published),
                &FormData::parse(body.as_bytes()),
            )
            .unwrap();
        let renamed = bound.save(&mut conn).unwrap().expect("saved");
        assert_eq!(renamed.id, first.id, "{kind}: the same row");
        assert!(
            renamed.is_published,
            "{kind}: a field left out keeps its value"
        );
        assert!(ModelForm::<Article>::fields(&["nope"]).is_err(), "{kind}");
    });
}

#[tokio::test(flavor = "multi_thread")]
async fn editing_views_show_save_and_delete() {
    for (kind, url) in tests::backends::configured() {
        let test_db =
            tests::backends::fresh(kind, url.as_deref(), &[Author::schema(), Article::schema()]);
        let db = test_db.db.clone();
        let ada = author(&mut db.conn().unwrap(), "ada");
        let start = Article {
            id: 0,
            title: String::new(),
            slug: String::new(),
            author: ForeignKey::new(ada.id),
            content: String::new(),
            published_date: chrono::Utc::now(),
            updated_date: chrono::Utc::now(),
            is_published: false,
        };
        let create = CreateView::new(ModelForm::fields(&["title", "slug", "content"]).unwrap())
            .initial(start);
        let shown = create.run(&db, Submitted(None)).await.unwrap();
        assert!(
            matches!(shown, Edited::Show(ref f) if !f.is_bound()),
            "{kind}"
        );
        let bad = Submitted(Some(FormData::parse(b"title=&slug=a+b&content=x")));
        let Edited::Show(form) = create.run(&db, bad).await.unwrap() else {
            panic!("{kind}: invalid");
        };
        assert_eq!(form.errors().get("title"), ["This field is required."]);
        assert_eq!(form.errors().get("slug").len(), 1, "{kind}");
        let good = Submitted(Some(FormData::parse(b"title=Hi&slug=hi&content=x")));
        let Edited::Done(article) = create.run(&db, good).await.unwrap() else {
            panic!("{kind}: valid");
        };
        assert_eq!(
            article.author.id(),
            ada.id,
            "{kind}: from the initial object"
        );

        let update = UpdateView::new(ModelForm::fields(&["title"]).unwrap());
        let Edited::Show(form) = update
            .run(&db, article.clone(), Submitted(None))
            .await
            .unwrap()
        else {
            panic!("{kind}: the form");
        };
        assert_eq!(form.text("title"), "Hi", "{kind}");
        let renamed = Submitted(Some(FormData::parse(b"title=Hello")));
        let Edited::Done(changed) = update.run(&db, article.clone(), renamed).await.unwrap() else {
            panic!("{kind}: saved");
        };
        assert_eq!(
            (changed.title.as_str(), changed.slug.as_str()),
            ("Hello", "hi")
        );

        let Deleted::Confirm { plan, .. } = DeleteView::run(&db, ada.clone(), Submitted(None))
            .await
            .unwrap()
        else {
            panic!("{kind}: the confirmation");
        };
        assert_eq!(
            plan.deleted_count(),
            2,
            "{kind}: the author and the article"
        );
        let post = Submitted(Some(FormData::parse(b"")));
        let Deleted::Done(count) = DeleteView::run(&db, ada, post).await.unwrap() else {
            panic!("{kind}: deleted");
        };
        assert_eq!(count, 2, "{kind}");
    }
}
