package org.postgresml.operator.api.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.LinkedHashMap;
import java.util.Map;

/** Prometheus scraping of the proxies. */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public class MonitoringSpec {

  @Default("false")
  @JsonPropertyDescription("Create a Prometheus Operator ServiceMonitor (only when its CRD is installed; "
      + "otherwise the MonitoringSkipped condition says so).")
  public Boolean serviceMonitor = false;

  @Default("30s")
  @Pattern(ValidationPatterns.PROMETHEUS_DURATION)
  @JsonPropertyDescription("Scrape interval of the ServiceMonitor, in Prometheus' syntax (units largest first: "
      + "30s, 1m30s).")
  public String interval = "30s";

  @Size(max = 64)
  @ValidationRule(value = ValidationPatterns.LABELS_RULE, message = "monitoring.labels: "
      + ValidationPatterns.LABELS_MESSAGE)
  @JsonPropertyDescription("Labels of the ServiceMonitor (e.g. the release label your Prometheus selects).")
  public Map<String, String> labels = new LinkedHashMap<>();
}
