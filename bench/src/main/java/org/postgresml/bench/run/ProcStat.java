package org.postgresml.bench.run;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** CPU time and memory of a process, read from {@code /proc/<pid>} (all its threads together). */
public final class ProcStat {

  /** Linux reports CPU time in clock ticks of 1/100 s on every common configuration. */
  private static final double TICKS_PER_SECOND = 100.0;

  private ProcStat() {}

  /** User plus system CPU seconds the process has used so far. */
  public static double cpuSeconds(long pid) {
    String stat = read(Path.of("/proc", Long.toString(pid), "stat"));
    // The command name (field 2) may hold spaces; the fields after its closing parenthesis are fixed.
    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    long utime = Long.parseLong(fields[11]);
    long stime = Long.parseLong(fields[12]);
    return (utime + stime) / TICKS_PER_SECOND;
  }

  /** Resident set size now, in KiB. */
  public static long rssKib(long pid) {
    return statusField(pid, "VmRSS:");
  }

  /** Peak resident set size since the process started, in KiB. */
  public static long peakRssKib(long pid) {
    return statusField(pid, "VmHWM:");
  }

  private static long statusField(long pid, String name) {
    for (String line : read(Path.of("/proc", Long.toString(pid), "status")).split("\n")) {
      if (line.startsWith(name)) {
        return Long.parseLong(line.substring(name.length()).trim().split("\\s+")[0]);
      }
    }
    throw new IllegalStateException("no " + name + " in /proc/" + pid + "/status");
  }

  private static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      throw new IllegalStateException("cannot read " + file + " (has the process exited?)", e);
    }
  }
}
