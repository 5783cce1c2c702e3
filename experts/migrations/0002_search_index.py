"""The full-text index of experts and resources, kept current by the database itself.

PostgreSQL: three ``tsvector`` columns per row, filled by a ``BEFORE`` trigger (a generated column
cannot take its text search configuration from a column: ``lang::regconfig`` is not immutable):
``search_document`` (weighted: names A, title/organization/keywords B, biography or summary C;
the long texts stemmed in the row's own language, the short ones also kept unstemmed so that a
typed prefix matches them), ``search_names`` (the names and organization, unstemmed and
unaccented, for ranking name hits first) and ``search_facets`` (the row's facet values, counted
by ``ts_stat``). GIN indexes on the two text vectors and on every tag column (``jsonb_ops``
answers the ``?|`` of ``TagsField``'s ``overlaps``). ``unaccent`` is STABLE, so it is wrapped in
an IMMUTABLE function with its dictionary schema-qualified. Creating the extension needs a role
allowed to (the database owner on PostgreSQL 13+, where unaccent is trusted). A statement trigger
logs each write to experts for ``experts.search.counts_cache``.

SQLite: an FTS5 table per model (``porter unicode61 remove_diacritics 2``: English stemming,
accents ignored), its rowid the row's id, kept current by triggers.

The columns and tables are unknown to Django's models on purpose: the ORM never reads or writes
them, and ``experts.search`` reaches them through its per-engine SQL modules.
"""

from django.apps.registry import Apps
from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor

# --- PostgreSQL ------------------------------------------------------------------------------

