"""Input shapes of the experts app's API, one module per sub-domain. Output shapes are in ``experts.payloads``."""
