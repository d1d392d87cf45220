package org.postgresml.proxy.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.postgresml.testing.PgmlStandIn;

/** README's first command, run to its end: the demo's main logic with its real parts. */
class DemoIT {

  @Test
  void runsToTheEnd() {
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    Demo.Result result = new Demo(new PrintStream(printed, true, StandardCharsets.UTF_8)).run();
    assertThat(result.embedding()).containsExactly(PgmlStandIn.expectedEmbedding(Demo.MODEL, Demo.TEXT));
    assertThat(result.foreignRows()).containsExactly("1 | document 1", "2 | document 2", "3 | document 3");
    assertThat(result.directMedian()).isPositive();
    assertThat(result.proxiedMedian()).isPositive();
    String output = printed.toString(StandardCharsets.UTF_8);
    assertThat(output).contains("through pgml-proxy", "cleaning up");
  }
}
