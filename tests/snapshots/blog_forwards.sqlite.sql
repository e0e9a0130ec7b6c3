-- auth.0001_initial
-- Create model User
CREATE TABLE "auth_user" ("id" integer NOT NULL PRIMARY KEY AUTOINCREMENT, "password" varchar(128) NOT NULL, "last_login" datetime NULL, "is_superuser" boolean NOT NULL, "username" varchar(150) NOT NULL, "first_name" varchar(150) NOT NULL, "last_name" varchar(150) NOT NULL, "email" varchar(254) NOT NULL, "is_staff" boolean NOT NULL, "is_active" boolean NOT NULL, "date_joined" datetime NOT NULL, CONSTRAINT "auth_user_username_key" UNIQUE ("username"));

-- blog.0001_initial
-- Create model Article
CREATE TABLE "blog_article" ("id" integer NOT NULL PRIMARY KEY AUTOINCREMENT, "title" varchar(200) NOT NULL, "slug" varchar(50) NOT NULL, "author_id" bigint NOT NULL, "content" text NOT NULL, "published_date" datetime NOT NULL, "updated_date" datetime NOT NULL, "is_published" boolean NOT NULL, CONSTRAINT "blog_article_slug_key" UNIQUE ("slug"), CONSTRAINT "blog_article_author_id_fk_auth_user" FOREIGN KEY ("author_id") REFERENCES "auth_user" ("id"));
CREATE INDEX "blog_article_author_id_idx" ON "blog_article" ("author_id");
CREATE INDEX "blog_article_slug_idx" ON "blog_article" ("slug");
CREATE INDEX "blog_article_published_date_idx" ON "blog_article" ("published_date" DESC);

