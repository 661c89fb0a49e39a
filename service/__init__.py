"""The newsroom service: one HTTP API for every desk and the CMS, on Ray Serve (`cli.py serve`).

Only `cli.py serve`, `bench/serve.py` and the tests import the modules that need Ray (`service.app`,
`service.deployments`, `service.ingress`, `service.remote`); `service.config`, `service.guard` and
`service.schemas` are plain Python, and the desk's client is `client/`, which never imports Ray.
"""
