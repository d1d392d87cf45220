package org.postgresml.proxy.cache;

import java.util.Random;

/**
 * What the clients of {@link CacheIsolationIT} ask, drawn from small shared pools so that the same
 * call comes from many clients at once: hits, misses and calls in flight that others wait for.
 */
final class CacheCalls {

  /** What one step of a session does. */
  enum Kind {
    /** pgml.embed (public): a cacheable call. */
    EMBED,
    /** pgml.ticket (not public): a cacheable call whose answer names the upstream call it came from. */
    TICKET,
    /** pgml.embed of a model that fails (P0002). */
    EMBED_ERROR,
    /** pgml.ticket of a model that fails (P0002, naming the upstream call). */
    TICKET_ERROR,
    /** BEGIN, a ticket, COMMIT: never served from the cache, never kept. */
    TRANSACTION,
    /** SHOW pgml_proxy.cache. */
    SHOW,
    /** SET pgml_proxy.cache = on or off. */
    SWITCH,
    /** Any other statement: the session uses the cache no more. */
    PLAIN
  }

  private static final String[] MODELS = {"intfloat/e5-small-v2", "m2"};
  private static final String[] TEXTS = {"a popular query", "it's quoted", "third", "fourth"};
  /** Mostly cacheable calls: a transaction or another statement ends a session's use of the cache. */
  private static final Kind[] WEIGHTED = {Kind.EMBED, Kind.EMBED, Kind.EMBED, Kind.EMBED, Kind.EMBED, Kind.EMBED,
      Kind.TICKET, Kind.TICKET, Kind.TICKET, Kind.TICKET, Kind.TICKET, Kind.TICKET, Kind.EMBED_ERROR,
      Kind.TICKET_ERROR, Kind.TRANSACTION, Kind.SHOW, Kind.SWITCH, Kind.PLAIN};
  static final String PLAIN_SQL = "SELECT 'plain ' || 7 AS plain";

  /**
   * The stand-in's second function, made for this test: each upstream run draws the next number of
   * {@code pgml.ticket_calls} and takes 20 ms (long enough for identical calls to meet in flight).
   */
  static final String TICKET_FUNCTION = """
      CREATE SEQUENCE pgml.ticket_calls;
      GRANT USAGE, SELECT ON SEQUENCE pgml.ticket_calls TO PUBLIC;
      CREATE FUNCTION pgml.ticket(model text, input text) RETURNS text LANGUAGE plpgsql VOLATILE STRICT AS $$
      DECLARE
        number bigint := nextval('pgml.ticket_calls');
      BEGIN
        PERFORM pg_sleep(0.02);
        IF model LIKE 'error/%' THEN
          RAISE EXCEPTION 'model "%" does not exist (call %)', model, number USING ERRCODE = 'P0002';
        END IF;
        RETURN model || '|' || input || '|#' || number;
      END
      $$;
      """;
  static final String TICKETS_SQL = "SELECT CASE WHEN is_called THEN last_value ELSE 0 END FROM pgml.ticket_calls";

  private CacheCalls() {}

  static Kind kind(Random random) {
    return WEIGHTED[random.nextInt(WEIGHTED.length)];
  }

  static String model(Random random) {
    return MODELS[random.nextInt(MODELS.length)];
  }

  static String errorModel(Random random) {
    return "error/" + MODELS[random.nextInt(MODELS.length)];
  }

  static String text(Random random) {
    return TEXTS[random.nextInt(TEXTS.length)];
  }

  static String embed(String model, String text) {
    return CachedProxy.embed(model, text);
  }

  static String ticket(String model, String text) {
    return "SELECT pgml.ticket('" + model.replace("'", "''") + "', '" + text.replace("'", "''") + "')";
  }

  /** real[] in PostgreSQL's text form ({0.1,0.25,...}) as floats. */
  static float[] vector(String text) {
    if (text == null || text.length() < 2) {
      return new float[0];
    }
    String[] parts = text.substring(1, text.length() - 1).split(",");
    float[] vector = new float[parts.length];
    for (int i = 0; i < parts.length; i++) {
      vector[i] = Float.parseFloat(parts[i]);
    }
    return vector;
  }
}
