"""The per-item report of an import from another system: what became of each post, page and person."""

from dataclasses import dataclass, field

CREATED, UPDATED, UNCHANGED, SKIPPED, REFUSED = "created", "updated", "unchanged", "skipped", "refused"
WOULD_CREATE, WOULD_UPDATE = "would be created", "would be updated"
STATUSES = [CREATED, UPDATED, UNCHANGED, SKIPPED, REFUSED, WOULD_CREATE, WOULD_UPDATE]


@dataclass
class ItemResult:
    """One line of the report: `name` says which item ("post 12 “Water prices”")."""

    name: str
    status: str
    reason: str = ""
    notes: list = field(default_factory=list)
    page: object = None

    def line(self):
        text = f"{self.name}: {self.status}"
        if self.reason:
            text += f": {self.reason}"
        if self.notes:
            text += f" ({'; '.join(self.notes)})"
        return text


@dataclass
class MigrationReport:
    results: list = field(default_factory=list)
    mapping: list = field(default_factory=list)  # lines saying where authors, categories and tags go
    comments: int = 0
    pingbacks: int = 0

    def add(self, result):
        self.results.append(result)
        return result

    def counted(self, status):
        return sum(1 for result in self.results if result.status == status)

    @property
    def refused(self):
        return [result for result in self.results if result.status == REFUSED]

    def summary(self):
        counts = ", ".join(f"{self.counted(s)} {s}" for s in STATUSES if self.counted(s) or s in (CREATED, REFUSED))
        return (
            f"{counts}. Comments and pingbacks are not imported: {self.comments} comment(s), "
            f"{self.pingbacks} pingback(s) in the export."
        )
