package org.postgresml.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import org.postgresml.bench.report.MarkdownWriter;
import org.postgresml.bench.report.Report;
import org.postgresml.bench.report.SvgPlot;
import org.postgresml.bench.run.Pgbench;
import org.postgresml.bench.scenario.ConnectPerCall;
import org.postgresml.bench.scenario.CopyThrough;
import org.postgresml.bench.scenario.CpuPerTransaction;
import org.postgresml.bench.scenario.CachedEmbed;
import org.postgresml.bench.scenario.DblinkEmbed;
import org.postgresml.bench.scenario.LoginLatency;
import org.postgresml.bench.scenario.IdleConnections;
import org.postgresml.bench.scenario.OperatorScale;
import org.postgresml.bench.scenario.PreparedStatements;
import org.postgresml.bench.scenario.RelaySelfCheck;
import org.postgresml.bench.scenario.Scenario;
import org.postgresml.bench.scenario.SelectOnly;
import org.postgresml.bench.scenario.TpcB;
import org.postgresml.bench.target.PgBouncer;
import org.postgresml.bench.target.PgmlProxy;
import org.postgresml.bench.target.Pooler;
import org.postgresml.bench.target.PoolMode;
import org.postgresml.testing.ClientPrograms;
import org.postgresml.testing.PostgresCluster;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code bench/run.sh}: every scenario against direct PostgreSQL, PgBouncer and pgml-proxy in one run. */
@Command(name = "pgml-proxy-bench", mixinStandardHelpOptions = true,
    description = "Benchmarks pgml-proxy against direct PostgreSQL and PgBouncer;"
        + " writes bench/results/<date>.md and .svg.")
public final class BenchMain implements Callable<Integer> {

  private static final Logger LOG = LoggerFactory.getLogger(BenchMain.class);
  private static final String USER = "bench";
  private static final String DATABASE = "bench";

  @Option(names = "--quick", description = "Smoke check in under three minutes (2 short rounds, small sizes).")
  boolean quick;

  @Option(names = "--proxy-jar",
      description = "pgml-proxy's runnable jar (env PGML_PROXY_JAR; default ${DEFAULT-VALUE}).",
      defaultValue = "${env:PGML_PROXY_JAR:-proxy/target/pgml-proxy.jar}")
  Path proxyJar;

  @Option(names = "--baseline-jar", description = "A second pgml-proxy jar measured as the \"before\" target in the same"
      + " run (say main before a redesign); every table gets a ratio column for it.")
  Path baselineJar;

  @Option(names = "--baseline-name", description = "The before target's name (default: pgml-proxy@<commit> from a file"
      + " named pgml-proxy-<commit>.jar, else pgml-proxy@baseline).")
  String baselineName;

  @Option(names = "--profile", split = ",", description = "Named selections instead of every scenario: issue17 (CPU,"
      + " select-only, logins, dblink across 20 ms, connect-per-call across 10 ms; about 25 min with 4 targets),"
      + " issue18 (the cache scenario); several run together.")
  Set<String> profiles = new LinkedHashSet<>();

  @Option(names = "--update-readme", description = "Only write README.md's generated Performance block from the newest"
      + " *-performance.md in the results folder (a full or profile run's, else the newest quick one) and exit.")
  boolean updateReadme;

  @Option(names = "--results-dir", defaultValue = "bench/results", description = "Where results go (${DEFAULT-VALUE}).")
  Path resultsDir;

  @Option(names = "--work-dir", defaultValue = "bench/work",
      description = "Pooler configs and logs (${DEFAULT-VALUE}).")
  Path workDir;

  @Option(names = "--only", split = ",", description = "Run only these scenarios (of the profile's): relay, cpu, login,"
      + " connect, dblink, cache, select, tpcb, prepared, idle, copy, operator.")
  Set<String> only = new LinkedHashSet<>();

  @Option(names = "--cache-hit-percents", split = ",", description = "The cache scenario's hit ratios only (of 0, 50,"
      + " 90: the run's own by default), for a shorter look at one of them.")
  List<Integer> cacheHitPercents = new java.util.ArrayList<>();

