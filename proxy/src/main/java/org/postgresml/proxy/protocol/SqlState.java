package org.postgresml.proxy.protocol;

/** The SQLSTATE codes the proxy itself raises (PostgreSQL's errcodes.txt). */
public final class SqlState {

  private SqlState() {}

  public static final String PROTOCOL_VIOLATION = "08P01";
  public static final String CONNECTION_FAILURE = "08006";
  public static final String UNABLE_TO_CONNECT = "08001";
  public static final String CONNECTION_REJECTED = "08004";
  public static final String INVALID_PASSWORD = "28P01";
  public static final String INVALID_AUTHORIZATION = "28000";
  public static final String FEATURE_NOT_SUPPORTED = "0A000";
  public static final String TOO_MANY_CONNECTIONS = "53300";
  public static final String SYNTAX_ERROR = "42601";
  public static final String INVALID_PARAMETER_VALUE = "22023";
  public static final String QUERY_CANCELED = "57014";
  public static final String INVALID_CATALOG_NAME = "3D000";
  public static final String OBJECT_NOT_IN_PREREQUISITE_STATE = "55000";
  public static final String ADMIN_SHUTDOWN = "57P01";
  public static final String CANNOT_CONNECT_NOW = "57P03";
  public static final String PROGRAM_LIMIT_EXCEEDED = "54000";

  /** The two-character class of a SQLSTATE, for metrics. */
  public static String classOf(String sqlState) {
    return sqlState == null || sqlState.length() < 2 ? "??" : sqlState.substring(0, 2);
  }
}
