package org.postgresml.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.postgresml.testing.ClientPrograms;

/** What the results file records about the machine the numbers came from. */
final class Machine {

  private Machine() {}

  static String cpu() {
    String model = read("/proc/cpuinfo").lines().filter(l -> l.startsWith("model name")).findFirst()
        .map(l -> l.substring(l.indexOf(':') + 1).trim()).orElse("unknown CPU");
    return Runtime.getRuntime().availableProcessors() + " cores, " + model;
  }

  static String memory() {
    return read("/proc/meminfo").lines().filter(l -> l.startsWith("MemTotal")).findFirst()
        .map(l -> Long.parseLong(l.replaceAll("[^0-9]", "")) / 1024 + " MiB").orElse("unknown");
  }

  static String kernel() {
    return read("/proc/sys/kernel/osrelease").trim();
  }

  static String loadAverage() {
    String[] fields = read("/proc/loadavg").trim().split(" ");
    return fields.length >= 3 ? fields[0] + " " + fields[1] + " " + fields[2] : "unknown";
  }

  static String jdk() {
    return System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version");
  }

  static String pgbench() {
    return ClientPrograms.find("pgbench").map(path -> ClientPrograms.run(List.of(path.toString(), "--version"),
        Map.of(), Duration.ofSeconds(10)).stdout().trim()).orElse("not found");
  }

  private static String read(String file) {
    try {
      return Files.readString(Path.of(file));
    } catch (IOException e) {
      return "";
    }
  }
}
