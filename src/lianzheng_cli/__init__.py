"""lz — 廉政风险防控登记簿 (integrity-risk registers) as schema-validated YAML in git."""

__version__ = "0.1.0"
