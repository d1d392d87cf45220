package org.postgresml.bench.report;

import java.util.ArrayList;
import java.util.List;

/** A part of the results file: a heading, text, and the comparisons measured under it. */
public final class Section {

  /** Text (markdown) or a comparison table, in the order they were added. */
  public sealed interface Block permits Text, Table {}

  public record Text(String markdown) implements Block {}

  public record Table(Comparison comparison) implements Block {}

  private final String title;
  private final List<Block> blocks = new ArrayList<>();

  public Section(String title) {
    this.title = title;
  }

  public Section text(String markdown) {
    blocks.add(new Text(markdown));
    return this;
  }

  public Section table(Comparison comparison) {
    blocks.add(new Table(comparison));
    return this;
  }

  public String title() {
    return title;
  }

  public List<Block> blocks() {
    return List.copyOf(blocks);
  }

  public List<Comparison> comparisons() {
    return blocks.stream().filter(Table.class::isInstance).map(b -> ((Table) b).comparison()).toList();
  }
}
