"""Staff views of reader revenue: filled in by step 6."""


def revenue_viewsets():
    return []
