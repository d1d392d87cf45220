package org.postgresml.proxy.config;

import java.time.Duration;
import java.util.Map;
import org.postgresml.proxy.config.model.Setting;

/**
 * The AI-call cache (docs/cache.md): which functions may be answered from memory, and whether a
 * function's results are shared by every user of a database ({@code public}) or kept per user; the
 * byte budget, how long an answer stays, and the generation (a change empties the cache). No
 * function listed: the cache is off. All of it is reloadable.
 *
 * @param functions schema-qualified lower-case name to {@code public}
 */
public record CacheSettings(Map<String, Boolean> functions, long maxSizeBytes, Duration ttl, long generation) {

  /** The settings table's defaults (256MB, 1h). */
  public static final long DEFAULT_MAX_SIZE = ByteSizeText.parseLong("cache.maxSize",
      Setting.CACHE_MAX_SIZE.defaultText(), 0, Long.MAX_VALUE);
  public static final Duration DEFAULT_TTL = DurationText.parse("cache.ttl", Setting.CACHE_TTL.defaultText());
  public static final CacheSettings OFF = new CacheSettings(Map.of(), DEFAULT_MAX_SIZE, DEFAULT_TTL, 0);

  public CacheSettings {
    functions = Map.copyOf(functions);
  }

  public boolean enabled() {
    return !functions.isEmpty();
  }
}
