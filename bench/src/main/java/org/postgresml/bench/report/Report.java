package org.postgresml.bench.report;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Everything one benchmark run found, in the order it is written to the results file. */
public final class Report {

  private final String title;
  private final Map<String, String> environment = new LinkedHashMap<>();
  private final List<String> headlines = new ArrayList<>();
  private final List<String> notes = new ArrayList<>();
  private final List<Section> sections = new ArrayList<>();
  private java.util.Optional<String> baseline = java.util.Optional.empty();

  public Report(String title) {
    this.title = title;
  }

  public String title() {
    return title;
  }

  /** Machine, versions and settings: one line each in the results file. */
  public synchronized void environment(String key, String value) {
    environment.put(key, value);
  }

  /** A leading figure (CPU per transaction, connect-per-call across the delay): listed first. */
  public synchronized void headline(String markdown) {
    headlines.add(markdown);
  }

  /** Caveats of this run (noise, skipped targets). */
  public synchronized void note(String markdown) {
    notes.add(markdown);
  }

  /** The "before" pgml-proxy's target name: every table including it gets a ratio column for it. */
  public synchronized void baseline(String targetName) {
    baseline = java.util.Optional.of(targetName);
  }

  public synchronized java.util.Optional<String> baseline() {
    return baseline;
  }

  /** A section written before every other (the summary, added once the run is done). */
  public synchronized Section sectionFirst(String sectionTitle) {
    Section section = new Section(sectionTitle);
    sections.add(0, section);
    return section;
  }

  public synchronized Section section(String sectionTitle) {
    Section section = new Section(sectionTitle);
    sections.add(section);
    return section;
  }

  public synchronized List<Map.Entry<String, String>> environmentEntries() {
    return List.copyOf(environment.entrySet());
  }

  public synchronized List<String> headlines() {
    return List.copyOf(headlines);
  }

  public synchronized List<String> notes() {
    return List.copyOf(notes);
  }

  public synchronized List<Section> sections() {
    return List.copyOf(sections);
  }
}
