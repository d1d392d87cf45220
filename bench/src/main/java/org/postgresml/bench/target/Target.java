package org.postgresml.bench.target;

import java.util.OptionalLong;
import org.postgresml.bench.Endpoint;

/** Something pgbench or dblink connects to: PostgreSQL directly, or a pooler in front of it. */
public interface Target extends AutoCloseable {

  /** "direct", "pgbouncer" or "pgml-proxy": the column names of the results. */
  String name();

  Endpoint endpoint();

  /** The pooler's process, for CPU and memory from /proc; empty for direct PostgreSQL. */
  OptionalLong pid();

  /** False once a pooler's process has exited. */
  default boolean isRunning() {
    return true;
  }

  @Override
  default void close() {}

  /** PostgreSQL itself (or the delay relay in front of it). */
  static Target direct(Endpoint endpoint) {
    return new Target() {
      @Override
      public String name() {
        return DIRECT;
      }

      @Override
      public Endpoint endpoint() {
        return endpoint;
      }

      @Override
      public OptionalLong pid() {
        return OptionalLong.empty();
      }
    };
  }

  String DIRECT = "direct";
}
