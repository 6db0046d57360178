"""What every API endpoint shares: the error shape, pagination, throttling and the v1 router."""
