"""The experts app's pages: the expert directory and profiles, the resource library, peer review.

Views read through selectors and write through services; every refusal is the service's
``HubError``, shown as its detail. Nothing here queries the ORM or decides who may do what.
"""
