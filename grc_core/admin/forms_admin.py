"""(being written)"""


def views() -> list:
    return []
