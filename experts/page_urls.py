from django.urls import path

from experts.questions import views as questions
from experts.views import contact_opt_out, directory, profiles, resources, review

app_name = "experts"

urlpatterns = [
    path("experts/", directory.expert_directory, name="directory"),
    path("experts/new/", profiles.expert_new, name="new"),
    path("experts/<int:expert_id>/", profiles.expert_profile, name="profile"),
    path("experts/<int:expert_id>/edit/", profiles.expert_edit, name="edit"),
    path("experts/<int:expert_id>/contact/", profiles.expert_contact_page, name="contact"),
    path("experts/questions/<int:question_id>/", questions.question_page, name="question"),
    path("experts/contact-opt-out/<str:token>/", contact_opt_out.contact_opt_out, name="contact-opt-out"),
    path("resources/", resources.resource_list, name="resource-list"),
    path("resources/submit/", resources.resource_submit_page, name="resource-submit"),
    path("resources/<int:resource_id>/", resources.resource_detail, name="resource"),
    path("review/", review.review_dashboard, name="review"),
    path("review/apply/", review.review_apply, name="review-apply"),
    path("review/resources/<int:resource_id>/", review.review_submit_page, name="review-submit"),
    path("review/resources/<int:resource_id>/assign/", review.review_assign_page, name="review-assign"),
    path("review/applications/<int:application_id>/approve/", review.application_decide_page,
         {"decision": "approve"}, name="application-approve"),
    path("review/applications/<int:application_id>/reject/", review.application_decide_page,
         {"decision": "reject"}, name="application-reject"),
]  # fmt: skip
