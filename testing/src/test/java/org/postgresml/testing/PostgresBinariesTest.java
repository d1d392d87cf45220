package org.postgresml.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PostgresBinariesTest {

  @TempDir
  Path install;

  @Test
  void missingInitdbIsNamed() {
    Path bin = install.resolve("bin");
    assertThatThrownBy(() -> PostgresBinaries.at(bin))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageStartingWith("no initdb under " + bin);
  }

  @Test
  void binariesWithoutContribAreNamed() throws IOException {
    Path bin = fakeServerPrograms();
    Path extensions = Files.createDirectories(install.resolve("share/postgresql/extension"));
    assertThatThrownBy(() -> PostgresBinaries.at(bin))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageStartingWith("extension dblink is not available in " + extensions);

    Files.createFile(extensions.resolve("dblink.control"));
    assertThatThrownBy(() -> PostgresBinaries.at(bin))
        .hasMessageStartingWith("extension postgres_fdw is not available in " + extensions);

    Files.createFile(extensions.resolve("postgres_fdw.control"));
    assertThat(PostgresBinaries.at(bin).extensionDir()).isEqualTo(extensions);
  }

  @Test
  void theBundledBinariesHaveContrib() {
    PostgresBinaries binaries = PostgresBinaries.defaults();
    assertThat(binaries.extensionDir().resolve("dblink.control")).exists();
    assertThat(binaries.program("postgres")).isExecutable();
  }

  private Path fakeServerPrograms() throws IOException {
    Path bin = Files.createDirectories(install.resolve("bin"));
    for (String program : new String[] {"initdb", "postgres", "pg_ctl"}) {
      Path file = Files.createFile(bin.resolve(program));
      Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
    }
    return bin;
  }
}
