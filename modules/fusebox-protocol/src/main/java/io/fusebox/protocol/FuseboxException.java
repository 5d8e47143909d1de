package io.fusebox.protocol;

/**
 * A call through a breaker that did not succeed, decoded from the reply. Catch a subclass to react
 * to one case ({@link CircuitOpenException} carries its retry time), or this class for all of them.
 */
public class FuseboxException extends RuntimeException {

  private final transient FuseboxError error;

  public FuseboxException(FuseboxError error) {
    super(error.code().error() + (error.breaker() == null ? "" : " from " + error.breaker())
        + (error.detail() == null ? "" : ": " + error.detail()), null, false, false);
    this.error = error;
  }

  public FuseboxError error() {
    return error;
  }

  /** The event-bus failure code, e.g. 503. */
  public int code() {
    return error.code().code();
  }

  /** Maps an error to its exception type. */
  public static FuseboxException of(FuseboxError error) {
    return switch (error.code()) {
      case BAD_REQUEST, UNKNOWN_BREAKER, INVALID_CONFIG -> new BadRequestException(error);
      case DEPENDENCY_REJECTED -> new DependencyRejectedException(error);
      case HALF_OPEN_FULL, BULKHEAD_FULL, OVERLOADED -> new TooManyCallsException(error);
      case DEPENDENCY_FAILURE -> new DependencyFailureException(error);
      case CIRCUIT_OPEN, THROTTLED -> new CircuitOpenException(error);
      case TIMEOUT -> new CallTimeoutException(error);
      case NODE_LEFT -> new NodeLeftException(error);
      case READ_ONLY, SHUTTING_DOWN, INTERNAL, RELOAD_IN_PROGRESS -> new FuseboxException(error);
    };
  }
}
