from django.conf import settings
from django.db import models
from django.utils import timezone


class Article(models.Model):
    """The Rust blog's Article, with the same columns and indexes."""

    title = models.CharField(max_length=200)
    slug = models.SlugField(unique=True)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    content = models.TextField()
    published_date = models.DateTimeField(default=timezone.now)
    updated_date = models.DateTimeField(auto_now=True)
    is_published = models.BooleanField(default=False)

    class Meta:
        ordering = ["-published_date"]
        indexes = [
            models.Index(fields=["-published_date", "id"], name="article_date_id"),
            models.Index(fields=["is_published", "-published_date", "id"], name="article_public"),
        ]

    def __str__(self):
        return self.title