PG_FUNCTIONS = """
CREATE OR REPLACE FUNCTION experts_unaccent(value text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
    AS $$ SELECT {schema}.unaccent('{schema}.unaccent'::regdictionary, value) $$;

-- The text search configuration of a profile language (``ProfileLanguage``); Chinese has no stemmer.
CREATE OR REPLACE FUNCTION experts_search_config(lang text) RETURNS regconfig
    LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
    AS $$
BEGIN
    RETURN CASE lang
        WHEN 'en' THEN 'pg_catalog.english'::regconfig WHEN 'fr' THEN 'pg_catalog.french'::regconfig
        WHEN 'es' THEN 'pg_catalog.spanish'::regconfig WHEN 'ru' THEN 'pg_catalog.russian'::regconfig
        WHEN 'ar' THEN 'pg_catalog.arabic'::regconfig ELSE 'pg_catalog.simple'::regconfig END;
END $$;

-- A name typed without its separators: each tail of its words run together ("José van der Berg"
-- -> "JosévanderBerg vanderBerg derBerg Berg"), so that "vanderberg" finds it.
CREATE OR REPLACE FUNCTION experts_compact(value text) RETURNS text
    LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE STRICT
    AS $$
DECLARE
    words text[] := string_to_array(btrim(value), ' ');
    tails text := '';
BEGIN
    FOR i IN 1..coalesce(cardinality(words), 0) LOOP
        tails := tails || ' ' || array_to_string(words[i:], '');
    END LOOP;
    RETURN translate(tails, '-''’.', '');
END $$;

-- The query: each word any of its stems (every language) or itself unstemmed, all words required;
-- the last word, unstemmed, is a prefix (search as you type). A word that is a stop word in any language is
-- left out (it is absent from that language's documents, so requiring it would hide them).
-- IMMUTABLE like to_tsquery itself, so a call on a constant is folded once when planned.
CREATE OR REPLACE FUNCTION experts_search_tsquery(words text[]) RETURNS tsquery
    LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
    AS $$
DECLARE
    configs regconfig[] := ARRAY['pg_catalog.simple', 'pg_catalog.english', 'pg_catalog.french',
                                 'pg_catalog.spanish', 'pg_catalog.russian', 'pg_catalog.arabic']::regconfig[];
    n integer := coalesce(array_length(words, 1), 0);
    word text;
    cfg regconfig;
    alternative text;
    alternatives text[];
    stop boolean;
    result tsquery;
BEGIN
    FOR i IN 1..n LOOP
        word := lower(experts_unaccent(words[i]));
        alternatives := '{}';
        stop := false;
        FOREACH cfg IN ARRAY configs LOOP
            -- to_tsvector says whether it is a stop word without the NOTICE that to_tsquery raises.
            IF to_tsvector(cfg, word) = ''::tsvector THEN
                stop := true;
                CONTINUE;
            END IF;
            -- The last word as typed is a prefix; its stems are whole words (a stem taken as a
            -- prefix would find too much: French stems "brien" to "bri").
            alternative := CASE WHEN i = n AND cfg = 'pg_catalog.simple'::regconfig
                                THEN to_tsquery(cfg, word || ':*')::text
                                ELSE plainto_tsquery(cfg, word)::text END;
            IF NOT alternative = ANY (alternatives) THEN
                alternatives := alternatives || alternative;
            END IF;
        END LOOP;
        CONTINUE WHEN cardinality(alternatives) = 0 OR (stop AND i < n);
        IF i = n THEN
            -- A stem that the prefix already finds ('migr' beside 'migr':*) finds nothing more:
            -- left out, it neither costs an index lookup nor inflates the planner's estimate.
            alternatives := ARRAY(
                SELECT other FROM unnest(alternatives) AS other
                WHERE other = alternatives[1] OR NOT (other ~ '^''[^'']+''$' AND alternatives[1] ~ '^''[^'']+'':\\*$'
                      AND starts_with(substr(other, 2), substr(alternatives[1], 2, length(alternatives[1]) - 4))));
        END IF;
        result := CASE WHEN result IS NULL THEN '' ELSE '(' || result::text || ') & ' END
                  || '(' || array_to_string(alternatives, ' | ') || ')';
    END LOOP;
    RETURN result;
END $$;

-- A row's facet values as one tsvector ("region:africa", "country:KE", and "*" in every row), so
-- that ts_stat counts every facet value of a set of rows in one pass (experts.search.postgres).
-- The names before the colon are experts.search.facets' facet names.
CREATE OR REPLACE FUNCTION experts_facet_lexemes(facet text, tags jsonb) RETURNS text[]
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$ SELECT CASE WHEN jsonb_typeof(tags) = 'array'
        THEN ARRAY(SELECT facet || ':' || value FROM jsonb_array_elements_text(tags) AS value)
        ELSE '{}'::text[] END $$;

-- The triggers call unaccent and to_tsvector directly, each text parsed once: the parser's time
-- is most of a bulk insert's (about 0.5 µs a character). An update that changes no searched
-- text keeps the text vectors (setting search_document to NULL forces them to be made again).
CREATE OR REPLACE FUNCTION experts_expert_search_refresh() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
DECLARE
    cfg regconfig;
    names tsvector;
    organization tsvector;
    other text;
BEGIN
    NEW.search_facets := array_to_tsvector(ARRAY['*']
        || experts_facet_lexemes('objective', NEW.objectives) || experts_facet_lexemes('principle', NEW.principles)
        || experts_facet_lexemes('region', NEW.regions) || experts_facet_lexemes('country', NEW.countries)
        || experts_facet_lexemes('language', NEW.languages)
        || experts_facet_lexemes('available_for', NEW.available_for));
    IF TG_OP = 'UPDATE' AND NEW.search_document IS NOT NULL
            AND NEW.name IS NOT DISTINCT FROM OLD.name AND NEW.title IS NOT DISTINCT FROM OLD.title
            AND NEW.organization IS NOT DISTINCT FROM OLD.organization AND NEW.bio IS NOT DISTINCT FROM OLD.bio
            AND NEW.keywords IS NOT DISTINCT FROM OLD.keywords
            AND NEW.profile_language IS NOT DISTINCT FROM OLD.profile_language THEN
        RETURN NEW;
    END IF;
    cfg := experts_search_config(NEW.profile_language);
    names := to_tsvector('pg_catalog.simple', {schema}.unaccent('{schema}.unaccent'::regdictionary,
                         coalesce(NEW.name, '') || coalesce(experts_compact(NEW.name), '')));
    organization := to_tsvector('pg_catalog.simple', {schema}.unaccent('{schema}.unaccent'::regdictionary,
                                coalesce(NEW.organization, '')));
    -- The keywords' JSON text: the parser skips its brackets, quotes and commas.
    other := {schema}.unaccent('{schema}.unaccent'::regdictionary, concat_ws(' ', NEW.title, NEW.keywords::text));
    NEW.search_names := names || organization;
    NEW.search_document := setweight(names, 'A')
        || setweight(organization || to_tsvector('pg_catalog.simple', other)
                     || to_tsvector(cfg, {schema}.unaccent('{schema}.unaccent'::regdictionary,
                                                           coalesce(NEW.organization, '') || ' ' || other)), 'B')
        || setweight(to_tsvector(cfg, {schema}.unaccent('{schema}.unaccent'::regdictionary,
                                                        coalesce(NEW.bio, ''))), 'C');
    RETURN NEW;
END $$;

CREATE OR REPLACE FUNCTION experts_resource_search_refresh() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
DECLARE
    cfg regconfig;
    title text;
    organization text;
    simple_title tsvector;
    simple_organization tsvector;
BEGIN
    NEW.search_facets := array_to_tsvector(ARRAY['*', 'kind:' || NEW.kind, 'scope:' || NEW.scope]
        || CASE WHEN NEW.document_type IS NULL THEN '{}'::text[] ELSE ARRAY['document_type:' || NEW.document_type] END
        || experts_facet_lexemes('objective', NEW.objectives) || experts_facet_lexemes('principle', NEW.principles)
        || experts_facet_lexemes('region', NEW.regions) || experts_facet_lexemes('country', NEW.countries)
        || experts_facet_lexemes('language', NEW.languages));
    IF TG_OP = 'UPDATE' AND NEW.search_document IS NOT NULL
            AND NEW.title IS NOT DISTINCT FROM OLD.title AND NEW.summary IS NOT DISTINCT FROM OLD.summary
            AND NEW.organization IS NOT DISTINCT FROM OLD.organization
            AND NEW.summary_language IS NOT DISTINCT FROM OLD.summary_language THEN
        RETURN NEW;
    END IF;
    cfg := experts_search_config(NEW.summary_language);
    title := {schema}.unaccent('{schema}.unaccent'::regdictionary, coalesce(NEW.title, ''));
    organization := {schema}.unaccent('{schema}.unaccent'::regdictionary, coalesce(NEW.organization, ''));
    simple_title := to_tsvector('pg_catalog.simple', title);
    simple_organization := to_tsvector('pg_catalog.simple', organization);
    NEW.search_names := simple_title || simple_organization;
    NEW.search_document := setweight(simple_title || to_tsvector(cfg, title), 'A')
        || setweight(simple_organization || to_tsvector(cfg, organization), 'B')
        || setweight(to_tsvector(cfg, {schema}.unaccent('{schema}.unaccent'::regdictionary,
                                                        coalesce(NEW.summary, ''))), 'C');
    RETURN NEW;
END $$;
"""

