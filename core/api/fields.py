from __future__ import annotations

from decimal import Decimal

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers


@extend_schema_field({"oneOf": [{"type": "number"}, {"type": "string"}]})
class NumberOrTextField(serializers.Field):
    """An indicator's value: a JSON number for number indicators, a string for described ones."""

    default_error_messages = {"invalid": "Enter a number or a description."}
    number = serializers.DecimalField(max_digits=16, decimal_places=2)

    def to_representation(self, value):
        return float(value) if isinstance(value, Decimal) else value

    def to_internal_value(self, data) -> Decimal | str:
        if isinstance(data, bool):
            self.fail("invalid")
        if isinstance(data, int | float):
            return self.number.run_validation(str(data))
        if isinstance(data, str):
            return data.strip()
        self.fail("invalid")
