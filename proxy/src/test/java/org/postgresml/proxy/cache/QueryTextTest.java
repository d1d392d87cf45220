package org.postgresml.proxy.cache;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Which Query frames the cache reads at all: valid UTF-8, one terminating NUL, at most 1 MiB of text. */
class QueryTextTest {

  private static ByteBuf query(byte[] text, boolean terminated) {
    ByteBuf frame = Unpooled.buffer();
    frame.writeByte('Q').writeInt(4 + text.length + (terminated ? 1 : 0)).writeBytes(text);
    if (terminated) {
      frame.writeByte(0);
    }
    return frame;
  }

  private static String read(ByteBuf frame) {
    try {
      return QueryText.of(frame).orElse(null);
    } finally {
      frame.release();
    }
  }

  @Test
  void readsTheTextOfAQuery() {
    assertThat(read(query("SELECT pgml.embed('m', 'ü')".getBytes(StandardCharsets.UTF_8), true)))
        .isEqualTo("SELECT pgml.embed('m', 'ü')");
  }

  @Test
  void readsAsciiAndBeyondAlike() {
    assertThat(read(query("SELECT pgml.embed('m', 'plain')".getBytes(StandardCharsets.US_ASCII), true)))
        .isEqualTo("SELECT pgml.embed('m', 'plain')");
    assertThat(read(query("x\u007f".getBytes(StandardCharsets.US_ASCII), true))).isEqualTo("x\u007f");
    assertThat(read(query("€ then ascii".getBytes(StandardCharsets.UTF_8), true))).isEqualTo("€ then ascii");
  }

  @Test
  void refusesWhatPostgresqlWouldReadDifferently() {
    assertThat(read(query("SELECT 1".getBytes(StandardCharsets.UTF_8), false))).as("no terminating NUL").isNull();
    assertThat(read(query("SELECT 1\0; DROP".getBytes(StandardCharsets.UTF_8), true)))
        .as("PostgreSQL stops at the first NUL").isNull();
    assertThat(read(query("SELECT 'ü'\0; DROP".getBytes(StandardCharsets.UTF_8), true)))
        .as("a NUL after a character beyond ASCII").isNull();
    assertThat(read(query("SELECT 'ü\0'".getBytes(StandardCharsets.UTF_8), true)))
        .as("a NUL right after a character beyond ASCII").isNull();
    assertThat(read(query(new byte[] {'S', (byte) 0xC3, '('}, true))).as("not UTF-8").isNull();
    assertThat(read(query(new byte[] {'S', (byte) 0x80}, true))).as("a lone continuation byte").isNull();
  }

  @Test
  void readsNoStatementLongerThanTheBound() {
    byte[] atBound = "x".repeat(QueryText.MAX_STATEMENT_BYTES).getBytes(StandardCharsets.US_ASCII);
    assertThat(read(query(atBound, true))).hasSize(QueryText.MAX_STATEMENT_BYTES);
    byte[] past = "x".repeat(QueryText.MAX_STATEMENT_BYTES + 1).getBytes(StandardCharsets.US_ASCII);
    assertThat(read(query(past, true))).isNull();
  }
}