PG_TABLES = """
-- The facet vectors are short and read by every count: kept in the row (MAIN), never toasted out.
ALTER TABLE experts_expert ADD COLUMN search_document tsvector, ADD COLUMN search_names tsvector,
    ADD COLUMN search_facets tsvector;
ALTER TABLE experts_expert ALTER COLUMN search_facets SET STORAGE MAIN;
ALTER TABLE experts_resource ADD COLUMN search_document tsvector, ADD COLUMN search_names tsvector,
    ADD COLUMN search_facets tsvector;
ALTER TABLE experts_resource ALTER COLUMN search_facets SET STORAGE MAIN;

CREATE TRIGGER experts_expert_search BEFORE INSERT OR UPDATE ON experts_expert
    FOR EACH ROW EXECUTE FUNCTION experts_expert_search_refresh();
CREATE TRIGGER experts_resource_search BEFORE INSERT OR UPDATE ON experts_resource
    FOR EACH ROW EXECUTE FUNCTION experts_resource_search_refresh();

-- Rows that existed before this migration.
UPDATE experts_expert SET search_document = NULL;
UPDATE experts_resource SET search_document = NULL;

CREATE INDEX experts_expert_search_document ON experts_expert USING gin (search_document);
CREATE INDEX experts_expert_search_names ON experts_expert USING gin (search_names);
CREATE INDEX experts_expert_objectives ON experts_expert USING gin (objectives);
CREATE INDEX experts_expert_principles ON experts_expert USING gin (principles);
CREATE INDEX experts_expert_regions ON experts_expert USING gin (regions);
CREATE INDEX experts_expert_countries ON experts_expert USING gin (countries);
CREATE INDEX experts_expert_languages ON experts_expert USING gin (languages);
CREATE INDEX experts_expert_available_for ON experts_expert USING gin (available_for);
CREATE INDEX experts_resource_search_document ON experts_resource USING gin (search_document);
CREATE INDEX experts_resource_search_names ON experts_resource USING gin (search_names);
CREATE INDEX experts_resource_objectives ON experts_resource USING gin (objectives);
CREATE INDEX experts_resource_principles ON experts_resource USING gin (principles);
CREATE INDEX experts_resource_regions ON experts_resource USING gin (regions);
CREATE INDEX experts_resource_countries ON experts_resource USING gin (countries);
CREATE INDEX experts_resource_languages ON experts_resource USING gin (languages);
-- The directory's order without a query: its first page without reading the table.
CREATE INDEX experts_expert_name_order ON experts_expert (name, id);

-- One row per statement that wrote experts, so that a reader can tell from its own snapshot
-- whether the directory changed since facet counts were cached (experts.search.counts_cache).
-- Writers only insert: they never wait on each other here. Old rows go, skipped while locked.
CREATE TABLE experts_search_change (
    id bigserial PRIMARY KEY,
    changed_at timestamptz NOT NULL DEFAULT now()
);
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
INSERT INTO experts_search_change DEFAULT VALUES;
"""

