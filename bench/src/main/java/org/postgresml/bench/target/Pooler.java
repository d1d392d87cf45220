package org.postgresml.bench.target;

import java.nio.file.Path;
import java.util.Optional;
import org.postgresml.bench.Endpoint;

/** A kind of pooler the benchmark can start (PgBouncer, pgml-proxy). */
public interface Pooler {

  String name();

  /** Why this pooler cannot run on this machine, or empty when it can. */
  Optional<String> unavailableReason();

  /** Version line for the results file. */
  String version();

  /** The exact command-line or configuration used, for the results file (without secrets). */
  String describe(PoolerSettings settings);

  /**
   * Starts one instance in front of {@code upstream}, ready to serve logins of the upstream's user.
   *
   * @throws IllegalStateException when it does not start; the message says why
   */
  Target start(PoolerSettings settings, Endpoint upstream, Path workDir);
}
