package io.fusebox.protocol;

/** The dependency refused the operation as the caller's fault (422): bad SQL, WRONGTYPE, NOT_FOUND... */
public final class DependencyRejectedException extends FuseboxException {

  public DependencyRejectedException(FuseboxError error) {
    super(error);
  }
}