PG_DROP = """
DROP TRIGGER IF EXISTS experts_expert_search_change ON experts_expert;
DROP FUNCTION IF EXISTS experts_search_change_log();
DROP FUNCTION IF EXISTS experts_simple_vector(text), experts_stemmed_vector(text, text), experts_tags_text(jsonb);
DROP TABLE IF EXISTS experts_search_change;
DROP INDEX IF EXISTS experts_expert_name_order;
DROP TRIGGER IF EXISTS experts_expert_search ON experts_expert;
DROP TRIGGER IF EXISTS experts_resource_search ON experts_resource;
-- The names of earlier drafts of this migration (databases migrated while it was being written).
DROP TRIGGER IF EXISTS experts_expert_search_insert ON experts_expert;
DROP TRIGGER IF EXISTS experts_expert_search_update ON experts_expert;
DROP TRIGGER IF EXISTS experts_resource_search_insert ON experts_resource;
DROP TRIGGER IF EXISTS experts_resource_search_update ON experts_resource;
DROP INDEX IF EXISTS experts_expert_objectives, experts_expert_principles, experts_expert_regions,
    experts_expert_countries, experts_expert_languages, experts_expert_available_for,
    experts_resource_objectives, experts_resource_principles, experts_resource_regions,
    experts_resource_countries, experts_resource_languages;
ALTER TABLE experts_expert DROP COLUMN IF EXISTS search_document, DROP COLUMN IF EXISTS search_names,
    DROP COLUMN IF EXISTS search_facets;
ALTER TABLE experts_resource DROP COLUMN IF EXISTS search_document, DROP COLUMN IF EXISTS search_names,
    DROP COLUMN IF EXISTS search_facets;
DROP FUNCTION IF EXISTS experts_expert_search_refresh(), experts_resource_search_refresh(),
    experts_facet_lexemes(text, jsonb), experts_search_tsquery(text[]), experts_compact(text),
    experts_search_config(text), experts_unaccent(text);
"""

# --- SQLite ----------------------------------------------------------------------------------

