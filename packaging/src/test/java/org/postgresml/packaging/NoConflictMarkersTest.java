package org.postgresml.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.MalformedInputException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Several people merge into main all day; a merge resolved in haste once left its conflict markers
 * in README.md, where no compiler looks. Every text file of the repository is checked here.
 */
class NoConflictMarkersTest {

  /** A marker line as git writes it: seven of the same sign at the start, then the end or a space. */
  private static final Pattern MARKER = Pattern.compile("^(<{7}|>{7})( .*)?$|^={7}$");
  private static final Set<String> SKIPPED_DIRECTORIES = Set.of(".git", "target", "node_modules", ".mvn");
  private static final Set<String> TEXT_ENDINGS = Set.of(".java", ".md", ".yaml", ".yml", ".xml", ".json", ".sh",
      ".sql", ".properties", ".txt", ".tpl", ".toml", "Dockerfile", "run");

  @Test
  void noTrackedTextFileHoldsAMergeConflictMarker() throws IOException {
    List<String> found = new ArrayList<>();
    try (Stream<Path> files = Files.walk(RepositoryLayout.root())) {
      files.filter(Files::isRegularFile).filter(NoConflictMarkersTest::isText).forEach(file -> scan(file, found));
    }
    assertThat(found).as("merge conflict markers").isEmpty();
  }

  private static boolean isText(Path file) {
    Path root = RepositoryLayout.root();
    for (Path part : root.relativize(file)) {
      if (SKIPPED_DIRECTORIES.contains(part.toString())) {
        return false;
      }
    }
    String name = file.getFileName().toString();
    return TEXT_ENDINGS.stream().anyMatch(name::endsWith);
  }

  private static void scan(Path file, List<String> found) {
    List<String> lines;
    try {
      lines = Files.readAllLines(file);
    } catch (MalformedInputException notUtf8) {
      return; // not text after all
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    for (int i = 0; i < lines.size(); i++) {
      if (MARKER.matcher(lines.get(i)).matches()) {
        found.add(RepositoryLayout.root().relativize(file) + ":" + (i + 1) + ": " + lines.get(i));
      }
    }
  }
}
