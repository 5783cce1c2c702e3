"""A question's page for an expert it was put to: the question, where it was asked, and the form
to reply privately (relayed by email to the asker; ``expert_question_reply``)."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from accounts.callers import AuthenticatedHttpRequest
from experts.questions.selectors import question_asked_of, replies_of
from experts.questions.services import REPLY_MAX_CHARS, expert_question_reply, message_url
from hub.errors import HubError


class PrivateReplyForm(forms.Form):
    message = forms.CharField(
        label=gettext_lazy("Your reply"), max_length=REPLY_MAX_CHARS, widget=forms.Textarea(attrs={"rows": 6})
    )


@login_required
@require_http_methods(["GET", "POST"])
def question_page(request: AuthenticatedHttpRequest, question_id: int) -> HttpResponse:
    ask = question_asked_of(question_id=question_id, user_id=request.user.pk)
    if ask is None:
        raise Http404(_("No such question."))
    form = PrivateReplyForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                expert_question_reply(question_id=question_id, user=request.user, message=form.cleaned_data["message"])
            except HubError as error:
                form.add_error(None, error.detail)
                status = error.status
            else:
                messages.success(request, _("Your reply was sent to the person who asked, by email."))
                return redirect("experts:question", question_id=question_id)
    message = ask.question.message
    context = {
        "ask": ask,
        "question": ask.question,
        "message": message,
        "message_url": message_url(message.space.slug, message.seq),
        "replies": replies_of(question_id=question_id, expert_id=ask.expert_id),
        "form": form,
    }
    return render(request, "experts/question.html", context, status=status)
