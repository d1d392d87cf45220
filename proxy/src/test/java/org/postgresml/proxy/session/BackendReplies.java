package org.postgresml.proxy.session;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Backend messages as short comparable strings ("D:iso3x7x1", "Z:I", "E:22012:division by zero"),
 * and the tags of other clients found in them. Asynchronous messages (notices, parameter reports,
 * notifications) have no place in a reply sequence and read as null.
 */
final class BackendReplies {

  /** Every value a test client puts into a query carries its id: {@code iso<client>x<pipeline>x<step>}. */
  static final Pattern TAG = Pattern.compile("iso(\\d+)x");

  private BackendReplies() {}

  static String tag(int client, long pipeline, int step) {
    return "iso" + client + "x" + pipeline + "x" + step;
  }

  static String canonical(RawClient.Message message) {
    byte[] body = message.body();
    return switch (message.type()) {
      case 'N', 'S', 'A' -> null;
      case 'D' -> "D:" + columns(body);
      case 'C' -> "C:" + cString(body, 0);
      case 'Z' -> "Z:" + (char) body[0];
      case 'E' -> "E:" + field(body, 'C') + ":" + field(body, 'M');
      case 'd' -> "d:" + new String(body, StandardCharsets.UTF_8);
      case 'V' -> "V:" + value(body);
      default -> String.valueOf(message.type());
    };
  }

  /** Whether a reply matches an expected one; '*' in the expected string stands for any text. */
  static boolean matches(String expected, String actual) {
    if (actual == null) {
      return false;
    }
    String[] parts = expected.split("\\*", -1);
    if (parts.length == 1) {
      return expected.equals(actual);
    }
    if (!actual.startsWith(parts[0])) {
      return false;
    }
    int at = parts[0].length();
    for (int i = 1; i < parts.length - 1; i++) {
      int found = actual.indexOf(parts[i], at);
      if (found < 0) {
        return false;
      }
      at = found + parts[i].length();
    }
    return actual.length() - at >= parts[parts.length - 1].length() && actual.endsWith(parts[parts.length - 1]);
  }

  /** The ids of clients other than {@code self} whose tags appear anywhere in the message. */
  static boolean carriesOtherClient(RawClient.Message message, int self) {
    Matcher tags = TAG.matcher(new String(message.body(), StandardCharsets.ISO_8859_1));
    while (tags.find()) {
      if (Integer.parseInt(tags.group(1)) != self) {
        return true;
      }
    }
    return false;
  }

  private static String columns(byte[] body) {
    ByteBuffer buffer = ByteBuffer.wrap(body);
    int count = buffer.getShort();
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < count; i++) {
      if (i > 0) {
        text.append(',');
      }
      int length = buffer.getInt();
      if (length < 0) {
        text.append("NULL");
      } else {
        text.append(new String(body, buffer.position(), length, StandardCharsets.UTF_8));
        buffer.position(buffer.position() + length);
      }
    }
    return text.toString();
  }

  private static String value(byte[] body) {
    int length = ByteBuffer.wrap(body).getInt();
    return length < 0 ? "NULL" : new String(body, 4, length, StandardCharsets.UTF_8);
  }

  private static String field(byte[] body, char code) {
    int i = 0;
    while (i < body.length && body[i] != 0) {
      char key = (char) body[i++];
      String value = cString(body, i);
      if (key == code) {
        return value;
      }
      i += value.getBytes(StandardCharsets.UTF_8).length + 1;
    }
    return "";
  }

  private static String cString(byte[] body, int from) {
    int end = from;
    while (end < body.length && body[end] != 0) {
      end++;
    }
    return new String(body, from, end - from, StandardCharsets.UTF_8);
  }
}
