from django.views.generic import DetailView, ListView

from .models import Article


def published():
    return Article.objects.filter(is_published=True).select_related("author")


class ArticleList(ListView):
    queryset = published()
    paginate_by = 10
    template_name = "blog/article_list.html"


class ArticleDetail(DetailView):
    queryset = published()
    template_name = "blog/article_detail.html"