# What the expert FTS table holds, as one view the triggers read from. ``compact`` is the name
# typed without its separators, as experts_compact() on PostgreSQL: the whole name and its tails
# after each of its first three spaces (``|`` keeps them apart as separate tokens).
SQLITE_CREATE = [
    """CREATE VIEW experts_expert_fts_source AS
    SELECT id, name, organization, title, keywords, bio,
           replace(replace(replace(replace(replace(t0 || '|' || t1 || '|' || t2 || '|' || t3,
               ' ', ''), '-', ''), '''', ''), '’', ''), '.', '') AS compact
    FROM (SELECT *, CASE WHEN instr(t2, ' ') > 0 THEN substr(t2, instr(t2, ' ') + 1) ELSE '' END AS t3
          FROM (SELECT *, CASE WHEN instr(t1, ' ') > 0 THEN substr(t1, instr(t1, ' ') + 1) ELSE '' END AS t2
                FROM (SELECT *, CASE WHEN instr(t0, ' ') > 0 THEN substr(t0, instr(t0, ' ') + 1) ELSE '' END AS t1
                      FROM (SELECT id, name, organization, title, keywords, bio, trim(name) AS t0
                            FROM experts_expert))))""",
    """CREATE VIRTUAL TABLE experts_expert_fts USING fts5(
        name, organization, title, keywords, bio, compact,
        tokenize = 'porter unicode61 remove_diacritics 2', prefix = '2 3')""",
    """CREATE TRIGGER experts_expert_fts_insert AFTER INSERT ON experts_expert BEGIN
        INSERT INTO experts_expert_fts(rowid, name, organization, title, keywords, bio, compact)
        SELECT * FROM experts_expert_fts_source WHERE id = new.id;
    END""",
    """CREATE TRIGGER experts_expert_fts_delete AFTER DELETE ON experts_expert BEGIN
        DELETE FROM experts_expert_fts WHERE rowid = old.id;
    END""",
    """CREATE TRIGGER experts_expert_fts_update AFTER UPDATE OF name, organization, title, keywords, bio
    ON experts_expert BEGIN
        DELETE FROM experts_expert_fts WHERE rowid = old.id;
        INSERT INTO experts_expert_fts(rowid, name, organization, title, keywords, bio, compact)
        SELECT * FROM experts_expert_fts_source WHERE id = new.id;
    END""",
    """INSERT INTO experts_expert_fts(rowid, name, organization, title, keywords, bio, compact)
        SELECT * FROM experts_expert_fts_source""",
    """CREATE VIRTUAL TABLE experts_resource_fts USING fts5(
        title, organization, summary,
        tokenize = 'porter unicode61 remove_diacritics 2', prefix = '2 3')""",
    """CREATE TRIGGER experts_resource_fts_insert AFTER INSERT ON experts_resource BEGIN
        INSERT INTO experts_resource_fts(rowid, title, organization, summary)
        VALUES (new.id, new.title, new.organization, new.summary);
    END""",
    """CREATE TRIGGER experts_resource_fts_delete AFTER DELETE ON experts_resource BEGIN
        DELETE FROM experts_resource_fts WHERE rowid = old.id;
    END""",
    """CREATE TRIGGER experts_resource_fts_update AFTER UPDATE OF title, organization, summary
    ON experts_resource BEGIN
        DELETE FROM experts_resource_fts WHERE rowid = old.id;
        INSERT INTO experts_resource_fts(rowid, title, organization, summary)
        VALUES (new.id, new.title, new.organization, new.summary);
    END""",
    """INSERT INTO experts_resource_fts(rowid, title, organization, summary)
        SELECT id, title, organization, summary FROM experts_resource""",
]

SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS experts_expert_fts_insert",
    "DROP TRIGGER IF EXISTS experts_expert_fts_delete",
    "DROP TRIGGER IF EXISTS experts_expert_fts_update",
    "DROP TABLE IF EXISTS experts_expert_fts",
    "DROP VIEW IF EXISTS experts_expert_fts_source",
    "DROP TRIGGER IF EXISTS experts_resource_fts_insert",
    "DROP TRIGGER IF EXISTS experts_resource_fts_delete",
    "DROP TRIGGER IF EXISTS experts_resource_fts_update",
    "DROP TABLE IF EXISTS experts_resource_fts",
]


def create_search_index(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        with schema_editor.connection.cursor() as cursor:
            cursor.execute("CREATE EXTENSION IF NOT EXISTS unaccent")
            # Wherever it was installed (the first schema of search_path unless it existed).
            cursor.execute(
                "SELECT quote_ident(nspname) FROM pg_extension JOIN pg_namespace ON pg_namespace.oid = extnamespace "
                "WHERE extname = 'unaccent'"
            )
            (schema,) = cursor.fetchone()
            cursor.execute(PG_FUNCTIONS.replace("{schema}", schema))
            cursor.execute(PG_TABLES)
    elif vendor == "sqlite":
        for statement in SQLITE_CREATE:
            schema_editor.execute(statement)


def drop_search_index(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        with schema_editor.connection.cursor() as cursor:
            cursor.execute(PG_DROP)
    elif vendor == "sqlite":
        for statement in SQLITE_DROP:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("experts", "0001_initial")]

    operations = [migrations.RunPython(create_search_index, drop_search_index)]
