"""Built-in PII recognizers; importing this package registers them."""

__all__: list[str] = []
