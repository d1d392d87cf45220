package org.postgresml.proxy.admin;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/** {@code SHUTDOWN}: stops accepting clients and drains, as SIGTERM does. */
final class Shutdown implements AdminCommand {

  @Override
  public String syntax() {
    return "SHUTDOWN";
  }

  @Override
  public String description() {
    return "stop accepting clients and drain sessions, as SIGTERM";
  }

  @Override
  public CompletionStage<AdminTable> run(AdminContext context) {
    return CompletableFuture.completedFuture(AdminTable.done("SHUTDOWN"));
  }

  /** After the reply: with a grace of 0 s the drain ends this very session at once. */
  @Override
  public Optional<Runnable> afterSent(AdminContext context) {
    return Optional.of(context::shutdown);
  }
}
