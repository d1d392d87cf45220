package org.postgresml.proxy.faults;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import org.postgresql.util.PSQLException;

/**
 * What a client must see when the upstream fails: an ErrorResponse it was sent (not pgjdbc's own
 * "I/O error" for a bare EOF) with a connection-class SQLSTATE and a message a person understands.
 */
final class ClearError {

  private ClearError() {
  }

  /** Asserts the error came from the wire with one of the given SQLSTATEs; returns its SQLSTATE. */
  static String assertClear(Throwable thrown, String... sqlStates) {
    assertThat(thrown).as("the client got an SQL error").isInstanceOf(SQLException.class);
    SQLException error = (SQLException) thrown;
    assertThat((Throwable) error).as("an ErrorResponse was sent, not a bare end of the connection: %s", error)
        .isInstanceOfSatisfying(PSQLException.class, psql -> assertThat(psql.getServerErrorMessage())
            .as("the server message of: %s (cause %s)", psql, psql.getCause()).isNotNull());
    assertThat(error.getSQLState()).as("SQLSTATE of: %s", error.getMessage()).isIn((Object[]) sqlStates);
    assertThat(error.getMessage()).doesNotContain("Exception").doesNotContain("\tat ");
    return error.getSQLState();
  }
}
