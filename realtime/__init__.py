"""Real-time delivery for the whole Hub: any app's events, from commit to every socket that follows them.

An app publishes events about a *stream* (a discussion space, a user's notifications) after the
transaction that caused them commits, and its sockets follow one stream each. Everything between
is here and knows no feature app:

- ``streams``: the stream kinds apps register (how to read a stream's missed events back, who may
  still read it) and the layer group of each stream.
- ``envelopes``: the one shape of the layer messages every process receives.
- ``publish``: ``publish_on_commit`` (and ``apublish`` for ephemeral events).
- ``subscriber``: one socket's bounded queue and writer; ``feed``: one stream's events in seq
  order, gap-filled from the database; ``fanout``: each process's one subscription and its
  recovery; ``presence``: who is online, and announcing it.
- ``wire``: frames encoded once for every socket; ``write_batches``: a process's writes to one
  stream, batched; ``consumer``: the base class of every stream socket.

See docs/architecture.md, "Real-time delivery", for the guarantees and why each piece exists.
"""
