from . import life_urls

app_name = "funding"

urlpatterns = [
    *life_urls.urlpatterns,
]
