package org.postgresml.operator.validation;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.postgresml.operator.api.PgmlProxy;
import org.postgresml.operator.api.spec.SecretRef;
import org.postgresml.operator.api.spec.TlsSpec;
import org.postgresml.operator.testing.Fixtures;

class InputsResolverTest {

  final InputsResolver resolver = new InputsResolver("default:img");

  @Test
  void resolvesImageUserAndSecretVersions() {
    Secret url = withVersion(Fixtures.urlSecret(Fixtures.URL), "41");
    var resolution = resolver.resolve(Fixtures.proxy("p"), lookup(Map.of("pgml-cloud", url)), false);

    assertThat(resolution).isInstanceOfSatisfying(InputsResolver.Resolved.class, r -> {
      assertThat(r.inputs().image()).isEqualTo("default:img");
      assertThat(r.inputs().clientUsername()).isEqualTo("pgml");
      assertThat(r.inputs().secretDigests()).containsOnlyKeys("pgml-cloud/DATABASE_URL")
          .allSatisfy((key, digest) -> assertThat(digest).hasSize(64).doesNotContain("s3cret"));
      assertThat(r.upstream().database()).isEqualTo("pgml_db");
    });
  }

  @Test
  void referencedClientAuthSecretGivesTheUserName() {
    PgmlProxy proxy = Fixtures.proxy("p");
    proxy.getSpec().clientAuth.secretRef = new SecretRef("app-login");
    Secret login = withVersion(new SecretBuilder().withNewMetadata().withName("app-login").endMetadata()
        .addToStringData("username", "rds_app").addToStringData("password", "x").build(), "3");

    var resolution = resolver.resolve(proxy, lookup(Map.of("pgml-cloud", Fixtures.urlSecret(Fixtures.URL),
        "app-login", login)), false);

    assertThat(resolution).isInstanceOfSatisfying(InputsResolver.Resolved.class, r -> {
      assertThat(r.inputs().clientUsername()).isEqualTo("rds_app");
      assertThat(r.inputs().secretDigests()).containsKeys("app-login/username", "app-login/password");
    });
  }

  @Test
  void tlsSecretWithoutItsKeyIsNamed() {
    PgmlProxy proxy = Fixtures.proxy("p");
    proxy.getSpec().tls = new TlsSpec();
    proxy.getSpec().tls.secretRef = new SecretRef("proxy-tls");
    Secret tls = new SecretBuilder().withNewMetadata().withName("proxy-tls").endMetadata()
        .addToStringData("tls.crt", "pem").build();

    var resolution = resolver.resolve(proxy, lookup(Map.of("pgml-cloud", Fixtures.urlSecret(Fixtures.URL),
        "proxy-tls", tls)), false);

    assertThat(resolution).isInstanceOfSatisfying(InputsResolver.Unresolved.class, u -> {
      assertThat(u.problem().reason()).isEqualTo(SpecProblem.SECRET_KEY_MISSING);
      assertThat(u.problem().message()).contains("apps/proxy-tls", "tls.key");
    });
  }

  @Test
  void listedUsersPasswordKeysAreCheckedNamedAndHashed() {
    PgmlProxy proxy = Fixtures.proxy("p");
    var user = new org.postgresml.operator.api.spec.ClientUserSpec();
    user.name = "app";
    user.passwordSecretRef = new org.postgresml.operator.api.spec.SecretKeyRef("app-pw", "pw");
    proxy.getSpec().clientAuth.users.add(user);
    Secret url = Fixtures.urlSecret(Fixtures.URL);

    assertThat(resolver.resolve(proxy, lookup(Map.of("pgml-cloud", url)), false))
        .isInstanceOfSatisfying(InputsResolver.Unresolved.class, u -> {
          assertThat(u.problem().reason()).isEqualTo(SpecProblem.SECRET_NOT_FOUND);
          assertThat(u.problem().message()).contains("apps/app-pw", "spec.clientAuth.users[0].passwordSecretRef");
        });
    Secret wrongKey = new SecretBuilder().withNewMetadata().withName("app-pw").endMetadata()
        .addToStringData("password", "s3cret").build();
    assertThat(resolver.resolve(proxy, lookup(Map.of("pgml-cloud", url, "app-pw", wrongKey)), false))
        .isInstanceOfSatisfying(InputsResolver.Unresolved.class, u -> {
          assertThat(u.problem().reason()).isEqualTo(SpecProblem.SECRET_KEY_MISSING);
          assertThat(u.problem().message()).contains("no key pw", "spec.clientAuth.users[0].passwordSecretRef.key")
              .doesNotContain("s3cret");
        });
    Secret good = new SecretBuilder().withNewMetadata().withName("app-pw").endMetadata()
        .addToStringData("pw", "s3cret").build();
    assertThat(resolver.resolve(proxy, lookup(Map.of("pgml-cloud", url, "app-pw", good)), false))
        .isInstanceOfSatisfying(InputsResolver.Resolved.class, r -> assertThat(r.inputs().secretDigests())
            .containsKey("app-pw/pw").allSatisfy((key, digest) -> assertThat(digest).doesNotContain("s3cret")));
  }

  @Test
  void aPasswordUserWithoutSecretIsRefusedWhereCelDidNotRun() {
    PgmlProxy proxy = Fixtures.proxy("p");
    var user = new org.postgresml.operator.api.spec.ClientUserSpec();
    user.name = "app";
    proxy.getSpec().clientAuth.users.add(user);

    assertThat(resolver.resolve(proxy, lookup(Map.of("pgml-cloud", Fixtures.urlSecret(Fixtures.URL))), false))
        .isInstanceOfSatisfying(InputsResolver.Unresolved.class, u -> assertThat(u.problem().message())
            .contains("spec.clientAuth.users[0].passwordSecretRef is required unless method is trust"));
  }

  private static SecretLookup lookup(Map<String, Secret> secrets) {
    return name -> Optional.ofNullable(secrets.get(name));
  }

  @Test
  void autoscalingWithoutACpuRequestIsRefused() {
    PgmlProxy proxy = Fixtures.proxy("p");
    proxy.getSpec().autoscaling = new org.postgresml.operator.api.spec.AutoscalingSpec();
    proxy.getSpec().resources = new io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder()
        .addToRequests("memory", new io.fabric8.kubernetes.api.model.Quantity("256Mi")).build();

    var resolution = resolver.resolve(proxy, lookup(Map.of("pgml-cloud", Fixtures.urlSecret(Fixtures.URL))), false);

    assertThat(resolution).isInstanceOfSatisfying(InputsResolver.Unresolved.class, u -> {
      assertThat(u.problem().reason()).isEqualTo(SpecProblem.INVALID_SPEC);
      assertThat(u.problem().message()).contains("spec.autoscaling", "spec.resources.requests.cpu");
    });
  }

  private static Secret withVersion(Secret secret, String version) {
    secret.getMetadata().setResourceVersion(version);
    return secret;
  }
}
