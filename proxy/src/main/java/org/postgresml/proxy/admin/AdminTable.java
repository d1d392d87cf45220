package org.postgresml.proxy.admin;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** A result the console sends back: named text columns and rows, then a command tag. */
public record AdminTable(List<String> columns, List<List<String>> rows, String commandTag) {

  public AdminTable {
    columns = List.copyOf(columns);
    List<List<String>> copied = new ArrayList<>();
    for (List<String> row : rows) {
      if (row.size() != columns.size()) {
        throw new IllegalArgumentException("row has " + row.size() + " values for " + columns.size() + " columns");
      }
      copied.add(java.util.Collections.unmodifiableList(new ArrayList<>(row))); // values may be null (SQL NULL)
    }
    rows = List.copyOf(copied);
    Objects.requireNonNull(commandTag, "commandTag");
  }

  /** A {@code SHOW} result. */
  public static AdminTable show(List<String> columns, List<List<String>> rows) {
    return new AdminTable(columns, rows, "SHOW");
  }

  /** A command with no rows (RELOAD, PAUSE, …): only its tag. */
  public static AdminTable done(String commandTag) {
    return new AdminTable(List.of(), List.of(), commandTag);
  }

  public boolean hasRows() {
    return !columns.isEmpty();
  }
}
