package org.postgresml.operator.validation;

/**
 * Why a PgmlProxy cannot be rolled out as it stands, in words a user acts on. Never carries a
 * secret value.
 *
 * @param reason CamelCase condition reason
 * @param message names the object, the key and what to do
 */
public record SpecProblem(String reason, String message) {

  public static final String SECRET_NOT_FOUND = "SecretNotFound";
  public static final String SECRET_KEY_MISSING = "SecretKeyMissing";
  public static final String INVALID_UPSTREAM_URL = "InvalidUpstreamUrl";
  public static final String INVALID_SPEC = "InvalidSpec";

  /** Thrown where a problem ends resolution early. */
  public static final class Found extends Exception {
    private final SpecProblem problem;

    public Found(SpecProblem problem) {
      super(problem.message(), null, false, false);
      this.problem = problem;
    }

    public SpecProblem problem() {
      return problem;
    }
  }
}
