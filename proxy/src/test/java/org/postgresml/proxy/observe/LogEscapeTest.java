package org.postgresml.proxy.observe;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LogEscapeTest {

  @Test
  void controls() {
    assertThat(LogEscape.controls("a\nb\rc\td\u0000e\u001b[31mf\u007fg\u0085h\u2028i"))
        .isEqualTo("a\\nb\\rc\\td\\u0000e\\u001b[31mf\\u007fg\\u0085h\\u2028i");
    assertThat(LogEscape.controls("say \"hi\" \\ ünïcödé 数据库")).isEqualTo("say \"hi\" \\ ünïcödé 数据库");
  }

  @Test
  void quoted() {
    assertThat(LogEscape.quoted("x\" user=\"admin\\")).isEqualTo("x\\\" user=\\\"admin\\\\");
  }

  @Test
  void unchangedTextIsTheSameInstance() {
    String plain = "pgml_user";
    assertThat(LogEscape.controls(plain)).isSameAs(plain);
    assertThat(LogEscape.quoted(plain)).isSameAs(plain);
  }
}
