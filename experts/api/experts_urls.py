from django.urls import URLPattern, URLResolver, path

from experts.api import experts

urlpatterns: list[URLPattern | URLResolver] = [
    path("experts/", experts.ExpertListView.as_view(), name="api-experts"),
    path("experts/<int:expert_id>/", experts.ExpertDetailView.as_view(), name="api-expert"),
    path("experts/<int:expert_id>/contact/", experts.ExpertContactView.as_view(), name="api-expert-contact"),
    path("experts/<int:expert_id>/contacts/", experts.ExpertContactsView.as_view(), name="api-expert-contacts"),
]
