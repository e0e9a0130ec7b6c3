-- auth.0001_initial
-- Create model Group
CREATE TABLE "auth_group" ("id" integer NOT NULL PRIMARY KEY AUTOINCREMENT, "name" varchar(150) NOT NULL, CONSTRAINT "auth_group_name_key" UNIQUE ("name"));
-- Create model Permission
CREATE TABLE "auth_permission" ("id" integer NOT NULL PRIMARY KEY AUTOINCREMENT, "name" varchar(255) NOT NULL, "app_label" varchar(100) NOT NULL, "codename" varchar(100) NOT NULL, CONSTRAINT "auth_permission_app_label_codename_uniq" UNIQUE ("app_label", "codename"));
-- Create model GroupPermissions
CREATE TABLE "auth_group_permissions" ("id" integer NOT NULL PRIMARY KEY AUTOINCREMENT, "group_id" bigint NOT NULL, "permission_id" bigint NOT NULL, CONSTRAINT "auth_group_permissions_group_id_permission_id_uniq" UNIQUE ("group_id", "permission_id"), CONSTRAINT "auth_group_permissions_group_id_fk_auth_group" FOREIGN KEY ("group_id") REFERENCES "auth_group" ("id"), CONSTRAINT "auth_group_permissions_permission_id_fk_auth_permission" FOREIGN KEY ("permission_id") REFERENCES "auth_permission" ("id"));
CREATE INDEX "auth_group_permissions_group_id_idx" ON "auth_group_permissions" ("group_id");
CREATE INDEX "auth_group_permissions_permission_id_idx" ON "auth_group_permissions" ("permission_id");
-- Create model User
CREATE TABLE "auth_user" ("id" integer NOT NULL PRIMARY KEY AUTOINCREMENT, "password" varchar(128) NOT NULL, "last_login" datetime NULL, "is_superuser" boolean NOT NULL, "username" varchar(150) NOT NULL, "first_name" varchar(150) NOT NULL, "last_name" varchar(150) NOT NULL, "email" varchar(254) NOT NULL, "is_staff" boolean NOT NULL, "is_active" boolean NOT NULL, "date_joined" datetime NOT NULL, CONSTRAINT "auth_user_username_key" UNIQUE ("username"));
-- Create model UserGroups
CREATE TABLE "auth_user_groups" ("id" integer NOT NULL PRIMARY KEY AUTOINCREMENT, "user_id" bigint NOT NULL, "group_id" bigint NOT NULL, CONSTRAINT "auth_user_groups_user_id_group_id_uniq" UNIQUE ("user_id", "group_id"), CONSTRAINT "auth_user_groups_user_id_fk_auth_user" FOREIGN KEY ("user_id") REFERENCES "auth_user" ("id"), CONSTRAINT "auth_user_groups_group_id_fk_auth_group" FOREIGN KEY ("group_id") REFERENCES "auth_group" ("id"));
CREATE INDEX "auth_user_groups_user_id_idx" ON "auth_user_groups" ("user_id");
CREATE INDEX "auth_user_groups_group_id_idx" ON "auth_user_groups" ("group_id");
-- Create model UserUserPermissions
CREATE TABLE "auth_user_user_permissions" ("id" integer NOT NULL PRIMARY KEY AUTOINCREMENT, "user_id" bigint NOT NULL, "permission_id" bigint NOT NULL, CONSTRAINT "auth_user_user_permissions_user_id_permission_id_uniq" UNIQUE ("user_id", "permission_id"), CONSTRAINT "auth_user_user_permissions_user_id_fk_auth_user" FOREIGN KEY ("user_id") REFERENCES "auth_user" ("id"), CONSTRAINT "auth_user_user_permissions_permission_id_fk_auth_permission" FOREIGN KEY ("permission_id") REFERENCES "auth_permission" ("id"));
CREATE INDEX "auth_user_user_permissions_user_id_idx" ON "auth_user_user_permissions" ("user_id");
CREATE INDEX "auth_user_user_permissions_permission_id_idx" ON "auth_user_user_permissions" ("permission_id");

-- auth.0002_join_model_names
-- Change Meta options on grouppermissions
-- Change Meta options on usergroups
-- Change Meta options on useruserpermissions

-- blog.0001_initial
-- Create model Article
CREATE TABLE "blog_article" ("id" integer NOT NULL PRIMARY KEY AUTOINCREMENT, "title" varchar(200) NOT NULL, "slug" varchar(50) NOT NULL, "author_id" bigint NOT NULL, "content" text NOT NULL, "published_date" datetime NOT NULL, "updated_date" datetime NOT NULL, "is_published" boolean NOT NULL, CONSTRAINT "blog_article_slug_key" UNIQUE ("slug"), CONSTRAINT "blog_article_author_id_fk_auth_user" FOREIGN KEY ("author_id") REFERENCES "auth_user" ("id"));
CREATE INDEX "blog_article_author_id_idx" ON "blog_article" ("author_id");
CREATE INDEX "blog_article_slug_idx" ON "blog_article" ("slug");
CREATE INDEX "blog_article_published_date_idx" ON "blog_article" ("published_date" DESC);

-- blog.0002_article_date_id_index
-- Remove index blog_article_published_date_idx from article
DROP INDEX "blog_article_published_date_idx";
-- Create index blog_article_published_date_id_idx on article
CREATE INDEX "blog_article_published_date_id_idx" ON "blog_article" ("published_date" DESC, "id");

