-- auth.0001_initial
-- Create model User
DROP TABLE "auth_user";

-- blog.0001_initial
-- Create model Article
DROP TABLE "blog_article";

