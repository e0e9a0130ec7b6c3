from django.contrib import admin
from django.urls import path

from blog import views

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", views.ArticleList.as_view(), name="article_list"),
    path("articles/<slug:slug>/", views.ArticleDetail.as_view(), name="article_detail"),
]
