from django.urls import URLPattern, URLResolver, path

from experts.api import resources

urlpatterns: list[URLPattern | URLResolver] = [
    path("resources/", resources.ResourceListView.as_view(), name="api-resources"),
    path("resources/<int:resource_id>/", resources.ResourceDetailView.as_view(), name="api-resource"),
    path("resources/<int:resource_id>/assign/", resources.ResourceAssignView.as_view(), name="api-resource-assign"),
    path("resources/<int:resource_id>/reviews/", resources.ResourceReviewsView.as_view(), name="api-resource-reviews"),
    path(
        "reviewer-applications/",
        resources.ReviewerApplicationListView.as_view(),
        name="api-reviewer-applications",
    ),
    path(
        "reviewer-applications/<int:application_id>/approve/",
        resources.ReviewerApplicationApproveView.as_view(),
        name="api-reviewer-application-approve",
    ),
    path(
        "reviewer-applications/<int:application_id>/reject/",
        resources.ReviewerApplicationRejectView.as_view(),
        name="api-reviewer-application-reject",
    ),
    path("me/review-assignments/", resources.MyReviewAssignmentsView.as_view(), name="api-my-review-assignments"),
]
