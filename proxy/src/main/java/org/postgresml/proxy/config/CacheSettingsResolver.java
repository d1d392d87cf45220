package org.postgresml.proxy.config;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.postgresml.proxy.config.model.ConfigFile;
import org.postgresml.proxy.config.model.Setting;

/** Checks the {@code cache:} section of the YAML file into {@link CacheSettings}. */
final class CacheSettingsResolver {

  /**
   * schema.function as PostgreSQL folds an unquoted name: lower case, at most 63 bytes a part
   * (NAMEDATALEN). Quoted or mixed-case names are refused: the cache's matcher reads only this shape.
   */
  private static final Pattern FUNCTION_NAME = Pattern.compile("[a-z_][a-z0-9_$]{0,62}\\.[a-z_][a-z0-9_$]{0,62}");
  /** Below 1MB a budget holds too few answers to be worth it; 64GB is past any proxy pod. */
  private static final long MIN_SIZE = 1024 * 1024;
  private static final long MAX_SIZE = 64L * 1024 * 1024 * 1024;

  private CacheSettingsResolver() {}

  static CacheSettings resolve(ConfigFile.Cache cache) {
    if (cache == null) {
      return CacheSettings.OFF;
    }
    Map<String, Boolean> functions = new LinkedHashMap<>();
    List<ConfigFile.CacheFunction> listed = cache.functions() == null ? List.of() : cache.functions();
    for (int i = 0; i < listed.size(); i++) {
      ConfigFile.CacheFunction function = listed.get(i);
      String key = "cache.functions[" + i + "].name";
      if (function == null || function.name() == null || function.name().isBlank()) {
        throw new ConfigException(key + ": missing (a schema-qualified function such as pgml.embed)");
      }
      if (!FUNCTION_NAME.matcher(function.name()).matches()) {
        throw new ConfigException(key + ": '" + function.name() + "' is not a schema-qualified function name in lower"
            + " case without quotes (for example pgml.embed)");
      }
      if (functions.put(function.name(), function.shared() != null && function.shared()) != null) {
        throw new ConfigException(key + ": " + function.name() + " is listed twice");
      }
    }
    long maxSize = ByteSizeText.parseLong("cache.maxSize", cache.maxSize() == null
        ? Setting.CACHE_MAX_SIZE.defaultText() : cache.maxSize(), MIN_SIZE, MAX_SIZE);
    Duration ttl = DurationText.parse("cache.ttl", cache.ttl() == null ? Setting.CACHE_TTL.defaultText() : cache.ttl());
    if (ttl.isZero()) {
      throw new ConfigException("cache.ttl must be above 0 (to turn the cache off, list no functions)");
    }
    // Any int64: only a change matters (the operator bumps it).
    long generation = cache.generation() == null ? Long.parseLong(Setting.CACHE_GENERATION.defaultText())
        : cache.generation();
    return new CacheSettings(functions, maxSize, ttl, generation);
  }
}
