"""Many articles at once: the batch (`batch`), the page's batch worker (`batch_run`), its folder of results and
manifest (`archive`) and the batch on Ray Data (`ray_batch`, the only module that imports Ray)."""
