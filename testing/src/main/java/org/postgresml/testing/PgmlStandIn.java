package org.postgresml.testing;

/**
 * A stand-in for the PostgresML extension in tests: a schema {@code pgml} with
 * {@code pgml.embed(model text, text text) RETURNS real[]}, so the SQL of PostgresML's dblink
 * examples runs unchanged against a plain PostgreSQL. The vector is deterministic (derived from the
 * md5 of model and text), so a test can compute the expected value; it is not an embedding.
 *
 * <p>Every call counts itself in the sequence {@code pgml.embed_calls} (sequences ignore rollbacks,
 * so a failed call counts too): a test reads {@link #CALLS_SQL} on the upstream to prove a call did
 * or did not reach it. A few model names behave as a real extension can: a name with {@code error/} in it
 * fails (SQLSTATE P0002, as for a model that does not exist), {@code notice/…} sends a NoticeResponse
 * first, {@code gate/…} waits while anyone holds the advisory lock {@link #GATE_LOCK} (a test holds
 * it to keep calls in flight).
 */
public final class PgmlStandIn {

  /** Dimensions of the stand-in vector. */
  public static final int DIMENSIONS = 8;
  /** The advisory lock (one bigint key) a {@code gate/…} call waits for. */
  public static final long GATE_LOCK = 4242;
  /** How many times pgml.embed ran on this database (one row, one bigint column). */
  public static final String CALLS_SQL =
      "SELECT CASE WHEN is_called THEN last_value ELSE 0 END FROM pgml.embed_calls";

  static final String INSTALL_SQL = """
      CREATE SCHEMA IF NOT EXISTS pgml;
      COMMENT ON SCHEMA pgml IS 'test stand-in for the PostgresML extension';
      CREATE SEQUENCE IF NOT EXISTS pgml.embed_calls;
      GRANT USAGE, SELECT ON SEQUENCE pgml.embed_calls TO PUBLIC;
      CREATE OR REPLACE FUNCTION pgml.embed(transformer text, "text" text) RETURNS real[]
      LANGUAGE plpgsql IMMUTABLE STRICT AS $$
      BEGIN
        PERFORM nextval('pgml.embed_calls');
        IF transformer LIKE 'gate/%%' THEN
          PERFORM pg_advisory_lock_shared(%d);
          PERFORM pg_advisory_unlock_shared(%d);
        END IF;
        IF transformer LIKE '%%error/%%' THEN
          RAISE EXCEPTION 'model "%%" does not exist', transformer USING ERRCODE = 'P0002';
        END IF;
        IF transformer LIKE 'notice/%%' THEN
          RAISE NOTICE 'loading model %%', transformer;
        END IF;
        RETURN (SELECT array_agg(round((get_byte(decode(md5(transformer || ':' || "text"), 'hex'), i) / 255.0)::numeric, 4)::real ORDER BY i)
          FROM generate_series(0, %d) AS i);
      END
      $$;
      """.formatted(GATE_LOCK, GATE_LOCK, DIMENSIONS - 1);

  private PgmlStandIn() {}

  /** The vector the stand-in returns, computed in Java so tests compare against an independent value. */
  public static float[] expectedEmbedding(String model, String text) {
    byte[] digest;
    try {
      digest = java.security.MessageDigest.getInstance("MD5")
          .digest((model + ":" + text).getBytes(java.nio.charset.StandardCharsets.UTF_8));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    float[] vector = new float[DIMENSIONS];
    for (int i = 0; i < DIMENSIONS; i++) {
      vector[i] = new java.math.BigDecimal((digest[i] & 0xff) / 255.0)
          .setScale(4, java.math.RoundingMode.HALF_UP).floatValue();
    }
    return vector;
  }
}
