package org.postgresml.proxy.admin;

import java.util.Optional;
import java.util.concurrent.CompletionStage;

/** One admin console command ({@code SHOW POOLS}, {@code RELOAD}, …), PgBouncer's names and columns. */
public interface AdminCommand {

  /** The words that select the command, upper case, e.g. {@code SHOW POOLS}. */
  String syntax();

  /** One line for {@code SHOW HELP}. */
  String description();

  CompletionStage<AdminTable> run(AdminContext context);

  /** What runs once the client has the reply (empty: nothing); see {@link AdminReply}. */
  default Optional<Runnable> afterSent(AdminContext context) {
    return Optional.empty();
  }
}
