package org.openprofiles.store.config;

/** Why a configuration write was refused: what its failed conditions found. */
public enum Refusal {
    DOMAIN_MISSING, DOMAIN_DELETING, DOMAIN_EXISTS, TYPE_MISSING, TYPE_DELETING, TOO_MANY_TYPES, EVENT_STREAM_EXISTS,
    EVENT_STREAM_MISSING
}
