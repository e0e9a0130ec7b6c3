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
DROP INDEX "blog_article_fts";

-- blog.0005_article_title_not_blank
-- Create constraint title_not_blank on article
ALTER TABLE "blog_article" DROP CONSTRAINT "title_not_blank";

-- blog.0006_comments
-- Add field comment_count to article
ALTER TABLE "blog_article" DROP COLUMN "comment_count" CASCADE;
-- Create model Comment
DROP TABLE "blog_comment";

-- blog.0007_article_cover
-- Add field cover to article
ALTER TABLE "blog_article" DROP COLUMN "cover" CASCADE;

