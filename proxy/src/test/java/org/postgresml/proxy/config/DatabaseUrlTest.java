package org.postgresml.proxy.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class DatabaseUrlTest {

  @Test
  void parse() {
    DatabaseUrl url = DatabaseUrl.parse("postgres://pgml_user:s%40cret%2Bx@abc.example.org:6432/pgml_db?sslmode=require");
    assertThat(url.host()).isEqualTo("abc.example.org");
    assertThat(url.port()).isEqualTo(6432);
    assertThat(url.user()).isEqualTo("pgml_user");
    assertThat(url.password()).isEqualTo("s@cret+x");
    assertThat(url.database()).isEqualTo("pgml_db");
    assertThat(url.parameter("sslmode")).contains("require");
  }

  @Test
  void defaults() {
    DatabaseUrl url = DatabaseUrl.parse("postgresql://u:p@[::1]");
    assertThat(url.host()).isEqualTo("::1");
    assertThat(url.port()).isEqualTo(5432);
    assertThat(url.database()).isEqualTo("u");
    assertThat(url.address()).isEqualTo("[::1]:5432");
  }

  @Test
  void portOutsideOneTo65535IsRefused() {
    assertThatThrownBy(() -> DatabaseUrl.parse("postgres://u:topsecret@h:99999/d")).isInstanceOf(ConfigException.class)
        .hasMessageContaining("port 99999").message().doesNotContain("topsecret");
    assertThatThrownBy(() -> DatabaseUrl.parse("postgres://u:p@h:0/d")).hasMessageContaining("port 0");
    assertThatThrownBy(() -> DatabaseUrl.parse("postgres://u:p@h:99999999999/d"))
        .hasMessageContaining("between 1 and 65535");
    assertThat(DatabaseUrl.parse("postgres://u:p@h:65535/d").port()).isEqualTo(65535);
  }

  @Test
  void toStringHidesThePassword() {
    assertThat(DatabaseUrl.parse("postgres://u:topsecret@h:1/d").toString()).doesNotContain("topsecret");
  }

  @Test
  void errorsNameTheProblemButNotThePassword() {
    assertThatThrownBy(() -> DatabaseUrl.parse("mysql://u:topsecret@h/d")).hasMessageContaining("scheme")
        .message().doesNotContain("topsecret");
    assertThatThrownBy(() -> DatabaseUrl.parse("postgres://u:top secret@h/d")).hasMessageContaining("malformed")
        .message().doesNotContain("top secret");
    assertThatThrownBy(() -> DatabaseUrl.parse("postgres:///d")).hasMessageContaining("no host");
    assertThatThrownBy(() -> DatabaseUrl.parse("postgres://h/d")).hasMessageContaining("no user");
  }
}
