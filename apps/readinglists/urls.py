app_name = "readinglists"
urlpatterns: list = []
