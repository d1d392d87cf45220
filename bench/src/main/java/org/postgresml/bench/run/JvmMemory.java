package org.postgresml.bench.run;

import java.lang.management.ManagementFactory;

/**
 * This JVM's memory, for what runs inside it (the operator in scenario 7): heap in use right after
 * a full collection, so it counts what is retained, not garbage; and the process RSS.
 *
 * @param heapUsedAfterGcBytes heap in use after {@code System.gc()}
 * @param rssKib the whole process's resident set (every thread and what else the JVM holds)
 */
public record JvmMemory(long heapUsedAfterGcBytes, long rssKib) {

  public static JvmMemory sample() {
    // Twice: the first collection may leave objects that only become unreachable through it
    // (reference processing, finalizable objects).
    System.gc();
    System.gc();
    long used = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    return new JvmMemory(used, ProcStat.rssKib(ProcessHandle.current().pid()));
  }

  public double heapMib() {
    return heapUsedAfterGcBytes / (1024.0 * 1024.0);
  }

  public double rssMib() {
    return rssKib / 1024.0;
  }
}
