"""`manage.py seed --users 50 --articles 100000`: the same data as the Rust
blog's `seed` (90 % published, 100 a day back in time), the superuser
`bench`, and fresh statistics."""
from datetime import timedelta

from django.contrib.auth.models import User
from django.core.management.base import BaseCommand
from django.db import connection, transaction
from django.utils import timezone

from blog.models import Article

WORDS = ["rust", "django", "models", "queries", "migrations", "admin", "speed",
         "safety", "async", "diesel", "axum", "templates", "forms", "tests", "indexes",
         "joins", "sessions", "users", "deploy", "notes", "guide", "tips", "patterns",
         "errors", "traits", "macros", "schemas"]
PER_DAY = 100  # a million articles reach back 27 years
BATCH = 2000


class Command(BaseCommand):
    def add_arguments(self, parser):
        parser.add_argument("--users", type=int, default=50)
        parser.add_argument("--articles", type=int, default=100_000)
        parser.add_argument("--password", default="bench-password-123")

    def handle(self, users, articles, password, **options):
        authors = []
        for i in range(users):
            user = User(username=f"writer{i}", email=f"writer{i}@example.com",
                        first_name="Writer", last_name=str(i))
            user.set_unusable_password()
            authors.append(user)
        authors = User.objects.bulk_create(authors)
        if not User.objects.filter(username="bench").exists():
            User.objects.create_superuser("bench", "bench@example.com", password)
        now = timezone.now()
        made = Article.objects.count()
        while made < articles:
            batch = []
            for i in range(made, min(made + BATCH, articles)):
                pick = lambda k: WORDS[(i * 7 + k * 13 + i // 5) % len(WORDS)]
                batch.append(Article(
                    title=f"{pick(0).capitalize()} {pick(1)} and {pick(2)}: part {i + 1}",
                    slug=f"{pick(0)}-{pick(1)}-{i}",
                    author=authors[i % len(authors)],
                    content=f"Notes on {pick(1)} and {pick(2)}.\n\nThis is article number {i + 1} of the demo data.",
                    published_date=now - timedelta(hours=(i // PER_DAY) * 24 + 1),
                    is_published=i % 10 != 0,
                ))
            with transaction.atomic():
                Article.objects.bulk_create(batch)
            made += len(batch)
        with connection.cursor() as cursor:
            vendor = connection.vendor
            if vendor == "postgresql":
                cursor.execute("ANALYZE")
            elif vendor == "mysql":
                cursor.execute("ANALYZE TABLE blog_article, auth_user")
            else:
                cursor.execute("ANALYZE")
        self.stdout.write(f"{Article.objects.count()} articles, {User.objects.count()} users")
