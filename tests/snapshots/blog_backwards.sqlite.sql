-- auth.0001_initial
-- Create model UserUserPermissions
DROP TABLE "auth_user_user_permissions";
-- Create model UserGroups
DROP TABLE "auth_user_groups";
-- Create model User
DROP TABLE "auth_user";
-- Create model GroupPermissions
DROP TABLE "auth_group_permissions";
-- Create model Permission
DROP TABLE "auth_permission";
-- Create model Group
DROP TABLE "auth_group";

-- auth.0002_join_model_names
-- Change Meta options on useruserpermissions
-- Change Meta options on usergroups
-- Change Meta options on grouppermissions

-- blog.0001_initial
-- Create model Article
DROP TABLE "blog_article";

-- blog.0002_article_date_id_index
-- Create index blog_article_published_date_id_idx on article
DROP INDEX "blog_article_published_date_id_idx";
-- Remove index blog_article_published_date_idx from article
CREATE INDEX "blog_article_published_date_idx" ON "blog_article" ("published_date" DESC);

-- blog.0003_public_list_index
-- Create index blog_article_is_published_published_date_id_idx on article
DROP INDEX "blog_article_is_published_published_date_id_idx";
-- Remove index blog_article_slug_idx from article
CREATE INDEX "blog_article_slug_idx" ON "blog_article" ("slug");

-- blog.0004_article_search
-- Create full-text index blog_article_fts on article
DROP TRIGGER IF EXISTS "blog_article_fts_insert";
DROP TRIGGER IF EXISTS "blog_article_fts_delete";
DROP TRIGGER IF EXISTS "blog_article_fts_update";
DROP TABLE IF EXISTS "blog_article_fts";

-- blog.0005_article_title_not_blank
-- Create constraint title_not_blank on article
CREATE TABLE "new__blog_article" ("id" integer NOT NULL PRIMARY KEY AUTOINCREMENT, "title" varchar(200) NOT NULL, "slug" varchar(50) NOT NULL, "author_id" bigint NOT NULL, "content" text NOT NULL, "published_date" datetime NOT NULL, "updated_date" datetime NOT NULL, "is_published" boolean NOT NULL, CONSTRAINT "blog_article_slug_key" UNIQUE ("slug"), CONSTRAINT "blog_article_author_id_fk_auth_user" FOREIGN KEY ("author_id") REFERENCES "auth_user" ("id"));
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
-- Add field comment_count to article
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
-- Create model Comment
DROP TABLE "blog_comment";

-- blog.0007_article_cover
-- Add field cover to article
CREATE TABLE "new__blog_article" ("id" integer NOT NULL PRIMARY KEY AUTOINCREMENT, "title" varchar(200) NOT NULL, "slug" varchar(50) NOT NULL, "author_id" bigint NOT NULL, "content" text NOT NULL, "published_date" datetime NOT NULL, "updated_date" datetime NOT NULL, "is_published" boolean NOT NULL, "comment_count" integer NOT NULL, CONSTRAINT "blog_article_slug_key" UNIQUE ("slug"), CONSTRAINT "title_not_blank" CHECK (NOT ("title" = '')), CONSTRAINT "blog_article_author_id_fk_auth_user" FOREIGN KEY ("author_id") REFERENCES "auth_user" ("id"));
INSERT INTO "new__blog_article" ("id", "title", "slug", "author_id", "content", "published_date", "updated_date", "is_published", "comment_count") SELECT "id", "title", "slug", "author_id", "content", "published_date", "updated_date", "is_published", "comment_count" FROM "blog_article";
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

