from django.contrib import admin

from .models import Article


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    """The Rust blog's `#[admin(...)]`."""

    list_display = ["title", "author", "published_date", "is_published"]
    list_filter = ["is_published", "author", "published_date"]
    search_fields = ["title", "content"]
    date_hierarchy = "published_date"
    prepopulated_fields = {"slug": ["title"]}
    readonly_fields = ["published_date", "updated_date"]
    list_per_page = 100
