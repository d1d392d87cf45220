package org.postgresml.testing.netty;

import io.netty.util.ResourceLeakDetector;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Netty's leak detector, keeping every leak report so that {@link NettyLeakCheck} can fail the test
 * run. Installed with {@code -Dio.netty.customResourceLeakDetector=} this class (see the parent pom).
 */
public final class RecordingLeakDetector<T> extends ResourceLeakDetector<T> {

  private static final List<String> LEAKS = new CopyOnWriteArrayList<>();

  public RecordingLeakDetector(Class<?> resourceType, int samplingInterval, long maxActive) {
    super(resourceType, samplingInterval, maxActive);
  }

  public RecordingLeakDetector(Class<?> resourceType, int samplingInterval) {
    super(resourceType, samplingInterval);
  }

  @Override
  protected void reportTracedLeak(String resourceType, String records) {
    LEAKS.add(resourceType + " leaked:" + records);
    super.reportTracedLeak(resourceType, records);
  }

  @Override
  protected void reportUntracedLeak(String resourceType) {
    LEAKS.add(resourceType + " leaked (no records)");
    super.reportUntracedLeak(resourceType);
  }

  /** Leak reports so far; the list is cleared by {@link #drain()}. */
  static List<String> drain() {
    List<String> copy = List.copyOf(LEAKS);
    LEAKS.clear();
    return copy;
  }
}
