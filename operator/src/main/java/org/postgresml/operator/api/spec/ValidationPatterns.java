package org.postgresml.operator.api.spec;

/**
 * The API server's rules for the strings the operator copies into objects, as regular expressions
 * CEL's {@code matches} takes (RE2 syntax) and Java's regex reads the same. One home for the CRD's
 * rules and the reconciler's re-check (validation/SpecRules).
 */
public final class ValidationPatterns {

  /** IPv4 or IPv6 CIDR; Java's re-check parses the address too. */
  public static final String CIDR = "^(((25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])\\.){3}"
      + "(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])/(3[0-2]|[12]?[0-9])"
      + "|[0-9a-fA-F:.]*:[0-9a-fA-F:.]*/(12[0-8]|1[01][0-9]|[1-9]?[0-9]))$";

  /** A label or annotation key: an optional DNS-subdomain prefix and '/', then a name of at most 63. */
  public static final String LABEL_KEY = "^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?"
      + "[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$";

  /** A label value: empty, or at most 63 of letters, digits, '-', '_', '.', alphanumeric at both ends. */
  public static final String LABEL_VALUE = "^([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?$";

  /** A resource quantity (Kubernetes' own pattern): 100m, 0.5, 128Mi, 1e3. */
  public static final String QUANTITY = "^[+-]?(([0-9]+(\\.[0-9]*)?)|(\\.[0-9]+))"
      + "(([KMGTPE]i)|[numkMGTPE]|([eE][+-]?(([0-9]+(\\.[0-9]*)?)|(\\.[0-9]+))))?$";

  /** A Prometheus duration as a ServiceMonitor takes it: units largest first, each once (30s, 1m30s). */
  public static final String PROMETHEUS_DURATION = "^(([0-9]+)h)?(([0-9]+)m)?(([0-9]+)s)?(([0-9]+)ms)?$";

  /**
   * A cacheable function: schema and function name, each an unquoted PostgreSQL identifier in lower
   * case (what the proxy's matcher compares with the statement's text, folded as PostgreSQL folds it).
   */
  public static final String FUNCTION_NAME = "^[a-z_][a-z0-9_]{0,62}\\.[a-z_][a-z0-9_]{0,62}$";

  /** When a session-mode client takes its server connection, as the proxy's pool.sessionServerAt spells it. */
  public static final String SESSION_SERVER_AT = "^(first-message|login)$";

  /** The fleet's name: a DNS-1035 label short enough for the "-peers" Service beside it. */
  public static final String FLEET_NAME = "^[a-z]([-a-z0-9]*[a-z0-9])?$";
  public static final int FLEET_NAME_MAX = 57;

  /** CEL: every key and value of the map {@code self} is a valid label. */
  public static final String LABELS_RULE = "self.all(k, k.matches(r'" + LABEL_KEY + "') && self[k].matches(r'"
      + LABEL_VALUE + "'))";
  public static final String LABELS_MESSAGE = "label keys must be [prefix/]name (name: at most 63 of letters, "
      + "digits, '-', '_', '.'), and values at most 63 of the same, starting and ending alphanumeric";

  /** CEL: every key of the map {@code self} is a valid annotation key. */
  public static final String ANNOTATION_KEYS_RULE = "self.all(k, k.matches(r'" + LABEL_KEY + "'))";
  public static final String ANNOTATION_KEYS_MESSAGE = "annotation keys must be [prefix/]name (name: at most 63 of "
      + "letters, digits, '-', '_', '.')";

  /** CEL: every item of the list {@code self} is a CIDR. */
  public static final String CIDRS_RULE = "self.all(c, c.matches(r'" + CIDR + "'))";
  public static final String CIDRS_MESSAGE = "must be CIDRs such as 10.0.0.0/16 or fd00::/64";

  private ValidationPatterns() {
  }
}
