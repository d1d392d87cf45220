package org.postgresml.bench.target;

import java.util.OptionalLong;
import org.postgresml.bench.Endpoint;
import org.postgresml.bench.run.ManagedProcess;

/** A pooler running as its own process (PgBouncer, pgml-proxy): the target the scenarios measure. */
record PoolerProcess(String name, Endpoint endpoint, ManagedProcess process) implements Target {

  @Override
  public OptionalLong pid() {
    return OptionalLong.of(process.pid());
  }

  @Override
  public boolean isRunning() {
    return process.isAlive();
  }

  @Override
  public void close() {
    process.close();
  }
}
