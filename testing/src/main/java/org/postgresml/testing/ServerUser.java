package org.postgresml.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserPrincipal;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The operating-system user that runs the PostgreSQL server. initdb and postgres refuse to run as
 * root, so under root the fixture drops to an unprivileged account with {@code setpriv}; as a
 * normal user it runs the programs directly. Public for other servers with the same rule
 * (PgBouncer in bench/).
 */
public final class ServerUser {

  private static final List<String> CANDIDATES = List.of("postgres", "nobody");

  private final Optional<String> dropTo;

  private ServerUser(Optional<String> dropTo) {
    this.dropTo = dropTo;
  }

  public static ServerUser current() {
    if (!"root".equals(System.getProperty("user.name"))) {
      return new ServerUser(Optional.empty());
    }
    for (String candidate : CANDIDATES) {
      if (accountExists(candidate)) {
        return new ServerUser(Optional.of(candidate));
      }
    }
    throw new IllegalStateException("running as root, but none of the accounts " + CANDIDATES
        + " exists to run PostgreSQL as (initdb refuses root)");
  }

  /** The command line that runs {@code command} as the server user. */
  public List<String> wrap(List<String> command) {
    if (dropTo.isEmpty()) {
      return command;
    }
    List<String> wrapped = new ArrayList<>(List.of(
        "setpriv", "--reuid=" + dropTo.get(), "--regid=" + dropTo.get(), "--init-groups", "--"));
    wrapped.addAll(command);
    return wrapped;
  }

  /** Gives a file tree to the server user, so it may write there and read its key files. */
  public void own(Path root) {
    if (dropTo.isEmpty()) {
      return;
    }
    try {
      UserPrincipal owner = root.getFileSystem().getUserPrincipalLookupService()
          .lookupPrincipalByName(dropTo.get());
      FileTrees.chownRecursively(root, owner);
    } catch (IOException e) {
      throw new UncheckedIOException("could not give " + root + " to " + dropTo.get(), e);
    }
  }

  private static boolean accountExists(String name) {
    try {
      return Files.readAllLines(Path.of("/etc/passwd")).stream().anyMatch(line -> line.startsWith(name + ":"));
    } catch (IOException e) {
      return false;
    }
  }
}
