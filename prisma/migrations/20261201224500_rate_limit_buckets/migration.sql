-- Rate-limit token buckets (issue 10 item 5), shared by every server instance on this database.
-- UNLOGGED: a bucket is not data worth a WAL write per request; after a crash the table is empty and
-- every bucket starts full again, which only ever errs on the caller's side.
CREATE UNLOGGED TABLE "rate_limit_buckets" (
    "key" TEXT NOT NULL,
    "tokens" DOUBLE PRECISION NOT NULL,
    "updated_at" TIMESTAMPTZ NOT NULL,

    CONSTRAINT "rate_limit_buckets_pkey" PRIMARY KEY ("key")
);

-- Takes `cost` tokens from every bucket of `keys` at once, or from none: refills each bucket by
-- `refill_per_second` for the time since it was last touched (up to its capacity), then charges all
-- of them if every one holds enough (an operation costing more than a bucket's capacity is charged
-- that capacity, so it waits for a full bucket instead of never passing). Rows are locked in the
-- order of `keys`; callers pass them in one fixed order (tenant, then subject), so no deadlock.
-- Returns whether it was allowed, each bucket's tokens left, and the seconds until it would be.
CREATE FUNCTION "quell_take_tokens"(
    keys TEXT[], capacities DOUBLE PRECISION[], refill_per_second DOUBLE PRECISION[], cost DOUBLE PRECISION
) RETURNS TABLE (allowed BOOLEAN, remaining DOUBLE PRECISION[], retry_after_seconds DOUBLE PRECISION)
LANGUAGE plpgsql AS $$
DECLARE
    now_ TIMESTAMPTZ := clock_timestamp();
    levels DOUBLE PRECISION[] := '{}';
    level_ DOUBLE PRECISION;
    charge DOUBLE PRECISION;
    wait_ DOUBLE PRECISION := 0;
    i INT;
BEGIN
    INSERT INTO rate_limit_buckets AS b ("key", tokens, updated_at)
    SELECT k, c, now_ FROM unnest(keys, capacities) AS t(k, c)
    ON CONFLICT ("key") DO NOTHING;
    FOR i IN 1 .. cardinality(keys) LOOP
        SELECT LEAST(capacities[i],
                     b.tokens + refill_per_second[i] * GREATEST(0, EXTRACT(EPOCH FROM now_ - b.updated_at)))
          INTO level_ FROM rate_limit_buckets b WHERE b."key" = keys[i] FOR UPDATE;
        levels := levels || level_;
        charge := LEAST(cost, capacities[i]);
        IF level_ < charge THEN
            wait_ := GREATEST(wait_, (charge - level_) / refill_per_second[i]);
        END IF;
    END LOOP;
    allowed := wait_ = 0;
    IF allowed THEN
        FOR i IN 1 .. cardinality(keys) LOOP
            levels[i] := levels[i] - LEAST(cost, capacities[i]);
        END LOOP;
    END IF;
    UPDATE rate_limit_buckets b SET tokens = t.lvl, updated_at = now_
      FROM unnest(keys, levels) AS t(k, lvl) WHERE b."key" = t.k;
    remaining := levels;
    retry_after_seconds := wait_;
    RETURN NEXT;
END
$$;
