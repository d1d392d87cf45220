package org.postgresml.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReadmeSectionTest {

  @Test
  void theBlockBetweenTheMarkersIsReplacedAndTheRestKept() {
    String readme = "## Performance\nintro\n" + ReadmeSection.BEGIN + "\nold table\n" + ReadmeSection.END
        + "\nhand-written analysis\n";

    String spliced = ReadmeSection.splice(readme, "new table\n");

    assertThat(spliced).isEqualTo("## Performance\nintro\n" + ReadmeSection.BEGIN + "\nnew table\n"
        + ReadmeSection.END + "\nhand-written analysis\n");
    assertThat(ReadmeSection.splice(spliced, "new table\n")).isEqualTo(spliced);
  }

  @Test
  void aReadmeWithoutMarkersIsRefused() {
    assertThatThrownBy(() -> ReadmeSection.splice("## Performance\n", "x"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no generated Performance block");
  }

  @Test
  void theNewestFullOrProfileRunIsPreferredToANewerQuickOne(@TempDir Path dir) throws IOException {
    Path older = write(dir, "2026-12-01-issue17-performance.md", 1_000);
    write(dir, "2026-12-02-issue17-quick-performance.md", 3_000);
    write(dir, "2026-11-30-performance.md", 500);
    write(dir, "2026-12-02-issue17.md", 4_000);

    assertThat(ReadmeSection.newest(dir)).isEqualTo(older);
  }

  private static Path write(Path dir, String name, long modifiedSeconds) throws IOException {
    Path file = Files.writeString(dir.resolve(name), name);
    Files.setLastModifiedTime(file, FileTime.fromMillis(modifiedSeconds * 1000));
    return file;
  }
}
