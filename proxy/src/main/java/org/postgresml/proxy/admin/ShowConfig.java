package org.postgresml.proxy.admin;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/** {@code SHOW CONFIG}: effective settings; secrets are masked by the context before they get here. */
final class ShowConfig implements AdminCommand {

  private static final List<String> COLUMNS = List.of("key", "value", "default", "changeable");

  @Override
  public String syntax() {
    return "SHOW CONFIG";
  }

  @Override
  public String description() {
    return "effective settings";
  }

  @Override
  public CompletionStage<AdminTable> run(AdminContext context) {
    List<List<String>> rows = context.config().stream()
        .map(e -> List.of(e.key(), e.value(), e.defaultValue(), e.changeable() ? "yes" : "no")).toList();
    return CompletableFuture.completedFuture(AdminTable.show(COLUMNS, rows));
  }
}
