package org.postgresml.proxy.config;

import java.util.Locale;

/** Log line format: human text or one JSON object per line. */
public enum LogFormat {
  TEXT, JSON;

  public static LogFormat parse(String text) {
    for (LogFormat format : values()) {
      if (format.name().toLowerCase(Locale.ROOT).equals(text.trim().toLowerCase(Locale.ROOT))) {
        return format;
      }
    }
    throw new ConfigException("invalid log format '" + text + "' (expected text or json)");
  }
}
