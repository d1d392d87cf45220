package org.postgresml.bench.scenario;

import org.postgresml.bench.BenchContext;

/** One part of the benchmark issue's list; writes its own section of the report. */
public interface Scenario {

  /** Short id for {@code --only}. */
  String id();

  void run(BenchContext context);
}
