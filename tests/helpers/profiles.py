"""A valid service profile as YAML text, for tests that break one field at a time."""

GOOD_PROFILE = """\
schema_version: 1
provider:
  name: 示例公司
  uscc: 91310115MA1K4AAA0D
service:
  public_in_prc: true
  genai: true
  modalities: [text]
  model_source: fine_tuned
  features: [chat]
"""
