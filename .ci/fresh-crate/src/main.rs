//! A user's crate, depending on `orm` (and diesel) alone: the seed's
//! `Article`, declared and queried.

use orm::auth::User;
use orm::prelude::*;

/// A blog post, written by a user.
#[derive(Model, Debug, Clone, serde::Serialize)]
#[model(ordering = ["-published_date"], display = "{title}", full_text = ["title", "content"])]
#[admin(
    list_display = ["title", "author__username", "published_date"],
    search_fields = ["@title", "@content"],
    ordering = ["author__username"],
    fieldsets = [("", ["title", "slug", "author", "content"]), ("Publishing", ["is_published"], "collapse")],
    save_as,
    view_on_site = "/articles/{slug}/",
)]
pub struct Article {
    pub id: i64,
    #[field(max_length = 200)]
    pub title: String,
    #[field(slug, unique)]
    pub slug: String,
    #[field(on_delete = Cascade)]
    pub author: ForeignKey<User>,
    #[field(text)]
    pub content: String,
    #[field(auto_now_add)]
    pub published_date: DateTime<Utc>,
    #[field(auto_now)]
    pub updated_date: DateTime<Utc>,
    #[field(default = false)]
    pub is_published: bool,
}

/// One per user: a `OneToOne`, read back from the user. Karma is never
/// negative; a nickname is taken whatever its case.
#[derive(Model, Debug, Clone)]
#[model(
    constraints(
        karma_not_negative(check = "karma__gte=0"),
        nickname_any_case(unique = ["Lower(nickname)"], condition = "posts__gt=0"),
    ),
    clean,
)]
pub struct Profile {
    pub id: i64,
    #[field(on_delete = Cascade, related_name = "profile")]
    pub user: OneToOne<User>,
    pub karma: i64,
    pub posts: i64,
    #[field(max_length = 30, validators = [no_spaces])]
    pub nickname: String,
}

fn no_spaces(text: &str) -> Result<(), &'static str> {
    if text.contains(' ') { Err("No spaces, please.") } else { Ok(()) }
}

/// Nobody has more karma than ten times their posts.
impl Clean for Profile {
    fn clean(&self) -> Result<(), ValidationErrors> {
        if self.karma > self.posts * 10 {
            return Err(ValidationErrors::field("karma", "More karma than posts allow."));
        }
        Ok(())
    }
}

/// A picture, uploaded through a form into the site's storage.
#[derive(Model, Debug, Clone)]
pub struct Photo {
    pub id: i64,
    #[field(image)]
    pub picture: String,
}

/// A form of its own, with a check over the whole form.
#[derive(Form, Debug)]
#[form(clean)]
pub struct Contact {
    #[field(max_length = 100)]
    pub subject: String,
    #[field(email)]
    pub sender: String,
    #[field(text, blank)]
    pub message: String,
}

impl Clean for Contact {
    fn clean(&self) -> Result<(), ValidationErrors> {
        if self.message.contains("http") {
            return Err("No links, please.".into());
        }
        Ok(())
    }
}

