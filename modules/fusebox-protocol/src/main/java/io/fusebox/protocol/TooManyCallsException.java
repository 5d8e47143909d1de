package io.fusebox.protocol;

/** No room for the call (429): the half-open probe permits or the bulkhead and its queue are taken; {@code error().code()} says which. */
public final class TooManyCallsException extends FuseboxException {

  public TooManyCallsException(FuseboxError error) {
    super(error);
  }
}
