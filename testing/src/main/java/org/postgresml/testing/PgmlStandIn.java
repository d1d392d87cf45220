package org.postgresml.testing;

/**
 * A stand-in for the PostgresML extension in tests: a schema {@code pgml} with
 * {@code pgml.embed(model text, text text) RETURNS real[]}, so the SQL of PostgresML's dblink
 * examples runs unchanged against a plain PostgreSQL. The vector is deterministic (derived from the
 * md5 of model and text), so a test can compute the expected value; it is not an embedding.
 */
public final class PgmlStandIn {

  /** Dimensions of the stand-in vector. */
  public static final int DIMENSIONS = 8;

  static final String INSTALL_SQL = """
      CREATE SCHEMA IF NOT EXISTS pgml;
      COMMENT ON SCHEMA pgml IS 'test stand-in for the PostgresML extension';
      CREATE OR REPLACE FUNCTION pgml.embed(transformer text, "text" text) RETURNS real[]
      LANGUAGE sql IMMUTABLE STRICT AS $$
        SELECT array_agg(round((get_byte(decode(md5(transformer || ':' || "text"), 'hex'), i) / 255.0)::numeric, 4)::real ORDER BY i)
        FROM generate_series(0, %d) AS i
      $$;
      """.formatted(DIMENSIONS - 1);

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
