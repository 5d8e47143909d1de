package io.fusebox.protocol;

/**
 * The node that held the call left the cluster before it answered (503 {@code node_left}). The call
 * may have reached the dependency; retry it when the operation is safe to repeat.
 */
public final class NodeLeftException extends FuseboxException {

  public NodeLeftException(FuseboxError error) {
    super(error);
  }
}
