-- auth.0001_initial
-- Create model Group
CREATE TABLE `auth_group` (`id` bigint NOT NULL PRIMARY KEY AUTO_INCREMENT, `name` varchar(150) NOT NULL, CONSTRAINT `auth_group_name_key` UNIQUE (`name`)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
-- Create model Permission
CREATE TABLE `auth_permission` (`id` bigint NOT NULL PRIMARY KEY AUTO_INCREMENT, `name` varchar(255) NOT NULL, `app_label` varchar(100) NOT NULL, `codename` varchar(100) NOT NULL, CONSTRAINT `auth_permission_app_label_codename_uniq` UNIQUE (`app_label`, `codename`)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
-- Create model GroupPermissions
CREATE TABLE `auth_group_permissions` (`id` bigint NOT NULL PRIMARY KEY AUTO_INCREMENT, `group_id` bigint NOT NULL, `permission_id` bigint NOT NULL, CONSTRAINT `auth_group_permissions_group_id_permission_id_uniq` UNIQUE (`group_id`, `permission_id`), CONSTRAINT `auth_group_permissions_group_id_fk_auth_group` FOREIGN KEY (`group_id`) REFERENCES `auth_group` (`id`), CONSTRAINT `auth_group_permissions_permission_id_fk_auth_permission` FOREIGN KEY (`permission_id`) REFERENCES `auth_permission` (`id`)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
CREATE INDEX `auth_group_permissions_group_id_idx` ON `auth_group_permissions` (`group_id`);
CREATE INDEX `auth_group_permissions_permission_id_idx` ON `auth_group_permissions` (`permission_id`);
-- Create model User
CREATE TABLE `auth_user` (`id` bigint NOT NULL PRIMARY KEY AUTO_INCREMENT, `password` varchar(128) NOT NULL, `last_login` datetime(6) NULL, `is_superuser` bool NOT NULL, `username` varchar(150) NOT NULL, `first_name` varchar(150) NOT NULL, `last_name` varchar(150) NOT NULL, `email` varchar(254) NOT NULL, `is_staff` bool NOT NULL, `is_active` bool NOT NULL, `date_joined` datetime(6) NOT NULL, CONSTRAINT `auth_user_username_key` UNIQUE (`username`)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
-- Create model UserGroups
CREATE TABLE `auth_user_groups` (`id` bigint NOT NULL PRIMARY KEY AUTO_INCREMENT, `user_id` bigint NOT NULL, `group_id` bigint NOT NULL, CONSTRAINT `auth_user_groups_user_id_group_id_uniq` UNIQUE (`user_id`, `group_id`), CONSTRAINT `auth_user_groups_user_id_fk_auth_user` FOREIGN KEY (`user_id`) REFERENCES `auth_user` (`id`), CONSTRAINT `auth_user_groups_group_id_fk_auth_group` FOREIGN KEY (`group_id`) REFERENCES `auth_group` (`id`)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
CREATE INDEX `auth_user_groups_user_id_idx` ON `auth_user_groups` (`user_id`);
CREATE INDEX `auth_user_groups_group_id_idx` ON `auth_user_groups` (`group_id`);
-- Create model UserUserPermissions
CREATE TABLE `auth_user_user_permissions` (`id` bigint NOT NULL PRIMARY KEY AUTO_INCREMENT, `user_id` bigint NOT NULL, `permission_id` bigint NOT NULL, CONSTRAINT `auth_user_user_permissions_user_id_permission_id_uniq` UNIQUE (`user_id`, `permission_id`), CONSTRAINT `auth_user_user_permissions_user_id_fk_auth_user` FOREIGN KEY (`user_id`) REFERENCES `auth_user` (`id`), CONSTRAINT `auth_user_user_permissions_permission_id_fk_auth_permission` FOREIGN KEY (`permission_id`) REFERENCES `auth_permission` (`id`)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
CREATE INDEX `auth_user_user_permissions_user_id_idx` ON `auth_user_user_permissions` (`user_id`);
CREATE INDEX `auth_user_user_permissions_permission_id_idx` ON `auth_user_user_permissions` (`permission_id`);

-- auth.0002_join_model_names
-- Change Meta options on grouppermissions
-- Change Meta options on usergroups
-- Change Meta options on useruserpermissions

-- blog.0001_initial
-- Create model Article
CREATE TABLE `blog_article` (`id` bigint NOT NULL PRIMARY KEY AUTO_INCREMENT, `title` varchar(200) NOT NULL, `slug` varchar(50) NOT NULL, `author_id` bigint NOT NULL, `content` longtext NOT NULL, `published_date` datetime(6) NOT NULL, `updated_date` datetime(6) NOT NULL, `is_published` bool NOT NULL, CONSTRAINT `blog_article_slug_key` UNIQUE (`slug`), CONSTRAINT `blog_article_author_id_fk_auth_user` FOREIGN KEY (`author_id`) REFERENCES `auth_user` (`id`)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
CREATE INDEX `blog_article_author_id_idx` ON `blog_article` (`author_id`);
CREATE INDEX `blog_article_slug_idx` ON `blog_article` (`slug`);
CREATE INDEX `blog_article_published_date_idx` ON `blog_article` (`published_date` DESC);

-- blog.0002_article_date_id_index
-- Remove index blog_article_published_date_idx from article
DROP INDEX `blog_article_published_date_idx` ON `blog_article`;
-- Create index blog_article_published_date_id_idx on article
CREATE INDEX `blog_article_published_date_id_idx` ON `blog_article` (`published_date` DESC, `id`);

-- blog.0003_public_list_index
-- Remove index blog_article_slug_idx from article
DROP INDEX `blog_article_slug_idx` ON `blog_article`;
-- Create index blog_article_is_published_published_date_id_idx on article
CREATE INDEX `blog_article_is_published_published_date_id_idx` ON `blog_article` (`is_published`, `published_date` DESC, `id`);

-- blog.0004_article_search
-- Create full-text index blog_article_fts on article
ALTER TABLE `blog_article` ADD COLUMN `blog_article_fts` LONGTEXT COLLATE utf8mb4_unicode_ci AS (CONCAT_WS(' ', `title`, `content`)) PERSISTENT INVISIBLE;
SET @orm_stopwords = @@SESSION.innodb_ft_enable_stopword;
SET SESSION innodb_ft_enable_stopword = OFF;
CREATE FULLTEXT INDEX `blog_article_fts` ON `blog_article` (`blog_article_fts`);
SET SESSION innodb_ft_enable_stopword = @orm_stopwords;

-- blog.0005_article_title_not_blank
-- Create constraint title_not_blank on article
ALTER TABLE `blog_article` ADD CONSTRAINT `title_not_blank` CHECK (NOT (`title` = ''));

-- blog.0006_comments
-- Create model Comment
CREATE TABLE `blog_comment` (`id` bigint NOT NULL PRIMARY KEY AUTO_INCREMENT, `article_id` bigint NOT NULL, `name` varchar(80) NOT NULL, `email` varchar(254) NOT NULL, `body` longtext NOT NULL, `created` datetime(6) NOT NULL, `is_approved` bool NOT NULL, CONSTRAINT `blog_comment_article_id_fk_blog_article` FOREIGN KEY (`article_id`) REFERENCES `blog_article` (`id`)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
CREATE INDEX `blog_comment_article_id_idx` ON `blog_comment` (`article_id`);
-- Add field comment_count to article
ALTER TABLE `blog_article` ADD COLUMN `comment_count` integer NOT NULL DEFAULT 0;
ALTER TABLE `blog_article` ALTER COLUMN `comment_count` DROP DEFAULT;

-- blog.0007_article_cover
-- Add field cover to article
ALTER TABLE `blog_article` ADD COLUMN `cover` varchar(100) NOT NULL DEFAULT '';
ALTER TABLE `blog_article` ALTER COLUMN `cover` DROP DEFAULT;

