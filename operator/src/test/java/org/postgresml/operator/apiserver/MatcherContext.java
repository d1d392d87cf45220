package org.postgresml.operator.apiserver;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.javaoperatorsdk.operator.api.config.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import java.lang.reflect.Proxy;
import org.postgresml.operator.api.PgmlProxy;

/**
 * The two things JOSDK's SSA matcher asks of a reconciliation's context: the field manager and the
 * client's serialization. Anything else it might ask fails loudly.
 */
final class MatcherContext {

  private MatcherContext() {
  }

  @SuppressWarnings("unchecked")
  static Context<PgmlProxy> of(String fieldManager, KubernetesSerialization serialization) {
    KubernetesClient client = stub(KubernetesClient.class, "getKubernetesSerialization", serialization);
    ControllerConfiguration<PgmlProxy> configuration = stub(ControllerConfiguration.class, "fieldManager",
        fieldManager);
    return (Context<PgmlProxy>) Proxy.newProxyInstance(MatcherContext.class.getClassLoader(),
        new Class<?>[] {Context.class}, (proxy, method, args) -> switch (method.getName()) {
          case "getClient" -> client;
          case "getControllerConfiguration" -> configuration;
          default -> throw new UnsupportedOperationException("the matcher asked for " + method.getName());
        });
  }

  @SuppressWarnings("unchecked")
  private static <T> T stub(Class<T> type, String methodName, Object answer) {
    return (T) Proxy.newProxyInstance(MatcherContext.class.getClassLoader(), new Class<?>[] {type},
        (proxy, method, args) -> {
          if (method.getName().equals(methodName)) {
            return answer;
          }
          throw new UnsupportedOperationException("the matcher asked for " + method.getName());
        });
  }
}
