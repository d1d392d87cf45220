package org.postgresml.proxy.session;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.Statement;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.postgresml.proxy.ProxyOptions;
import org.postgresml.proxy.UpstreamFixture;
import org.postgresml.testing.netty.NettyLeakCheck;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyManager;

/** COPY FROM STDIN and TO STDOUT of about 100 MB through the proxy come back byte for byte. */
@ExtendWith(NettyLeakCheck.class)
class CopyIT {

  @RegisterExtension
  static final UpstreamFixture DB = UpstreamFixture.create().withProxy(ProxyOptions.defaults());

  private static final int ROWS = 1_000_000;
  private static final long ROW_BYTES = 104;



  @Test
  void hundredMegabytesInAndOutByteIdentical() throws Exception {
    try (Connection connection = DB.connect()) {
      try (Statement statement = connection.createStatement()) {
        statement.execute("CREATE UNLOGGED TABLE copy_probe (id int, payload text)");
        statement.execute("SET synchronize_seqscans = off"); // COPY TO then reads the heap in insertion order
      }
      CopyManager copy = connection.unwrap(PGConnection.class).getCopyAPI();
      GeneratedRows input = new GeneratedRows(ROWS);
      long loaded = copy.copyIn("COPY copy_probe FROM STDIN", input);
      assertThat(loaded).isEqualTo(ROWS);
      assertThat(input.bytes).isEqualTo(ROWS * ROW_BYTES).isGreaterThanOrEqualTo(100_000_000L);

      DigestingOutput output = new DigestingOutput();
      long unloaded = copy.copyOut("COPY copy_probe TO STDOUT", output);
      assertThat(unloaded).isEqualTo(ROWS);
      assertThat(output.bytes).isEqualTo(input.bytes);
      assertThat(HexFormat.of().formatHex(output.digest.digest()))
          .isEqualTo(HexFormat.of().formatHex(input.digest.digest()));
    }
  }

  /** Rows "id<TAB>payload\n" of a fixed 104 bytes, generated on the fly and hashed as they go. */
  private static final class GeneratedRows extends InputStream {
    private final int rows;
    private final MessageDigest digest = sha256();
    private int next = 1;
    private byte[] current = new byte[0];
    private int position;
    private long bytes;

    GeneratedRows(int rows) {
      this.rows = rows;
    }

    @Override
    public int read() {
      byte[] one = new byte[1];
      return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) {
      int total = 0;
      while (total < length) {
        if (position == current.length) {
          if (next > rows) {
            break;
          }
          // Seven-digit ids (1000000 and up), so every row has the same length and comes back unchanged.
          String id = Integer.toString(999_999 + next);
          String payload = String.format("%016x", next * 0x9E3779B97F4A7C15L).repeat(6);
          current = (id + "\t" + payload.substring(0, (int) ROW_BYTES - 9) + "\n").getBytes(StandardCharsets.US_ASCII);
          position = 0;
          next++;
        }
        int count = Math.min(length - total, current.length - position);
        System.arraycopy(current, position, buffer, offset + total, count);
        digest.update(current, position, count);
        position += count;
        total += count;
      }
      bytes += total;
      return total == 0 && length > 0 ? -1 : total;
    }
  }

  private static final class DigestingOutput extends OutputStream {
    private final MessageDigest digest = sha256();
    private long bytes;

    @Override
    public void write(int b) {
      digest.update((byte) b);
      bytes++;
    }

    @Override
    public void write(byte[] buffer, int offset, int length) {
      digest.update(buffer, offset, length);
      bytes += length;
    }
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
