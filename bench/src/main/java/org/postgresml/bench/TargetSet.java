package org.postgresml.bench;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.postgresml.bench.target.Target;

/** The targets of one comparison, started alike, and those that could not run with the reason. */
public record TargetSet(List<Target> targets, Map<String, String> skipped) implements AutoCloseable {

  public TargetSet {
    targets = List.copyOf(targets);
    skipped = new LinkedHashMap<>(skipped);
  }

  public List<String> names() {
    return targets.stream().map(Target::name).toList();
  }

  /** The poolers only (everything but direct PostgreSQL). */
  public List<Target> poolers() {
    return targets.stream().filter(t -> !Target.DIRECT.equals(t.name())).toList();
  }

  /**
   * Hands the targets back: the context keeps its poolers running for later scenarios with the same
   * settings (a JVM stays warm, start-ups are paid once) and stops them at the end of the run.
   */
  @Override
  public void close() {}
}
