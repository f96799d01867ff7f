package org.openprofiles.resolution;

/**
 * The outcome of profile resolution for one object.
 *
 * @param profileId the profile to attach to when {@code outcome} is ATTACH, else null
 */
public record Resolution(Outcome outcome, String profileId) {
    public enum Outcome {
        /** Exactly one profile holds a PROFILE key value: attach the object to it. */
        ATTACH,
        /** No key gave a single match and the type allows profile creation. */
        CREATE,
        /** No key gave a single match and creation is not allowed: keep the object unattached. */
        UNMATCHED
    }

    public static Resolution attach(String profileId) { return new Resolution(Outcome.ATTACH, profileId); }
}