-- blog.0003_public_list_index
-- Remove index blog_article_slug_idx from article
DROP INDEX "blog_article_slug_idx";
-- Create index blog_article_is_published_published_date_id_idx on article
CREATE INDEX "blog_article_is_published_published_date_id_idx" ON "blog_article" ("is_published", "published_date" DESC, "id");

-- blog.0004_article_search
-- Create full-text index blog_article_fts on article
DROP TABLE IF EXISTS "blog_article_fts";
CREATE VIRTUAL TABLE "blog_article_fts" USING fts5("title", "content", content='blog_article', content_rowid='id', tokenize='unicode61 remove_diacritics 2');
CREATE TRIGGER "blog_article_fts_insert" AFTER INSERT ON "blog_article" BEGIN INSERT INTO "blog_article_fts" (rowid, "title", "content") VALUES (new."id", new."title", new."content"); END;
CREATE TRIGGER "blog_article_fts_delete" AFTER DELETE ON "blog_article" BEGIN INSERT INTO "blog_article_fts" ("blog_article_fts", rowid, "title", "content") VALUES ('delete', old."id", old."title", old."content"); END;
CREATE TRIGGER "blog_article_fts_update" AFTER UPDATE OF "id", "title", "content" ON "blog_article" BEGIN INSERT INTO "blog_article_fts" ("blog_article_fts", rowid, "title", "content") VALUES ('delete', old."id", old."title", old."content"); INSERT INTO "blog_article_fts" (rowid, "title", "content") VALUES (new."id", new."title", new."content"); END;
INSERT INTO "blog_article_fts" ("blog_article_fts") VALUES ('rebuild');

-- blog.0005_article_title_not_blank
-- Create constraint title_not_blank on article
CREATE TABLE "new__blog_article" ("id" integer NOT NULL PRIMARY KEY AUTOINCREMENT, "title" varchar(200) NOT NULL, "slug" varchar(50) NOT NULL, "author_id" bigint NOT NULL, "content" text NOT NULL, "published_date" datetime NOT NULL, "updated_date" datetime NOT NULL, "is_published" boolean NOT NULL, CONSTRAINT "blog_article_slug_key" UNIQUE ("slug"), CONSTRAINT "title_not_blank" CHECK (NOT ("title" = '')), CONSTRAINT "blog_article_author_id_fk_auth_user" FOREIGN KEY ("author_id") REFERENCES "auth_user" ("id"));
INSERT INTO "new__blog_article" ("id", "title", "slug", "author_id", "content", "published_date", "updated_date", "is_published") SELECT "id", "title", "slug", "author_id", "content", "published_date", "updated_date", "is_published" FROM "blog_article";
DROP TABLE "blog_article";
ALTER TABLE "new__blog_article" RENAME TO "blog_article";
CREATE INDEX "blog_article_author_id_idx" ON "blog_article" ("author_id");
CREATE INDEX "blog_article_published_date_id_idx" ON "blog_article" ("published_date" DESC, "id");
CREATE INDEX "blog_article_is_published_published_date_id_idx" ON "blog_article" ("is_published", "published_date" DESC, "id");
DROP TABLE IF EXISTS "blog_article_fts";
CREATE VIRTUAL TABLE "blog_article_fts" USING fts5("title", "content", content='blog_article', content_rowid='id', tokenize='unicode61 remove_diacritics 2');
CREATE TRIGGER "blog_article_fts_insert" AFTER INSERT ON "blog_article" BEGIN INSERT INTO "blog_article_fts" (rowid, "title", "content") VALUES (new."id", new."title", new."content"); END;
CREATE TRIGGER "blog_article_fts_delete" AFTER DELETE ON "blog_article" BEGIN INSERT INTO "blog_article_fts" ("blog_article_fts", rowid, "title", "content") VALUES ('delete', old."id", old."title", old."content"); END;
CREATE TRIGGER "blog_article_fts_update" AFTER UPDATE OF "id", "title", "content" ON "blog_article" BEGIN INSERT INTO "blog_article_fts" ("blog_article_fts", rowid, "title", "content") VALUES ('delete', old."id", old."title", old."content"); INSERT INTO "blog_article_fts" (rowid, "title", "content") VALUES (new."id", new."title", new."content"); END;
INSERT INTO "blog_article_fts" ("blog_article_fts") VALUES ('rebuild');

-- blog.0006_comments
-- Create model Comment
CREATE TABLE "blog_comment" ("id" integer NOT NULL PRIMARY KEY AUTOINCREMENT, "article_id" bigint NOT NULL, "name" varchar(80) NOT NULL, "email" varchar(254) NOT NULL, "body" text NOT NULL, "created" datetime NOT NULL, "is_approved" boolean NOT NULL, CONSTRAINT "blog_comment_article_id_fk_blog_article" FOREIGN KEY ("article_id") REFERENCES "blog_article" ("id"));
CREATE INDEX "blog_comment_article_id_idx" ON "blog_comment" ("article_id");
-- Add field comment_count to article
ALTER TABLE "blog_article" ADD COLUMN "comment_count" integer NOT NULL DEFAULT 0;

-- blog.0007_article_cover
-- Add field cover to article
ALTER TABLE "blog_article" ADD COLUMN "cover" varchar(100) NOT NULL DEFAULT '';

