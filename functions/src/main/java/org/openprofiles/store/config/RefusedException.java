package org.openprofiles.store.config;

/** A configuration write that was refused; nothing was written. */
public final class RefusedException extends RuntimeException {
    private final Refusal refusal;

    RefusedException(Refusal refusal) {
        super(refusal.name(), null, false, false);
        this.refusal = refusal;
    }

    public Refusal refusal() { return refusal; }
}
