package org.postgresml.operator.validation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class UpstreamUrlTest {

  @Test
  void parsesTheReferenceImagesUrl() {
    UpstreamUrl url = UpstreamUrl.parse("postgres://pgml_user:p%40ss@abc.aws.postgresml.org:6432/pgml_db?sslmode=require");
    assertThat(url).isEqualTo(new UpstreamUrl("abc.aws.postgresml.org", 6432, "pgml_db", "pgml_user"));
    assertThat(UpstreamUrl.parse("postgresql://u:p@h/db").port()).isEqualTo(5432);
  }

  @Test
  void rejectsWithoutQuotingTheUrl() {
    for (String bad : new String[] {"mysql://u:pw-secret@h/db", "postgres://u:pw-secret@/db",
        "postgres://h:5432/db", "postgres://u:pw-secret@h:5432/", "postgres://u:pw secret@h/db"}) {
      assertThatThrownBy(() -> UpstreamUrl.parse(bad))
          .as(bad)
          .isInstanceOf(UpstreamUrl.InvalidUpstreamUrlException.class)
          .satisfies(e -> assertThat(e.getMessage()).doesNotContain("pw-secret", "pw secret"));
    }
  }
}
