"""The event pages: the list (agenda and month), an event with its RSVP form, the organizers' pages,
the answer page of an invitation link, and "My calendar" with the personal feed."""
