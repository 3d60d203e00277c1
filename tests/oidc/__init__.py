"""A real OpenID Connect provider for the tests: `provider.mjs` (npm `oidc-provider`, run
by Node) and `node_provider.py`, which starts it and plays the browser at its pages."""
