"""Every REST operation of ``/api/schema/`` fuzzed by schemathesis: no 5xx, no response off the schema.

The test is generic over the OpenAPI document (drf-spectacular's, built from the URLconf at
collection): an endpoint that lands tomorrow is fuzzed with no change here.

It runs in process against the WSGI application: the same URLconf, middleware and views that
uvicorn serves (the ASGI handler in front of them is what the e2e suite drives). In process, the
whole run sits in one rolled-back transaction of pytest-django's test database, a 5xx arrives
with its traceback, and no server has to start, which keeps it within CI's budget.

The Hub is filled once per module by ``seed_demo`` (small counts), so path parameters can name
things that exist: for each parameter, the strategy is either what schemathesis generated or a real
value found by the parameter's name alone (``event_id``: a pk of a model whose name ends in
``event``; ``slug``: a value of any model's ``slug`` field). Every operation runs as a normal user
and as staff (token authentication), from a fixed seed with ``deterministic`` generation, so CI
replays the same requests each time.
"""

import functools
import os
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.apps import apps
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections, transaction
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.config import SchemathesisConfig
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from accounts.services import token_for
from gcm.taxonomy import load_taxonomy
from hub.demo import DemoOptions, demo_counts, seed_demo
from tests.factories import UserFactory
from tests.rest_contract import openapi_document

# Per operation and caller: enough to get past validation into the services while the module stays
# within about two minutes of `make test`; HUB_FUZZ_EXAMPLES=200 for a deeper run by hand.
MAX_EXAMPLES = int(os.environ.get("HUB_FUZZ_EXAMPLES", "6"))
SEED = 20181219  # the day the Compact was endorsed
REAL_VALUES_PER_PARAMETER = 3
DEMO_COUNT = 3
SEQUENCES = 10  # stateful runs per caller, of up to SEQUENCE_STEPS calls each
SEQUENCE_STEPS = 8  # of each thing seed_demo makes

CONFIG = SchemathesisConfig.from_dict(
    {
        "seed": SEED,
        "generation": {"max-examples": MAX_EXAMPLES, "deterministic": True, "database": "none"},
        # The coverage phase's boundary cases add thousands of requests for little the fuzzing misses.
        "phases": {"coverage": {"enabled": False}},
    }
)
# What the contract promises: no 5xx, and every answer documented (status, media type, headers, body).
# Not schemathesis's opinions beyond it: a schema-valid request may be refused (an unknown region,
# a space one is not in), and DRF ignores unknown fields rather than refusing them.
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]
schema = schemathesis.openapi.from_dict(openapi_document(), config=CONFIG)
schema.app = get_wsgi_application()
settings_for_sequences = settings(
    max_examples=SEQUENCES,
    stateful_step_count=SEQUENCE_STEPS,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)


@functools.cache
def _models_with_field() -> dict[str, list[Any]]:
    by_field: dict[str, list[Any]] = {}
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            by_field.setdefault(field.name, []).append(model)
    return by_field


def real_values(parameter: str) -> list[Any]:
    """Values of a path parameter that name existing rows, found by the parameter's name only."""
    if parameter.endswith("_id"):
        name = parameter.removesuffix("_id").replace("_", "")
        models = [model for model in apps.get_models() if (model._meta.model_name or "").endswith(name)]
        field = "pk"
    else:
        models = _models_with_field().get(parameter, [])
        field = parameter
    values: list[Any] = []
    for model in models:
        values += model._default_manager.order_by("pk").values_list(field, flat=True)[:REAL_VALUES_PER_PARAMETER]
    return [value for value in values if value not in ("", None)]


@schema.hook
def flatmap_path_parameters(context, path_parameters: dict[str, Any] | None):
    if not path_parameters:
        return st.just(path_parameters)
    return st.fixed_dictionaries(
        {name: st.sampled_from([value, *real_values(name)]) for name, value in path_parameters.items()}
    )


@pytest.fixture(scope="module")
def seeded_hub(django_db_setup, django_db_blocker) -> Iterator[None]:
    """The demo Hub, for every test of the module; rolled back at its end (each test's own
    transaction is a savepoint inside this one)."""
    # As Django's test client does: the WSGI handler would otherwise close the test's connection
    # (and its transaction) after every request.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    with django_db_blocker.unblock(), transaction.atomic():
        if not apps.get_model("gcm", "Objective").objects.exists():
            load_taxonomy(apps)
        counts = {count.name: min(count.default, DEMO_COUNT) for count in demo_counts()}
        seed_demo(DemoOptions(counts=counts), progress=lambda _steps: None)
        yield
        transaction.set_rollback(True)
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture(params=["user", "staff"])
def caller_token(request, seeded_hub, db, settings) -> str:
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "localhost"]  # the Host schemathesis's WSGI client sends
    return token_for(UserFactory.create(is_staff=request.param == "staff"))


@schema.parametrize()
# One caller (and one seeded Hub) for all of an operation's examples is the point, not an accident.
@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_operation_answers_within_its_schema(case, caller_token):
    case.call_and_validate(headers={"Authorization": f"Token {caller_token}"}, checks=CHECKS)


@pytest.mark.parametrize("caller", ["user", "staff"])
def test_sequences_of_operations_answer_within_the_schema(caller, seeded_hub, db, settings):
    """Stateful: schemathesis chains operations by the links it infers (a created resource's id
    fed to the operations that take it); the document itself declares none."""
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "localhost"]
    token = token_for(UserFactory.create(is_staff=caller == "staff"))
    machine = schema.as_state_machine()
    assert machine.bundles, "schemathesis inferred no links between the Hub's operations"

    class Sequences(machine):  # type: ignore[misc, valid-type]
        def get_call_kwargs(self, case):
            return {"headers": {"Authorization": f"Token {token}"}}

        def validate_response(self, response, case, additional_checks=None, **kwargs):
            case.validate_response(response, checks=CHECKS, transport_kwargs=kwargs or None)

    Sequences.run(settings=settings_for_sequences)
