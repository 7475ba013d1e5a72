"""The worker: owns the shop's order data and serves it over the bus.

```python
worker = create_worker(WorkerSettings(...))
await worker.start()      # migrate the database, serve every bus method
await worker.seed_demo()  # the deterministic demo shop (empty database only)
await worker.stop()
```
"""

from worker.app import Worker, create_worker

__all__ = ["Worker", "create_worker"]
