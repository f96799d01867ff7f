package org.openprofiles.prodlike;

/** How a lost response looks to the client. */
public enum LossStyle {
    /** The connection is reset (TCP RST) with nothing written. */
    RESET,
    /** Nothing is written and the connection stays open until the client closes it (or 60 s). */
    TIMEOUT
}
