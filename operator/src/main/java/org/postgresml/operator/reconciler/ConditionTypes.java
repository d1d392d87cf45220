package org.postgresml.operator.reconciler;

/** Condition types and reasons of a PgmlProxy's status. */
public final class ConditionTypes {

  public static final String READY = "Ready";
  public static final String PROGRESSING = "Progressing";
  public static final String DEGRADED = "Degraded";
  public static final String MONITORING_SKIPPED = "MonitoringSkipped";

  public static final String REASON_FLEET_READY = "FleetReady";
  public static final String REASON_ROLLING_OUT = "RollingOut";
  public static final String REASON_ROLLED_OUT = "RolledOut";
  public static final String REASON_SCALED_TO_ZERO = "ScaledToZero";
  public static final String REASON_PAUSED = "Paused";
  public static final String REASON_AS_EXPECTED = "AsExpected";
  public static final String REASON_SERVICE_MONITOR_CRD_MISSING = "ServiceMonitorCRDMissing";

  private ConditionTypes() {
  }
}
