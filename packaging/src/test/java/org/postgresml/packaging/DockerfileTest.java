package org.postgresml.packaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class DockerfileTest {

  @Test
  void readsOnlyTheFinalStage() {
    Dockerfile image = Dockerfile.parse("""
        FROM builder AS build
        EXPOSE 1
        USER 0
        FROM runtime
        # a comment
        RUN apt-get update \\
         && mkdir -p /opt/app /etc/app/config
        COPY --from=build /app.jar /opt/app/app.jar
        USER 10001:10001
        EXPOSE 6432 9930/tcp
        ENTRYPOINT ["/usr/bin/tini", "--", "java", "-jar", "/opt/app/app.jar"]
        """);

    assertThat(image.exposedPorts()).containsExactly(6432, 9930);
    assertThat(image.uid()).isEqualTo(10001);
    assertThat(image.paths()).containsExactly("/opt/app", "/etc/app/config", "/opt/app/app.jar");
    assertThat(image.entrypoint()).containsExactly("/usr/bin/tini", "--", "java", "-jar", "/opt/app/app.jar");
  }

  @Test
  void refusesAShellFormEntrypoint() {
    assertThatThrownBy(() -> Dockerfile.parse("FROM x\nENTRYPOINT java -jar /app.jar\n"))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("exec form");
  }
}
