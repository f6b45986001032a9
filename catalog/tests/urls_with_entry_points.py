from catalog.tests.entry_point_urls import root_with, with_entry_point
from inquiries import urls as inquiries_urls
from orders import urls as orders_urls

urlpatterns = root_with(
    {
        "inquiries": with_entry_point(inquiries_urls, "inquiries"),
        "orders": with_entry_point(orders_urls, "orders"),
    }
)
