package org.postgresml.proxy.prepared;

import org.postgresml.proxy.protocol.backend.ErrorResponse;

/**
 * The errors with which PostgreSQL refuses to run a prepared statement whose tables changed under
 * it: {@code 0A000 cached plan must not change result type} from RevalidateCachedQuery (a column's
 * type or the table's columns changed), and {@code 42804} when re-planning it no longer type-checks
 * (an INSERT's parameter no longer fits its column). A fresh Parse of the same text succeeds.
 */
final class StalePlan {

  static final String FEATURE_NOT_SUPPORTED = "0A000";
  static final String DATATYPE_MISMATCH = "42804";
  static final String REVALIDATE_ROUTINE = "RevalidateCachedQuery";
  private static final char ROUTINE = 'R';

  private StalePlan() {}

  static boolean is(ErrorResponse error) {
    String sqlState = error.sqlState();
    return DATATYPE_MISMATCH.equals(sqlState)
        || (FEATURE_NOT_SUPPORTED.equals(sqlState) && REVALIDATE_ROUTINE.equals(error.fields().get(ROUTINE)));
  }
}
