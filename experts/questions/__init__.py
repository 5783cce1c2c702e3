"""Asking an objective's experts: a message that mentions ``@objective-N-experts`` or
``@general-experts`` is a question; the Hub chooses up to 25 experts tagged with that objective who
accept contact (the most relevant to its text, spread fairly) and tells them; they answer in the
space (a reply to the message) or privately (relayed by email to the asker).

- ``limits``: the asker's daily limit, checked in the posting transaction;
- ``relevance``: each engine's rank of a profile against a question's words;
- ``selectors``: who to ask, open questions, how many questions an expert answered;
- ``services``: recording questions and answers, telling the experts (a Celery task), private replies.
"""
