-- Version budgets: a fingerprint of each version's page content (automatic versions are
-- skipped when it did not change) and an index for thinning and budgets by kind and age.
-- PostgreSQL twin of ../009_version_budgets.sql.
ALTER TABLE page_versions ADD COLUMN content_hash TEXT;
CREATE INDEX page_versions_by_page_kind ON page_versions(page_id, kind, created_at);
