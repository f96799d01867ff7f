package org.openprofiles.prodlike;

import org.openprofiles.prodlike.ProductionLikeDynamo.LossStyle;

/** What to do with one request: answer it, or drop the connection without an answer. */
record Outcome(HttpWire.Response response, LossStyle drop) {
    static Outcome answer(HttpWire.Response response) {
        return new Outcome(response, null);
    }
}
