from django.urls import path

from discussions import views

app_name = "discussions"

urlpatterns = [
    path("spaces/", views.space_list, name="space-list"),
    path("spaces/<slug:slug>/", views.space_page, name="space"),
    path("spaces/<slug:slug>/join/", views.space_join_page, name="join"),
    path("spaces/<slug:slug>/leave/", views.space_leave_page, name="leave"),
]
