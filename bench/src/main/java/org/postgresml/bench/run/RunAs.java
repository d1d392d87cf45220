package org.postgresml.bench.run;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserPrincipal;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * PgBouncer, like PostgreSQL, refuses to run as root; under root the benchmark starts it as the
 * {@code postgres} account (or {@code nobody}) with {@code setpriv}, which execs, so the pid stays.
 */
public final class RunAs {

  private static final Optional<String> ACCOUNT = chooseAccount();

  private RunAs() {}

  public static List<String> wrap(List<String> command) {
    if (ACCOUNT.isEmpty()) {
      return command;
    }
    List<String> wrapped = new ArrayList<>(List.of(
        "setpriv", "--reuid=" + ACCOUNT.get(), "--regid=" + ACCOUNT.get(), "--init-groups", "--"));
    wrapped.addAll(command);
    return wrapped;
  }

  /** Gives a directory tree to the account the program runs as. */
  public static void own(Path root) {
    if (ACCOUNT.isEmpty()) {
      return;
    }
    try (Stream<Path> files = Files.walk(root)) {
      UserPrincipal owner = root.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName(ACCOUNT.get());
      for (Path file : (Iterable<Path>) files::iterator) {
        Files.setOwner(file, owner);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("could not give " + root + " to " + ACCOUNT.get(), e);
    }
  }

  private static Optional<String> chooseAccount() {
    if (!"root".equals(System.getProperty("user.name"))) {
      return Optional.empty();
    }
    try {
      List<String> passwd = Files.readAllLines(Path.of("/etc/passwd"));
      return Stream.of("postgres", "nobody").filter(name -> passwd.stream().anyMatch(l -> l.startsWith(name + ":")))
          .findFirst();
    } catch (IOException e) {
      return Optional.empty();
    }
  }
}
