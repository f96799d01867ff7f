package org.openprofiles.config;

/** A domain file breaks a rule; the message names the file, the object type and the rule. */
public final class DomainConfigException extends RuntimeException {
    public DomainConfigException(String message) {
        super(message);
    }
}
