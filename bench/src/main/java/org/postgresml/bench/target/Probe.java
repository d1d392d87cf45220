package org.postgresml.bench.target;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;
import org.postgresml.bench.Endpoint;

/** Checks that an endpoint serves a real login and query (a listening port alone is not ready). */
public final class Probe {

  private Probe() {}

  public static boolean answers(Endpoint endpoint) {
    try (Connection connection = connect(endpoint); Statement statement = connection.createStatement()) {
      return statement.execute("SELECT 1");
    } catch (SQLException e) {
      return false;
    }
  }

  public static Connection connect(Endpoint endpoint) throws SQLException {
    Properties properties = new Properties();
    properties.setProperty("user", endpoint.user());
    properties.setProperty("password", endpoint.password());
    return DriverManager.getConnection(endpoint.jdbcUrl(), properties);
  }
}
