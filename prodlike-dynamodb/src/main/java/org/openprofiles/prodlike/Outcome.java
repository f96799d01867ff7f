package org.openprofiles.prodlike;

/** What to do with one request: answer it, or drop the connection without an answer. */
record Outcome(HttpWire.Response response, LossStyle drop) {
    static Outcome answer(HttpWire.Response response) {
        return new Outcome(response, null);
    }
}
