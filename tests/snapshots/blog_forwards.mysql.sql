-- auth.0001_initial
-- Create model User
CREATE TABLE `auth_user` (`id` bigint NOT NULL PRIMARY KEY AUTO_INCREMENT, `password` varchar(128) NOT NULL, `last_login` datetime(6) NULL, `is_superuser` bool NOT NULL, `username` varchar(150) NOT NULL, `first_name` varchar(150) NOT NULL, `last_name` varchar(150) NOT NULL, `email` varchar(254) NOT NULL, `is_staff` bool NOT NULL, `is_active` bool NOT NULL, `date_joined` datetime(6) NOT NULL, CONSTRAINT `auth_user_username_key` UNIQUE (`username`)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- blog.0001_initial
-- Create model Article
CREATE TABLE `blog_article` (`id` bigint NOT NULL PRIMARY KEY AUTO_INCREMENT, `title` varchar(200) NOT NULL, `slug` varchar(50) NOT NULL, `author_id` bigint NOT NULL, `content` longtext NOT NULL, `published_date` datetime(6) NOT NULL, `updated_date` datetime(6) NOT NULL, `is_published` bool NOT NULL, CONSTRAINT `blog_article_slug_key` UNIQUE (`slug`), CONSTRAINT `blog_article_author_id_fk_auth_user` FOREIGN KEY (`author_id`) REFERENCES `auth_user` (`id`)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
CREATE INDEX `blog_article_author_id_idx` ON `blog_article` (`author_id`);
CREATE INDEX `blog_article_slug_idx` ON `blog_article` (`slug`);
CREATE INDEX `blog_article_published_date_idx` ON `blog_article` (`published_date` DESC);

