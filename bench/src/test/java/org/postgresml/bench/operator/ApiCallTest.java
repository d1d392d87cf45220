package org.postgresml.bench.operator;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ApiCallTest {

  @Test
  void namespacedListIsARead() {
    ApiCall call = ApiCall.of("GET", "/api/v1/namespaces/scale/secrets?labelSelector=a%3Db");

    assertThat(call.resource()).isEqualTo("secrets");
    assertThat(call.verb()).isEqualTo(ApiCall.Verb.READ);
  }

  @Test
  void informerWatchIsAWatch() {
    ApiCall call = ApiCall.of("GET", "/apis/apps/v1/deployments?allowWatchBookmarks=true&watch=true&resourceVersion=7");

    assertThat(call.resource()).isEqualTo("deployments");
    assertThat(call.verb()).isEqualTo(ApiCall.Verb.WATCH);
  }

  @Test
  void statusSubresourceKeepsItsNameAndDropsTheObjectName() {
    ApiCall call = ApiCall.of("patch", "/apis/postgresml.org/v1alpha1/namespaces/scale/pgmlproxies/scale-0001/status");

    assertThat(call.resource()).isEqualTo("pgmlproxies/status");
    assertThat(call.method()).isEqualTo("PATCH");
    assertThat(call.verb()).isEqualTo(ApiCall.Verb.WRITE);
  }

  @Test
  void createOfANamedObjectAndClusterScopedKinds() {
    assertThat(ApiCall.of("POST", "/apis/policy/v1/namespaces/scale/poddisruptionbudgets").resource())
        .isEqualTo("poddisruptionbudgets");
    assertThat(ApiCall.of("PUT", "/api/v1/namespaces/scale/services/scale-0001-peers").resource())
        .isEqualTo("services");
    assertThat(ApiCall.of("GET", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions/x.monitoring.coreos.com")
        .resource()).isEqualTo("customresourcedefinitions");
    assertThat(ApiCall.of("GET", "/api/v1/namespaces/scale").resource()).isEqualTo("namespaces");
  }

  @Test
  void discoveryPathsAreKeptAsTheyAre() {
    assertThat(ApiCall.of("GET", "/version").resource()).isEqualTo("/version");
    assertThat(ApiCall.of("GET", "/apis").resource()).isEqualTo("/apis");
  }
}
