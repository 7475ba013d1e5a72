"""The worker: owns the shop's order data and serves it over the bus.

```python
worker = create_worker(WorkerSettings(...))
await worker.start()      # migrate the database, serve every bus method
await worker.seed_demo()  # the deterministic demo shop (empty database only)
await worker.stop()
```
"""

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from worker.app import Worker, create_worker


def __getattr__(name: str) -> Any:
    """``Worker`` and ``create_worker`` load the app (every handler, Alembic) on first use, so
    that ``worker.settings`` or ``worker.reports`` alone (the ``kefu`` command) stay light."""
    if name in __all__:
        from worker import app

        return getattr(app, name)
    raise AttributeError(f"module 'worker' has no attribute {name!r}")


__all__ = ["Worker", "create_worker"]
