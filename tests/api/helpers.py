"""Shared steps of the API tests."""

from reporting import services


def approve(item, period, people, **data):
    """An update drafted, submitted and approved through the services, as the web does it."""
    fields = {
        "status": "in_progress",
        "percent_complete": 40,
        "confidence": "green",
        "narrative": "Two of the four committees met this quarter.",
        **data,
    }
    update = services.update_create(
        user=people["officer"], item=item, period=period, data=services.UpdateData(**fields)
    )
    update = services.update_submit(user=people["officer"], update=update, version=update.version)
    return services.update_approve(user=people["reviewer"], update=update, version=update.version)
