package org.postgresml.bench.run;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class LoginClientTest {

  @Test
  void anErrorResponseIsReadAsItsSqlstateAndMessage() {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    for (String field : new String[] {"SFATAL", "C28P01", "Mpassword authentication failed for user \"bench\""}) {
      body.writeBytes(field.getBytes(StandardCharsets.UTF_8));
      body.write(0);
    }
    body.write(0);

    assertThat(LoginClient.errorText(body.toByteArray()))
        .isEqualTo("28P01 password authentication failed for user \"bench\"");
  }
}
