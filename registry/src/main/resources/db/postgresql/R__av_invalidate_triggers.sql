-- Cross-node cache invalidation (PostgreSQL only; see dev.av.registry.storage.Invalidations).
-- Every write to a table that some node caches NOTIFYs channel av_invalidate with the payload
-- "<schema> <table> <key>". The trigger runs inside the writing transaction, so the notice is sent
-- if and only if the write commits, by whichever node (or psql session) made it, and no application
-- code can forget it. Repeatable migration: runs after every versioned one (so tables of later
-- modules exist) and again whenever this file changes; tables absent from this install are skipped.

CREATE OR REPLACE FUNCTION av_notify_invalidate() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    row_json jsonb;
    k        text;
BEGIN
    IF TG_OP = 'INSERT' THEN
        row_json := to_jsonb(NEW);
    ELSE
        row_json := to_jsonb(OLD);
    END IF;
    k := row_json ->> TG_ARGV[0];
    IF TG_NARGS > 1 THEN
        k := (row_json ->> TG_ARGV[1]) || '/' || k;
    END IF;
    PERFORM pg_notify('av_invalidate', TG_TABLE_SCHEMA || ' ' || TG_TABLE_NAME || ' ' || coalesce(k, ''));
    RETURN NULL;
END
$$;

DO $$
DECLARE
    t record;
BEGIN
    PERFORM set_config('client_min_messages', 'warning', true); -- no "trigger does not exist, skipping" notices
    FOR t IN SELECT * FROM (VALUES
            -- table,               events,                       key column(s),   WHEN
            ('av_agents',           'INSERT OR UPDATE OR DELETE', '''name''',        ''),
            ('av_registry_users',   'INSERT OR UPDATE OR DELETE', '''name''',        ''),
            ('av_scopes',           'INSERT OR UPDATE OR DELETE', '''name''',        ''),
            ('av_delegations',      'INSERT OR UPDATE OR DELETE', '''id''',          ''),
            ('av_agent_tokens',     'INSERT OR UPDATE OR DELETE', '''agent''',       ''),
            ('av_oidc_config',      'INSERT OR UPDATE OR DELETE', '''name''',        ''),
            ('av_mounts',           'INSERT OR UPDATE OR DELETE', '''path''',        ''),
            ('av_policies',         'INSERT OR UPDATE OR DELETE', '''name'', ''kind''', ''),
            -- only tokens without a use limit are cached (TokenStore); a new row is never cached, and
            -- counting a use-limited token down must not pay for a NOTIFY
            ('av_tokens',           'UPDATE OR DELETE',           '''id_hash''',     'WHEN (OLD.num_uses = 0)'),
            ('proxy_services',      'INSERT OR UPDATE OR DELETE', '''name''',        ''),
            ('proxy_settings',      'INSERT OR UPDATE OR DELETE', '''id''',          '')
        ) AS v(tbl, events, args, cond)
    LOOP
        IF to_regclass(quote_ident(current_schema()) || '.' || t.tbl) IS NOT NULL THEN
            EXECUTE format('DROP TRIGGER IF EXISTS av_invalidate ON %I', t.tbl);
            EXECUTE format('CREATE TRIGGER av_invalidate AFTER %s ON %I FOR EACH ROW %s '
                    || 'EXECUTE FUNCTION av_notify_invalidate(%s)', t.events, t.tbl, t.cond, t.args);
        END IF;
    END LOOP;
END
$$;