  @Option(names = "--cache-callers", split = ",", description = "The cache scenario's caller counts only (1, 8 by"
      + " default).")
  List<Integer> cacheCallers = new java.util.ArrayList<>();

  @Option(names = "--pgbouncer-plain-password", description = "Give PgBouncer the plain password in its userlist"
      + " instead of the SCRAM secret (it then derives the SCRAM key at every login).")
  boolean plainUserlist;

  @Option(names = "--name",
      description = "Results file name without extension (default: the date, -quick for --quick).")
  String name;

  public static void main(String[] args) {
    System.exit(new CommandLine(new BenchMain()).execute(args));
  }

  @Override
  public Integer call() throws IOException {
    if (updateReadme) {
      Path fragment = ReadmeSection.update(resultsDir, Path.of("README.md"));
      LOG.info("README.md's Performance block now holds {}", fragment);
      return 0;
    }
    ClientPrograms.require("pgbench");
    Path work = Files.createDirectories(workDir.toAbsolutePath());
    BenchSettings settings = !profiles.isEmpty()
        ? BenchSettings.profiles(profiles, quick, proxyJar, resultsDir, work, only)
        : quick ? BenchSettings.quick(proxyJar, resultsDir, work, only)
        : BenchSettings.full(proxyJar, resultsDir, work, only);
    settings = settings.withCache(cacheHitPercents, cacheCallers);
    String date = LocalDate.now(ZoneOffset.UTC).toString();
    String fileName = Optional.ofNullable(name).orElse(date + (profiles.isEmpty() ? "" : "-" + String.join("-",
        profiles)) + (quick ? "-quick" : ""));
    String summary = "";
    Report report = new Report("pgml-proxy benchmark " + date + (profiles.isEmpty() ? "" : ", profile "
        + String.join(" + ", profiles)) + (quick ? " (quick smoke run)" : ""));
    String password = HexFormat.of().formatHex(new SecureRandom().generateSeed(12));
    // Each session-mode pooler keeps up to its pool size (300) of server connections open after the
    // 256-client runs; with two pgml-proxy jars, PgBouncer and direct's own 256 that passes 1000.
    String maxConnections = baselineJar == null ? "1000" : "1500";
    try (PostgresCluster postgres = PostgresCluster.builder().setting("max_connections", maxConnections)
        .setting("shared_buffers", "128MB").start()) {
      postgres.createUser(USER, password);
      postgres.execute("postgres", "CREATE DATABASE " + DATABASE + " OWNER " + USER);
      Endpoint upstream = new Endpoint(postgres.host(), postgres.port(), DATABASE, USER, password);
      Optional<String> secret = plainUserlist ? Optional.empty() : Optional.of(scramSecret(postgres));
      List<Pooler> poolers = new java.util.ArrayList<>(List.of(new PgBouncer(secret)));
      if (baselineJar != null) {
        PgmlProxy before = PgmlProxy.baseline(baselineJar.toAbsolutePath(), Optional.ofNullable(baselineName));
        poolers.add(before);
        report.baseline(before.name());
      }
      poolers.add(new PgmlProxy(proxyJar.toAbsolutePath()));
      describe(report, settings, poolers);
      report.environment("PostgreSQL", serverVersion(postgres) + " (testing/ fixture: embedded binaries, fsync off,"
          + " shared_buffers 128MB, max_connections " + maxConnections + ", scram-sha-256)");
      LOG.info("pgbench -i -s {}", settings.pgbenchScale());
      Pgbench.initialize(upstream, settings.pgbenchScale());
      List<String> wallTimes = new java.util.ArrayList<>();
      try (BenchContext context = new BenchContext(settings, report, postgres, upstream, poolers)) {
        for (Scenario scenario : scenarios()) {
          if (!settings.includes(scenario.id())) {
            continue;
          }
          LOG.info("scenario {}", scenario.id());
          long started = System.nanoTime();
          try {
            scenario.run(context);
          } catch (RuntimeException e) {
            LOG.error("scenario {} failed: {}", scenario.id(), e.toString());
            report.section("Scenario " + scenario.id() + " failed").text("`" + e + "`");
          }
          wallTimes.add(scenario.id() + " " + Math.round((System.nanoTime() - started) / 1e9) + " s");
        }
        report.environment("Scenario wall times (pooler starts and warm-ups included)", String.join(", ",
            wallTimes));
        summary = Summaries.write(report, settings, context.figures());
      }
    }
    report.environment("Load average at end", Machine.loadAverage());
    Files.createDirectories(resultsDir);
    Path markdown = resultsDir.resolve(fileName + ".md");
    Path svg = resultsDir.resolve(fileName + ".svg");
    Files.writeString(svg, SvgPlot.render(report));
    Files.writeString(markdown, MarkdownWriter.render(report, svg.getFileName().toString()));
    Path fragment = resultsDir.resolve(fileName + ReadmeSection.FRAGMENT_SUFFIX);
    Files.writeString(fragment, ReadmeSection.fragment(summary, markdown.getFileName().toString(), report));
    LOG.info("results: {} and {}; README block: {} (bench/run.sh --update-readme)", markdown, svg, fragment);
    return 0;
  }

