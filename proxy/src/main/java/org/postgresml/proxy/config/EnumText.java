package org.postgresml.proxy.config;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** Enum values as configuration spells them: lower case with dashes (verify-full, scram-sha-256). */
final class EnumText {

  private EnumText() {}

  static String text(Enum<?> value) {
    return value.name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  /** The value spelled so, or a ConfigException listing the valid spellings. */
  static <E extends Enum<E>> E parse(Class<E> type, String what, String input) {
    E[] values = type.getEnumConstants();
    String wanted = input.trim().toLowerCase(Locale.ROOT);
    for (E value : values) {
      if (text(value).equals(wanted)) {
        return value;
      }
    }
    throw new ConfigException("invalid " + what + " '" + input + "' (expected one of "
        + Arrays.stream(values).map(EnumText::text).collect(Collectors.joining(", ")) + ")");
  }
}
