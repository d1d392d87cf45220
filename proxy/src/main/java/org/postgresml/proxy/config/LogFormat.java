package org.postgresml.proxy.config;

/** Log line format: human text or one JSON object per line. */
public enum LogFormat {
  TEXT, JSON;

  public static LogFormat parse(String text) {
    return EnumText.parse(LogFormat.class, "log format", text);
  }
}