  private static List<Scenario> scenarios() {
    // The stable, leading figures first; then the throughput tables; then memory and the operator.
    return List.of(new RelaySelfCheck(), new CpuPerTransaction(), new LoginLatency(), new ConnectPerCall(),
        new DblinkEmbed(), new CachedEmbed(), new SelectOnly(), new TpcB(), new PreparedStatements(), new IdleConnections(), new CopyThrough(),
        new OperatorScale());
  }

  private void describe(Report report, BenchSettings settings, List<Pooler> poolers) {
    report.environment("Machine", Machine.cpu() + ", " + Machine.memory() + " RAM, Linux " + Machine.kernel());
    report.environment("Load average at start", Machine.loadAverage());
    report.environment("JDK", Machine.jdk());
    report.environment("pgbench", Machine.pgbench() + ", PGSSLMODE=" + Endpoint.SSL_MODE + " on every client");
    for (Pooler pooler : poolers) {
      report.environment(pooler.name(), pooler.version());
      for (PoolMode mode : PoolMode.values()) {
        report.environment(pooler.name() + " settings, " + mode.key() + " mode",
            pooler.describe(settings.poolerSettings(mode)));
      }
      pooler.unavailableReason().ifPresent(reason -> report.note("**" + pooler.name() + " skipped**: " + reason));
    }
    report.environment("Run", settings.describe());
    report.note("A 2-core machine that may be shared (the load averages at start and end are below): absolute TPS"
        + " is noisy (11–17% between runs here, a single pair up to 40%); read the per-round ratios and the CPU and"
        + " connect-per-call figures, which are stable.");
    if (settings.quick()) {
      report.note("Quick run: one round of " + settings.runTime().toSeconds() + " s per configuration is a smoke"
          + " check that everything runs, not a measurement; the full run (`bench/run.sh`) uses 5 rounds of 10 s,"
          + " `--profile issue17` 5 rounds of 5 s (select-only 3).");
    }
  }

  private static String scramSecret(PostgresCluster postgres) {
    try (Connection connection = postgres.connect(); Statement statement = connection.createStatement();
         ResultSet rows = statement.executeQuery("SELECT rolpassword FROM pg_authid WHERE rolname = '" + USER + "'")) {
      if (!rows.next()) {
        throw new IllegalStateException("no role " + USER + " in pg_authid");
      }
      return rows.getString(1);
    } catch (SQLException e) {
      throw new IllegalStateException("could not read the SCRAM secret of " + USER + ": " + e.getMessage(), e);
    }
  }

  private static String serverVersion(PostgresCluster postgres) {
    try (Connection connection = postgres.connect(); Statement statement = connection.createStatement();
         ResultSet rows = statement.executeQuery("SHOW server_version")) {
      rows.next();
      return "PostgreSQL " + rows.getString(1);
    } catch (SQLException e) {
      return "unknown (" + e.getMessage() + ")";
    }
  }
}
