app_name = "rfq"

urlpatterns = []
