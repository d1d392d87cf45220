package org.postgresml.proxy.pool;

import java.util.Locale;

/** A run-time setting a client asks for at startup (name and value), as a pool remembers it. */
public interface StartupSetting {

  String name();

  String value();

  /** GUC names are case-insensitive: libpq sends PGTZ as "timezone", pgjdbc "TimeZone". */
  default String key() {
    return name().toLowerCase(Locale.ROOT);
  }
}
