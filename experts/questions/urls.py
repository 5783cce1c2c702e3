from django.urls import URLPattern, path

from experts.questions import api

urlpatterns: list[URLPattern] = [
    path("expert-groups/", api.ExpertGroupListView.as_view(), name="api-expert-groups"),
    path("expert-questions/<int:question_id>/replies/", api.ExpertReplyView.as_view(), name="api-expert-reply"),
]
