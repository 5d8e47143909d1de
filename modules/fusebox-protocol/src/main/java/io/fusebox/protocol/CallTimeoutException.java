package io.fusebox.protocol;

/** The call ran past its deadline (504), or no reply came within the client's send timeout. */
public final class CallTimeoutException extends FuseboxException {

  public CallTimeoutException(FuseboxError error) {
    super(error);
  }
}
