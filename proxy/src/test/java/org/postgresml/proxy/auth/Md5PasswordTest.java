package org.postgresml.proxy.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class Md5PasswordTest {

  // md5(md5hex("secret" + "alice") + "salt"), computed independently with Python's hashlib.
  private static final String EXPECTED = "md5" + "986e2194384c07f4fd1df4b1351b3e68";

  @Test
  void answer() {
    assertThat(Md5Password.answer("alice", "secret", "salt".getBytes(StandardCharsets.US_ASCII))).isEqualTo(EXPECTED);
  }

  @Test
  void matches() {
    byte[] salt = "salt".getBytes(StandardCharsets.US_ASCII);
    assertThat(Md5Password.matches("alice", "secret", salt, EXPECTED)).isTrue();
    assertThat(Md5Password.matches("alice", "Secret", salt, EXPECTED)).isFalse();
  }
}
