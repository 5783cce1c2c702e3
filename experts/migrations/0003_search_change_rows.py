"""The change log of experts names the rows each write touched (PostgreSQL).

``experts_search_change`` gains ``expert_ids``: the ids of the experts a statement inserted,
updated or deleted (from the statement's transition tables), or NULL when it cannot say which
(TRUNCATE). ``experts.search.resident`` reads it to bring each process's in-memory index up to
date by reloading just those rows.
"""

from django.apps.registry import Apps
from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor

PG_CREATE = """
ALTER TABLE experts_search_change ADD COLUMN expert_ids bigint[];
DROP TRIGGER IF EXISTS experts_expert_search_change ON experts_expert;
DROP FUNCTION IF EXISTS experts_search_change_log();

-- One row per statement, with the ids it touched. Writers only insert: they never wait on each
-- other here. Rows older than a day go, skipped while locked (a reader that has not looked for
-- half a day rebuilds its index instead: experts.search.resident).
CREATE FUNCTION experts_search_change_log() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
DECLARE
    ids bigint[];
BEGIN
    IF TG_OP = 'INSERT' OR TG_OP = 'UPDATE' THEN
        SELECT coalesce(array_agg(id), '{}') INTO ids FROM changed_rows;
    ELSIF TG_OP = 'DELETE' THEN
        SELECT coalesce(array_agg(id), '{}') INTO ids FROM removed_rows;
    END IF;
    -- A statement that touched no row changed nothing.
    IF TG_OP = 'TRUNCATE' OR cardinality(ids) > 0 THEN
        INSERT INTO experts_search_change (expert_ids, changed_at) VALUES (ids, clock_timestamp());
    END IF;
    DELETE FROM experts_search_change WHERE id IN (
        SELECT id FROM experts_search_change WHERE changed_at < now() - interval '1 day'
        FOR UPDATE SKIP LOCKED);
    RETURN NULL;
END $$;
-- A trigger with transition tables answers one event, so one per kind of write.
CREATE TRIGGER experts_expert_search_change_insert AFTER INSERT ON experts_expert
    REFERENCING NEW TABLE AS changed_rows
    FOR EACH STATEMENT EXECUTE FUNCTION experts_search_change_log();
CREATE TRIGGER experts_expert_search_change_update AFTER UPDATE ON experts_expert
    REFERENCING NEW TABLE AS changed_rows
    FOR EACH STATEMENT EXECUTE FUNCTION experts_search_change_log();
CREATE TRIGGER experts_expert_search_change_delete AFTER DELETE ON experts_expert
    REFERENCING OLD TABLE AS removed_rows
    FOR EACH STATEMENT EXECUTE FUNCTION experts_search_change_log();
CREATE TRIGGER experts_expert_search_change_truncate AFTER TRUNCATE ON experts_expert
    FOR EACH STATEMENT EXECUTE FUNCTION experts_search_change_log();
-- Whatever was there before: unknown rows, so readers start over.
INSERT INTO experts_search_change (expert_ids) VALUES (NULL);
"""

PG_DROP = """
DROP TRIGGER IF EXISTS experts_expert_search_change_insert ON experts_expert;
DROP TRIGGER IF EXISTS experts_expert_search_change_update ON experts_expert;
DROP TRIGGER IF EXISTS experts_expert_search_change_delete ON experts_expert;
DROP TRIGGER IF EXISTS experts_expert_search_change_truncate ON experts_expert;
DROP FUNCTION IF EXISTS experts_search_change_log();
ALTER TABLE experts_search_change DROP COLUMN IF EXISTS expert_ids;
CREATE FUNCTION experts_search_change_log() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
    INSERT INTO experts_search_change DEFAULT VALUES;
    DELETE FROM experts_search_change WHERE id IN (
        SELECT id FROM experts_search_change WHERE changed_at < now() - interval '1 hour'
        FOR UPDATE SKIP LOCKED);
    RETURN NULL;
END $$;
CREATE TRIGGER experts_expert_search_change AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON experts_expert
    FOR EACH STATEMENT EXECUTE FUNCTION experts_search_change_log();
"""


def create(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        with schema_editor.connection.cursor() as cursor:
            cursor.execute(PG_CREATE)


def drop(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        with schema_editor.connection.cursor() as cursor:
            cursor.execute(PG_DROP)


class Migration(migrations.Migration):
    dependencies = [("experts", "0002_search_index")]

    operations = [migrations.RunPython(create, drop)]
