package org.postgresml.proxy.session;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.postgresml.proxy.ProxyOptions;
import org.postgresml.proxy.UpstreamDatabase;
import org.postgresml.proxy.UpstreamFixture;
import org.postgresml.testing.ClientPrograms;
import org.postgresml.testing.netty.NettyLeakCheck;

/** The machine's psql and pgbench through the proxy (libpq as a real client). */
@ExtendWith(NettyLeakCheck.class)
class ClientProgramsIT {

  @RegisterExtension
  static final UpstreamFixture DB = UpstreamFixture.create().withProxy(ProxyOptions.defaults());

  @BeforeAll
  static void initialize() {
    ClientPrograms.Result init = pgbench("-i", "-s", "1", "-q");
    assertThat(init.exitCode()).as(init.stderr()).isZero();
  }



  @Test
  void psqlRunsTheBlogQuery() {
    Path psql = ClientPrograms.require("psql");
    ClientPrograms.Result result = ClientPrograms.run(List.of(psql.toString(), "-h", "127.0.0.1",
            "-p", Integer.toString(DB.proxy().port()), "-U", UpstreamDatabase.USER, "-d", UpstreamDatabase.DATABASE,
            "-X", "-A", "-t", "-v", "ON_ERROR_STOP=1",
            "-c", "SELECT array_length(pgml.embed('intfloat/e5-small-v2', 'embed this text'), 1)",
            "-c", "SELECT current_setting('application_name')"),
        environment(), Duration.ofSeconds(30));
    assertThat(result.exitCode()).as(result.stderr()).isZero();
    assertThat(result.stdout().lines().toList()).containsExactly("8", "psql");
  }

  @ParameterizedTest
  @ValueSource(strings = {"simple", "extended", "prepared"})
  void pgbenchRunsWithoutFailures(String mode) {
    ClientPrograms.Result run = pgbench("-c", "8", "-j", "2", "-T", "5", "-M", mode, "-n");
    assertThat(run.exitCode()).as(run.stderr()).isZero();
    assertThat(run.stdout()).contains("number of failed transactions: 0");
    long transactions = Long.parseLong(run.stdout().lines()
        .filter(line -> line.startsWith("number of transactions actually processed:"))
        .findFirst().orElseThrow().replaceAll(".*: (\\d+).*", "$1"));
    assertThat(transactions).isPositive();
  }

  private static ClientPrograms.Result pgbench(String... arguments) {
    List<String> command = new java.util.ArrayList<>(List.of(ClientPrograms.require("pgbench").toString(),
        "-h", "127.0.0.1", "-p", Integer.toString(DB.proxy().port()), "-U", UpstreamDatabase.USER));
    command.addAll(List.of(arguments));
    command.add(UpstreamDatabase.DATABASE);
    return ClientPrograms.run(command, environment(), Duration.ofSeconds(120));
  }

  private static Map<String, String> environment() {
    return Map.of("PGPASSWORD", DB.password(), "PGSSLMODE", "disable", "PGCONNECT_TIMEOUT", "10");
  }
}
