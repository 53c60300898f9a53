"""The JSON API under /api/v1.

- GET /api/v1/search: public, no token (search.py).
- /api/v1/orgs/{slug}/listings and /jobs: an organisation's own records, for a token of that organisation
  (listings.py, jobs.py); POST /api/v1/import: the import bundle, for a staff token (imports.py).
- Authentication is `Authorization: Bearer <token>` only (auth.py): never a cookie, never a URL parameter.
  Owners mint tokens at /account/orgs/{slug}/tokens, staff with `qmarket tokens create`
  (app/accounts/tokens.py). Errors are {"error", "message", "errors": [{"field", "message"}]}.
"""
