from django.urls import path

from discussions import api

urlpatterns = [
    path("spaces/", api.SpaceListView.as_view(), name="api-spaces"),
    path("spaces/<slug:slug>/", api.SpaceDetailView.as_view(), name="api-space"),
    path("spaces/<slug:slug>/join/", api.SpaceJoinView.as_view()),
    path("spaces/<slug:slug>/leave/", api.SpaceLeaveView.as_view()),
    path("spaces/<slug:slug>/read/", api.SpaceReadView.as_view()),
    path("spaces/<slug:slug>/invitations/", api.SpaceInvitationsView.as_view()),
    path("spaces/<slug:slug>/topics/", api.SpaceTopicsView.as_view()),
    path("spaces/<slug:slug>/questions/", api.SpaceQuestionsView.as_view()),
    path("spaces/<slug:slug>/members/", api.SpaceMembersView.as_view()),
    path("spaces/<slug:slug>/online/", api.SpaceOnlineView.as_view()),
    path("spaces/<slug:slug>/moderators/", api.SpaceModeratorsView.as_view()),
    path("spaces/<slug:slug>/moderators/<str:username>/", api.SpaceModeratorDetailView.as_view()),
    path("spaces/<slug:slug>/bans/", api.SpaceBansView.as_view()),
    path("spaces/<slug:slug>/bans/<str:username>/", api.SpaceBanDetailView.as_view()),
    path("spaces/<slug:slug>/mutes/", api.SpaceMutesView.as_view()),
    path("spaces/<slug:slug>/mutes/<str:username>/", api.SpaceMuteDetailView.as_view()),
    path("spaces/<slug:slug>/reports/", api.SpaceReportsView.as_view()),
    path("spaces/<slug:slug>/moderation-log/", api.SpaceModerationLogView.as_view()),
    path("spaces/<slug:slug>/messages/", api.SpaceMessagesView.as_view(), name="api-space-messages"),
    path("messages/<int:message_id>/", api.MessageDetailView.as_view(), name="api-message"),
    path("messages/<int:message_id>/pin/", api.MessagePinView.as_view()),
    path("messages/<int:message_id>/reactions/", api.MessageReactionsView.as_view()),
    path("messages/<int:message_id>/reactions/<str:emoji>/", api.MessageReactionDetailView.as_view()),
    path("messages/<int:message_id>/reports/", api.MessageReportsView.as_view()),
    path("messages/<int:message_id>/revisions/", api.MessageRevisionsView.as_view()),
]
