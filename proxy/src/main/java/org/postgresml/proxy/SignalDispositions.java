package org.postgresml.proxy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Which signals this process ignores, from {@code /proc/self/status}. A process started under
 * {@code nohup} (or by a parent that ignores SIGHUP) inherits the ignore, and the JVM then never
 * calls a SIGHUP handler: reload by signal is unavailable and the proxy says so.
 */
final class SignalDispositions {

  static final int SIGHUP = 1;

  private SignalDispositions() {}

  static boolean isIgnored(int signal) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("SigIgn:")) {
          long mask = Long.parseUnsignedLong(line.substring("SigIgn:".length()).trim(), 16);
          return (mask & (1L << (signal - 1))) != 0;
        }
      }
    } catch (IOException | NumberFormatException e) {
      return false; // not Linux, or unreadable: assume the default disposition
    }
    return false;
  }
}
