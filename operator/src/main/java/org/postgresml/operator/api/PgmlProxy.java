package org.postgresml.operator.api;

import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;
import org.postgresml.operator.api.spec.PgmlProxySpec;
import org.postgresml.operator.api.spec.ValidationPatterns;
import org.postgresml.operator.api.status.PgmlProxyStatus;

/**
 * A fleet of pgml-proxy pods in front of one PostgresML database: the root of the
 * {@code postgresml.org/v1alpha1} API.
 *
 * <p>Field documentation lives in {@code @JsonPropertyDescription}: the CRD generator turns it into
 * the CRD's {@code description}s (Javadoc is gone at run time), so {@code kubectl explain pgmlproxy}
 * shows exactly the text a Java reader sees here.
 */
@Group(PgmlProxy.GROUP)
@Version(PgmlProxy.VERSION)
@Plural(PgmlProxy.PLURAL)
@ShortNames("pgmlp")
@AdditionalPrinterColumn(name = "Ready", type = AdditionalPrinterColumn.Type.STRING,
    jsonPath = ".status.conditions[?(@.type==\"Ready\")].status")
@AdditionalPrinterColumn(name = "Replicas", type = AdditionalPrinterColumn.Type.INTEGER,
    jsonPath = ".status.replicas")
@AdditionalPrinterColumn(name = "ReadyReplicas", type = AdditionalPrinterColumn.Type.INTEGER,
    jsonPath = ".status.readyReplicas", priority = 1)
@AdditionalPrinterColumn(name = "Endpoint", type = AdditionalPrinterColumn.Type.STRING,
    jsonPath = ".status.endpoint.host")
@AdditionalPrinterColumn(name = "Age", type = AdditionalPrinterColumn.Type.DATE,
    jsonPath = ".metadata.creationTimestamp")
@ValidationRule(value = "self.metadata.name.size() <= " + ValidationPatterns.FLEET_NAME_MAX
    + " && self.metadata.name.matches(r'" + ValidationPatterns.FLEET_NAME + "')",
    message = "metadata.name must be at most 57 lower-case letters, digits and '-', starting with a letter and "
        + "ending with a letter or digit (no dots): the fleet's Services are named after it, <name>-peers too")
public class PgmlProxy extends CustomResource<PgmlProxySpec, PgmlProxyStatus> implements Namespaced {

  public static final String GROUP = "postgresml.org";
  public static final String VERSION = "v1alpha1";
  public static final String PLURAL = "pgmlproxies";

  /** Never fails the read of the object: see {@link UnreadableSpec}. */
  @Override
  @JsonDeserialize(using = UnreadableSpec.class)
  public void setSpec(PgmlProxySpec spec) {
    super.setSpec(spec);
  }

  @Override
  protected PgmlProxySpec initSpec() {
    return new PgmlProxySpec();
  }

  @Override
  protected PgmlProxyStatus initStatus() {
    return new PgmlProxyStatus();
  }
}