/// A page for logged-in users only, with a form posting the CSRF token.
async fn me(
    orm::accounts::LoginRequired(access): orm::accounts::LoginRequired,
    token: orm::csrf::CsrfToken,
    messages: orm::messages::Messages,
) -> String {
    let _ = messages.info("Hello again.").await;
    format!("<form method=post>{}{}</form>", token.input(), access.user.username)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let url = orm::db::DatabaseUrl::parse("sqlite://:memory:")?;
    let mut conn = AnyConnection::open(&url)?;
    orm::create_tables(&mut conn, &[User::schema(), Article::schema(), Profile::schema()])?;
    let mut ada = User::new("ada", "ada@example.com");
    ada.save(&mut conn)?;
    let mut article = Article {
        id: 0,
        title: "Hello".into(),
        slug: "hello".into(),
        author: ForeignKey::new(ada.id),
        content: "First post.".into(),
        published_date: Utc::now(),
        updated_date: Utc::now(),
        is_published: true,
    };
    article.save(&mut conn)?;
    let found = Article::objects()
        .filter(Article::TITLE.icontains("ell"))
        .select_related(Article::AUTHOR)
        .all(&mut conn)?;
    let count = Article::objects().count(&mut conn)?;
    let author = found[0].author.get().map(|u| u.username.clone());
    println!("{} article(s), found {:?} by {:?}", count, found[0].title, author);
    if found.len() != 1 || author.as_deref() != Some("ada") {
        return Err("the query did not find the article with its author".into());
    }
    let searched = Article::objects().filter(Filter::full_text("first POST")).count(&mut conn)?;
    Profile { id: 0, user: ForeignKey::new(ada.id), karma: 5, posts: 2, nickname: "Ada".into() }
        .save(&mut conn)?;
    let mut grace = User::new("grace", "grace@example.com");
    grace.save(&mut conn)?;
    let negative = Profile { id: 0, user: ForeignKey::new(grace.id), karma: -1, posts: 1, nickname: "g".into() };
    let same_name = Profile { id: 0, user: ForeignKey::new(grace.id), karma: 1, posts: 1, nickname: "ADA".into() };
    if negative.validate().is_ok() || same_name.full_clean(&mut conn).is_ok() {
        return Err("a check or conditional unique constraint did not hold".into());
    }
    let spaced = Profile { id: 0, user: ForeignKey::new(grace.id), karma: 90, posts: 1, nickname: "g g".into() };
    let found = spaced.validate().err().map(|e| (e.get("nickname").len(), e.get("karma").len()));
    if found != Some((1, 1)) {
        return Err(format!("a validator or clean did not run: {found:?}").into());
    }
    let keen = Profile::objects().filter(orm::query::F(Profile::KARMA).gt(orm::query::F(Profile::POSTS) * 2));
    let locked = orm::atomic(&mut conn, |conn| {
        keen.clone().select_for_update(orm::query::Lock::Wait).all(conn)
    })?;
    let profile = ada.profile(&mut conn)?;
    println!("search: {searched}, keen: {}, profile: {:?}", locked.len(), profile.map(|p| p.karma));
    if searched != 1 || locked.len() != 1 {
        return Err("full-text search, F() filter or select_for_update went wrong".into());
    }
    let per_author: Vec<(String, i64)> = Article::objects()
        .values(&["author__username"])?
        .annotate("n", orm::query::Agg::count_rows())?
        .tuples(&mut conn)?;
    let shouted = Article::objects()
        .filter(orm::query::Upper(orm::query::F(Article::TITLE)).eq("HELLO"))
        .order_by([Article::AUTHOR.then(User::USERNAME.asc())])
        .count(&mut conn)?;
    println!("per author: {per_author:?}, shouted: {shouted}");
    if per_author != [("ada".to_owned(), 1)] || shouted != 1 {
        return Err("values, annotate, Upper or ordering across the key went wrong".into());
    }
    // select_related along a chain, a prefetch, Count backwards, defer.
    let chained = Profile::objects().select_related(Profile::USER).all(&mut conn)?;
    let with_articles = User::objects()
        .prefetch(Article::AUTHOR, Article::objects())
        .all(&mut conn)?;
    let counted: Vec<(String, i64)> = User::objects()
        .values(&["username"])?
        .annotate("n", orm::query::Agg::count("article"))?
        .order_by(&["username"])?
        .tuples(&mut conn)?;
    let light = Article::objects().defer(&["content"])?.all(&mut conn)?;
    println!("chained: {}, prefetched: {}, counted: {counted:?}", chained.len(), with_articles.len());
    if counted != [("ada".to_owned(), 1), ("grace".to_owned(), 0)] || light[0].is_loaded("content") {
        return Err("prefetch, Count backwards or defer went wrong".into());
    }
    // A signal, a mail to the memory outbox, a named route reversed.
    orm::signals::post_save::<Article>(|_conn, article, created| {
        println!("post_save {} created={created}", article.title);
        Ok(())
    });
    let mut second = Article {
        id: 0,
        title: "Again".into(),
        slug: "again".into(),
        author: ForeignKey::new(ada.id),
        content: "Second post.".into(),
        published_date: Utc::now(),
        updated_date: Utc::now(),
        is_published: false,
    };
    second.save(&mut conn)?;
    let (mailer, outbox) = orm::mail::Mailer::memory("site@example.com");
    mailer.send(&orm::mail::Email::new("Welcome", "Hello.", ["ada@example.com"]))?;
    let (_router, urls) = orm::urls::Routes::<()>::new()
        .route("article", "/articles/{slug}/", axum::routing::get(|| async { "article" }))
        .into_parts();
    let path = urls.reverse("article", &[("slug", &second.slug)])?;
    println!("outbox: {}, path: {path}", outbox.messages().len());
    if outbox.messages().len() != 1 || path != "/articles/again/" {
        return Err("mail or reverse went wrong".into());
    }
    // Forms: a form of its own, a ModelForm saving an article, the pages
    // of a site with its accounts.
    use orm::forms::{Form, FormData, ModelForm};
    let refused = Contact::bind(&FormData::parse(b"subject=Hi&sender=nobody&message=see+http"));
    let contact = Contact::bind(&FormData::parse(b"subject=Hi&sender=a%40b.example&message=Hello"))
        .into_valid()
        .map_err(|form| format!("{:?}", form.errors()))?;
    let form = ModelForm::<Article>::fields(&["title", "slug", "author", "content"])?;
    let body = format!("title=Third&slug=third&author={}&content=Hi", ada.id);
    let saved = form.bind(&mut conn, None, &FormData::parse(body.as_bytes()))?.save(&mut conn)?;
    let html = orm::forms::as_html(&refused);
    println!("contact from {}, article saved: {}", contact.sender, saved.is_ok());
    if refused.errors().get("sender").len() != 1 || saved.is_err() || !html.contains("id_sender_errors") {
        return Err("a form or a model form went wrong".into());
    }
    // An upload that is no image is refused; a folder storage keeps files.
    let fake = orm::forms::UploadedFile {
        filename: "cat.png".into(),
        content: b"meow".to_vec(),
        size: 4,
        ..Default::default()
    };
    let sent = FormData::from_parts(vec![], vec![], vec![("picture".into(), fake)]);
    let photo_form = ModelForm::<Photo>::new().bind(&mut conn, None, &sent)?;
    let stored = orm::storage::FileSystemStorage::new(std::env::temp_dir().join("fresh-media"), "/media/");
    let name = orm::storage::Storage::save(&stored, "fresh/a.txt", b"kept")?;
    println!("photo refused: {:?}, stored as {name}", photo_form.errors().get("picture"));
    if photo_form.is_valid() || orm::storage::Storage::open(&stored, &name)? != b"kept" {
        return Err("an upload check or the storage went wrong".into());
    }
    let site = orm::Site::new("fresh")
        .pages(|_db| axum::Router::new().route("/me/", axum::routing::get(me)))
        .accounts(|accounts| accounts.login_redirect("/me/"));
    let db = orm::Db::open("sqlite://:memory:")?;
    let _app: axum::Router = site.router(db, &orm::Settings::for_tests("a fresh crate's secret key, long enough"));
    Ok(())
}
