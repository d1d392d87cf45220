package org.postgresml.proxy.observe;

import ch.qos.logback.classic.pattern.ClassicConverter;
import ch.qos.logback.classic.spi.ILoggingEvent;
import java.util.List;
import org.slf4j.event.KeyValuePair;

/**
 * {@code %safeKvp}: the event's key-value pairs as {@code key="value"}, each value escaped
 * ({@link LogEscape#quoted}) so that neither a line break nor a quote in a client-chosen name can
 * forge a line or a pair.
 */
public final class EscapedKeyValueConverter extends ClassicConverter {

  @Override
  public String convert(ILoggingEvent event) {
    List<KeyValuePair> pairs = event.getKeyValuePairs();
    if (pairs == null || pairs.isEmpty()) {
      return "";
    }
    StringBuilder out = new StringBuilder();
    for (KeyValuePair pair : pairs) {
      if (out.length() > 0) {
        out.append(' ');
      }
      out.append(LogEscape.controls(pair.key)).append("=\"").append(LogEscape.quoted(String.valueOf(pair.value)))
          .append('"');
    }
    return out.toString();
  }
}
