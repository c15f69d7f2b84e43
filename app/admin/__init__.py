"""The Office's back office: accounts and roles, the audit log, and the actions behind /admin.

Functions here take a Session and know no Flask; `app/routes/admin/` is the web side."""
