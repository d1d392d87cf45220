package org.postgresml.operator.api.spec;

/** Log line format of the proxy (names as in the proxy's YAML). */
public enum LogFormat {
  text,
  json
}
